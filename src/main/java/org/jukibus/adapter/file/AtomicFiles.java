package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a file into a folder a legacy system watches so that it never sees a partial file:
 * write a hidden temporary file, force it to disk, rename it into place, force the folder.
 * Several files for one folder share the folder's force ({@link #writeAll}).
 */
public final class AtomicFiles {

    private static final Logger log = LoggerFactory.getLogger(AtomicFiles.class);
    /** Folders whose force succeeded once: their file system can force a folder, so a later failure is a real one. */
    private static final Set<Path> forceable = ConcurrentHashMap.newKeySet();
    /** Folders already named in a WARN: once each. */
    private static final Set<Path> warned = ConcurrentHashMap.newKeySet();

    /** Forces a folder's entries to disk (a seam for tests: the failures a file system may answer). */
    @FunctionalInterface
    interface FolderForce {
        void force(Path dir) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        writeAll(target.getParent(), Map.of(target.getFileName().toString(), content));
    }

    /**
     * Every file of {@code files} (plain name to content) into {@code dir}, each as {@link #write} does, and the
     * folder forced once, after the last rename: when this returns, all of them are on disk under their names. Every
     * file is written and forced under its hidden name before the first is renamed, so a full disk shows the legacy
     * system none of them; a rename that fails after others went through says which did ({@link PartlyWritten}).
     */
    public static void writeAll(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        boolean canForce = canForce(dir, AtomicFiles::forceNow); // decided before any file is placed
        Map<Path, Path> hidden = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = dir.resolve(file.getKey());
                Path tmp = dir.resolve("." + target.getFileName() + ".part");
                hidden.put(tmp, target);
                writeHidden(tmp, file.getValue());
            }
        } catch (IOException e) {
            for (Path tmp : hidden.keySet()) {
                Files.deleteIfExists(tmp);
            }
            throw e;
        }
        List<String> placed = new ArrayList<>();
        for (Map.Entry<Path, Path> move : hidden.entrySet()) {
            try {
                Files.move(move.getKey(), move.getValue(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (placed.isEmpty()) {
                    throw e;
                }
                throw new PartlyWritten(placed, e);
            }
            placed.add(move.getValue().getFileName().toString());
        }
        if (canForce) {
            forceFolder(dir, AtomicFiles::forceNow);
        }
    }

    /**
     * Whether this folder's file system can force a folder, decided by a probe (a force of the folder before any file
     * is placed), not by an error's text (the JDK's is localized: "無効な引数です" under ja_JP). A folder it cannot force
     * (one that cannot be opened, as on Windows, or whose fsync answers EINVAL: procfs, some network file systems) is
     * let be, with a WARN once per folder: the renames are still atomic, only not forced. A success is remembered; a
     * failed probe is tried again at the folder's next write (it may have been a passing failure).
     */
    static boolean canForce(Path dir, FolderForce force) {
        if (forceable.contains(dir)) {
            return true;
        }
        try {
            force.force(dir);
        } catch (IOException cannot) {
            notForced(dir, cannot);
            return false;
        }
        forceable.add(dir);
        return true;
    }

    /**
     * The folder's entries (the renames) forced to disk, on a folder {@link #canForce} said can be. A failure here (EIO,
     * a disk going away) is thrown: the files are in place but may not stay there after a power loss, so the caller
     * records none of them and writes them again, rather than record files that may vanish (a lost file is worse than
     * one written twice).
     */
    static void forceFolder(Path dir, FolderForce force) throws IOException {
        try {
            force.force(dir);
        } catch (IOException e) {
            throw new IOException("the folder " + dir + " was not forced to disk after its files were renamed into it: "
                    + e.getMessage(), e);
        }
    }

    private static void forceNow(Path dir) throws IOException {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
    }

    private static void notForced(Path dir, IOException why) {
        if (warned.add(dir)) {
            log.warn("the folder {} cannot be forced to disk on this file system ({}): its files are renamed into place "
                    + "atomically but a power loss may undo the renames; put the legacy folders on a file system that can",
                    dir, why.toString());
        }
    }

    /** Some files of a {@link #writeAll} are in place under their names, the rest are not: {@link #placed()} says which. */
    public static final class PartlyWritten extends IOException {
        private final List<String> placed;

        PartlyWritten(List<String> placed, IOException cause) {
            super(placed.size() + " file(s) in place before: " + cause.getMessage(), cause);
            this.placed = List.copyOf(placed);
        }

        public List<String> placed() {
            return placed;
        }
    }

    /** The content forced to disk under a hidden name (not yet renamed into place). */
    private static void writeHidden(Path tmp, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
    }
}
