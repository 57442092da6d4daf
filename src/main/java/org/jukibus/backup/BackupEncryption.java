package org.jukibus.backup;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A backup archive holds the node's private key and personal data, so it is written encrypted: AES-256-GCM with a key
 * derived from the operator's passphrase (PBKDF2-HMAC-SHA256, a random salt per archive), in segments of 1 MiB so that
 * neither side holds the whole archive in memory. Each segment has its own nonce (a random prefix and the segment
 * number) and is authenticated with the header and whether it is the last one, so a reordered, cut-off or changed
 * archive, or a wrong passphrase, fails to decrypt instead of restoring something else.
 *
 * <pre>
 * "JUKIBUS-BACKUP-AES256GCM-1\n" | salt (16) | iterations (int) | nonce prefix (8) | expires at (UTF, ISO-8601)
 *   | segments: length (int), last (byte), ciphertext
 * </pre>
 * The expiry is in clear (and authenticated with every segment): the node's erasure deletes an expired archive
 * without the passphrase ({@link ExpiredBackups}), and a restore refuses one.
 */
public final class BackupEncryption {

    static final byte[] MAGIC = "JUKIBUS-BACKUP-AES256GCM-1\n".getBytes(StandardCharsets.US_ASCII);
    static final int SEGMENT = 1 << 20;
    static final int ITERATIONS = 310_000;
    private static final int TAG_BITS = 128;

    private BackupEncryption() {
    }

    /** True if {@code head} (the archive's first bytes) starts an encrypted archive. */
    static boolean isEncrypted(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
    }

    /** An output stream that encrypts everything written to it into {@code out}; closing it writes the last segment. */
    static OutputStream encrypting(OutputStream out, char[] passphrase, java.time.Instant expiresAt) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] prefix = new byte[8];
        random.nextBytes(salt);
        random.nextBytes(prefix);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(header);
        h.write(MAGIC);
        h.write(salt);
        h.writeInt(ITERATIONS);
        h.write(prefix);
        h.writeUTF(expiresAt.toString());
        h.flush();
        byte[] headerBytes = header.toByteArray();
        out.write(headerBytes);
        return new Segments(out, key(passphrase, salt, ITERATIONS), prefix, headerBytes);
    }

    /** The plaintext of an encrypted archive; throws {@link BackupRejectedException} for a wrong passphrase or a damaged archive. */
    public static void decrypt(InputStream in, OutputStream plain, char[] passphrase) throws IOException, BackupRejectedException {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = data.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new BackupRejectedException("not an encrypted jukibus backup");
            }
            byte[] salt = data.readNBytes(16);
            int iterations = data.readInt();
            byte[] prefix = data.readNBytes(8);
            if (salt.length != 16 || prefix.length != 8 || iterations < 1 || iterations > 10_000_000) {
                throw new BackupRejectedException("the backup's encryption header is damaged");
            }
            String expiresAt = data.readUTF();
            ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
            DataOutputStream header = new DataOutputStream(headerBytes);
            header.write(magic);
            header.write(salt);
            header.writeInt(iterations);
            header.write(prefix);
            header.writeUTF(expiresAt);
            SecretKey key = key(passphrase, salt, iterations);
            for (int n = 0; ; n++) {
                int length = data.readInt();
                boolean last = data.readByte() == 1;
                if (length < 0 || length > SEGMENT + TAG_BITS / 8) {
                    throw new BackupRejectedException("the backup is damaged (segment " + n + " claims " + length + " bytes)");
                }
                byte[] sealed = data.readNBytes(length);
                if (sealed.length != length) {
                    throw new BackupRejectedException("the backup is cut off (in segment " + n + ")");
                }
                Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, prefix, n, headerBytes.toByteArray(), last);
                try {
                    plain.write(cipher.doFinal(sealed));
                } catch (AEADBadTagException e) {
                    throw new BackupRejectedException(n == 0 ? "the backup does not decrypt: wrong passphrase (jukibus.backup.passphrase-file "
                            + "or JUKIBUS_BACKUP_PASSPHRASE), or a damaged archive" : "the backup is damaged (segment " + n + " does not authenticate)");
                }
                if (last) {
                    return;
                }
            }
        } catch (EOFException e) {
            throw new BackupRejectedException("the backup is cut off: its last segment is missing");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /** When an encrypted archive expires, from its header (no passphrase needed); null if it is not one. */
    static java.time.Instant expiresAt(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = data.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            return null;
        }
        data.readNBytes(16 + 4 + 8);
        try {
            return java.time.Instant.parse(data.readUTF());
        } catch (java.time.format.DateTimeParseException | EOFException e) {
            return null;
        }
    }

    private static SecretKey key(char[] passphrase, byte[] salt, int iterations) throws IOException {
        if (passphrase == null || passphrase.length < 12) {
            throw new IllegalArgumentException("a backup passphrase of at least 12 characters is needed (jukibus.backup.passphrase-file "
                    + "or the environment variable JUKIBUS_BACKUP_PASSPHRASE)");
        }
        try {
            byte[] raw = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(passphrase, salt, iterations, 256)).getEncoded();
            return new SecretKeySpec(raw, "AES");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot derive the backup key: " + e.getMessage(), e);
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] prefix, int segment, byte[] header, boolean last)
            throws GeneralSecurityException {
        byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt(segment).array();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(header);
        cipher.updateAAD(new byte[] {(byte) (last ? 1 : 0)});
        return cipher;
    }

    /** Buffers a segment, seals it when full; the last one (possibly empty) on close. */
    private static final class Segments extends OutputStream {
        private final OutputStream out;
        private final SecretKey key;
        private final byte[] prefix;
        private final byte[] header;
        private final byte[] buffer = new byte[SEGMENT];
        private int filled;
        private int segment;
        private boolean closed;

        Segments(OutputStream out, SecretKey key, byte[] prefix, byte[] header) {
            this.out = out;
            this.key = key;
            this.prefix = prefix;
            this.header = header;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == SEGMENT) {
                    seal(false); // only when more follows: the last segment is written on close
                }
                int n = Math.min(len, SEGMENT - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                byte[] sealed = cipher(Cipher.ENCRYPT_MODE, key, prefix, segment++, header, last).doFinal(buffer, 0, filled);
                DataOutputStream data = new DataOutputStream(out);
                data.writeInt(sealed.length);
                data.writeByte(last ? 1 : 0);
                data.write(sealed);
                data.flush();
                filled = 0;
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt the backup: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                seal(true);
                out.close();
            }
        }
    }
}
