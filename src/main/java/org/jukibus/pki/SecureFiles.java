package org.jukibus.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/** File helpers: secrets are written owner-only (POSIX 0600) where the file system supports it; writes are atomic. */
public final class SecureFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /** Writes a file holding a key or password: mode 0600, atomically (temp file + move). */
    public static void writeSecret(Path file, byte[] content) throws IOException {
        write(file, content, true);
    }

    /** Writes a public file atomically. */
    public static void writePublic(Path file, byte[] content) throws IOException {
        write(file, content, false);
    }

    /** Writes a password file: the password and a newline, mode 0600. */
    public static void writePassword(Path file, char[] password) throws IOException {
        byte[] bytes = new String(password).concat("\n").getBytes(StandardCharsets.UTF_8);
        try {
            writeSecret(file, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Reads the first line of a password file (without the line end). */
    public static char[] readPassword(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            String s = new String(bytes, StandardCharsets.UTF_8);
            int end = s.indexOf('\n');
            if (end >= 0) {
                s = s.substring(0, end);
            }
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.isEmpty()) {
                throw new IOException("password file " + file + " is empty");
            }
            return s.toCharArray();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    static boolean posix(Path dir) {
        return Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class) != null;
    }

    private static void write(Path file, byte[] content, boolean secret) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        FileAttribute<?>[] attrs = secret && posix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp", attrs);
        try {
            Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
            if (!secret && posix(dir)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Throws FileAlreadyExistsException if {@code file} exists. */
    public static void requireAbsent(Path file) throws FileAlreadyExistsException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite existing " + file);
        }
    }
}
