package org.jukibus.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups are encrypted in authenticated segments and carry their expiry in clear. */
class BackupEncryptionTest {

    static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
    static final Instant EXPIRES = Instant.parse("2027-03-01T00:00:00Z");

    @TempDir
    Path dir;

    /** More than two segments, the last one partial, with a resident code in it. */
    static byte[] content() {
        byte[] content = new byte[2 * BackupEncryption.SEGMENT + 12345];
        new Random(7).nextBytes(content);
        byte[] code = "73000000019".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(code, 0, content, 1000, code.length);
        return content;
    }

    static byte[] encrypt(byte[] content) throws Exception {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream out = BackupEncryption.encrypting(sealed, PASSPHRASE, EXPIRES)) {
            int first = Math.min(10, content.length); // written in two calls, as a zip stream does
            out.write(content, 0, first);
            out.write(content, first, content.length - first);
        }
        return sealed.toByteArray();
    }

    static byte[] decrypt(byte[] sealed, char[] passphrase) throws Exception {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        BackupEncryption.decrypt(new ByteArrayInputStream(sealed), plain, passphrase);
        return plain.toByteArray();
    }

    @Test
    void it_decrypts_to_what_was_written_and_shows_nothing_of_it() throws Exception {
        byte[] content = content();
        byte[] sealed = encrypt(content);

        assertThat(decrypt(sealed, PASSPHRASE)).isEqualTo(content);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("73000000019");
        assertThat(BackupEncryption.isEncrypted(sealed)).isTrue();
        assertThat(BackupEncryption.expiresAt(new ByteArrayInputStream(sealed))).isEqualTo(EXPIRES);
    }

    @Test
    void a_wrong_passphrase_a_changed_bit_a_cut_off_archive_and_a_changed_expiry_are_refused() throws Exception {
        byte[] sealed = encrypt(content());

        assertThatThrownBy(() -> decrypt(sealed, "another passphrase!".toCharArray())).isInstanceOf(BackupRejectedException.class)
                .hasMessageContaining("wrong passphrase");
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 100] ^= 1;
        assertThatThrownBy(() -> decrypt(flipped, PASSPHRASE)).isInstanceOf(BackupRejectedException.class)
                .hasMessageContaining("segment 2 does not authenticate");
        // cut exactly after a whole segment: only the "last" flag tells it is not the end
        int firstSegment = BackupEncryption.MAGIC.length + 16 + 4 + 8 + 2 + EXPIRES.toString().length() + 4 + 1
                + BackupEncryption.SEGMENT + 16;
        assertThatThrownBy(() -> decrypt(Arrays.copyOf(sealed, firstSegment), PASSPHRASE)).isInstanceOf(BackupRejectedException.class)
                .hasMessageContaining("cut off");
        byte[] later = new String(sealed, StandardCharsets.ISO_8859_1).replaceFirst("2027-03-01", "2099-03-01")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> decrypt(later, PASSPHRASE)).isInstanceOf(BackupRejectedException.class);
    }

    @Test
    void expired_archives_in_the_backup_folder_are_erased_and_other_files_left_alone() throws Exception {
        Files.write(dir.resolve("old.zip"), encrypt(new byte[] {1, 2, 3}));
        Files.writeString(dir.resolve("notes.txt"), "not a backup");
        ExpiredBackups expired = new ExpiredBackups(dir, java.time.Period.ofDays(90));

        assertThat(expired.eraseAsOf(EXPIRES.minusSeconds(1))).isZero();
        assertThat(dir.resolve("old.zip")).exists();
        assertThat(expired.eraseAsOf(EXPIRES)).isEqualTo(1);
        assertThat(dir.resolve("old.zip")).doesNotExist();
        assertThat(dir.resolve("notes.txt")).exists();
    }

    @Test
    void a_plain_archive_from_before_encryption_expires_by_its_manifest_time_plus_the_retention() throws Exception {
        Instant made = Instant.parse("2026-01-10T09:00:00Z");
        Path old = dir.resolve("plain.zip");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(old))) {
            zip.putNextEntry(new java.util.zip.ZipEntry(BackupManifest.NAME));
            zip.write(BackupArchive.json().writeValueAsBytes(new BackupManifest(BackupManifest.FORMAT, "municipal", "131016",
                    made.toString(), "/etc/jukibus/node.properties", "/var/lib/jukibus/131016", java.util.List.of(), java.util.List.of())));
            zip.closeEntry();
        }
        Files.write(dir.resolve("other.zip"), new byte[] {'P', 'K', 3, 4, 0}); // a damaged zip, not ours to judge
        ExpiredBackups expired = new ExpiredBackups(dir, java.time.Period.ofDays(30));

        assertThat(expired.eraseAsOf(Instant.parse("2026-02-09T08:59:59Z"))).isZero();
        assertThat(expired.eraseAsOf(Instant.parse("2026-02-09T09:00:00Z"))).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(dir.resolve("other.zip")).exists();
    }

    @Test
    void a_passphrase_file_others_can_read_is_refused() throws Exception {
        Path file = dir.resolve("backup.pass");
        Files.writeString(file, "correct horse battery staple\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> BackupProperties.passphrase(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rw-r-----").hasMessageContaining("chmod 600");

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        assertThat(BackupProperties.passphrase(file)).isEqualTo(PASSPHRASE);
    }

    @Test
    void a_backup_folder_the_node_cannot_write_stops_the_start_instead_of_keeping_expired_archives() throws Exception {
        BackupProperties properties = new BackupProperties();
        properties.setDir(dir.resolve("absent"));
        assertThatThrownBy(properties::requireWritableDir).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("absent").hasMessageContaining("ReadWritePaths");
        properties.setDir(dir);
        assertThat(properties.requireWritableDir()).isEqualTo(dir);
    }
}
