package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes a file into a folder a legacy system watches so that it never sees a partial file:
 * write a hidden temporary file, force it to disk, rename it into place, force the folder.
 * Several files for one folder share the folder's force ({@link #writeAll}).
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        writeAll(target.getParent(), Map.of(target.getFileName().toString(), content));
    }

    /**
     * Every file of {@code files} (plain name to content) into {@code dir}, each as {@link #write} does, and the
     * folder forced once, after the last rename: when this returns, all of them are on disk under their names.
     */
    public static void writeAll(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            place(dir, dir.resolve(file.getKey()), file.getValue());
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for fsync; the rename itself is still atomic
        }
    }

    /** The content forced to disk under a hidden name, then renamed into place (not yet the folder forced). */
    private static void place(Path dir, Path target, byte[] content) throws IOException {
        Path tmp = dir.resolve("." + target.getFileName() + ".part");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
