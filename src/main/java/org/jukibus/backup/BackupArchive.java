package org.jukibus.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jukibus.backup.BackupManifest.Entry;

/**
 * A node backup opened for restoring, checked whole before anything is written: a complete zip
 * (a cut-off copy has no central directory), a manifest of this format, every entry it lists present
 * with its size and SHA-256, and nothing it does not list.
 */
final class BackupArchive implements AutoCloseable {

    private final Path path;
    private final ZipFile zip;
    private final BackupManifest manifest;

    private BackupArchive(Path path, ZipFile zip, BackupManifest manifest) {
        this.path = path;
        this.zip = zip;
        this.manifest = manifest;
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * When a plain (unencrypted) archive was made, from its manifest alone, without checking the entries; null if the
     * file is not a plain node backup. Plain archives predate {@link BackupEncryption} and carry no expiry of their own,
     * so their age decides.
     */
    static java.time.Instant plainCreatedAt(Path path) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry entry = zip.getEntry(BackupManifest.NAME);
            if (entry == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return java.time.Instant.parse(json().readValue(in, BackupManifest.class).createdAt());
            }
        } catch (IOException | RuntimeException notABackup) {
            return null;
        }
    }

    /** Opens and checks the archive; throws {@link BackupRejectedException} naming what is wrong. */
    static BackupArchive open(Path path) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new BackupRejectedException(path + " is not a complete node backup (cut off or damaged: " + e.getMessage() + ")");
        }
        try {
            ZipEntry manifestEntry = zip.getEntry(BackupManifest.NAME);
            if (manifestEntry == null) {
                throw new BackupRejectedException(path + " is not a node backup: it has no " + BackupManifest.NAME);
            }
            BackupManifest manifest;
            try (InputStream in = zip.getInputStream(manifestEntry)) {
                manifest = json().readValue(in, BackupManifest.class);
            } catch (IOException e) {
                throw new BackupRejectedException(path + ": its " + BackupManifest.NAME + " cannot be read (" + e.getMessage() + ")");
            }
            if (manifest.format() != BackupManifest.FORMAT) {
                throw new BackupRejectedException(path + " is a backup of format " + manifest.format() + "; this jukibus reads format "
                        + BackupManifest.FORMAT);
            }
            BackupArchive archive = new BackupArchive(path, zip, manifest);
            archive.checkEntries();
            return archive;
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private void checkEntries() throws IOException {
        Set<String> listed = new HashSet<>();
        for (Entry e : manifest.entries()) {
            listed.add(e.name());
            if (zip.getEntry(e.name()) == null) {
                throw new BackupRejectedException(path + " is incomplete: " + e.name() + " (" + e.kind() + " " + e.target() + ") is missing");
            }
            HashingStream h = new HashingStream(OutputStream.nullOutputStream());
            try (InputStream in = zip.getInputStream(zip.getEntry(e.name()))) {
                in.transferTo(h);
            } catch (ZipException damaged) {
                throw new BackupRejectedException(path + " is damaged: " + e.name() + " cannot be read (" + damaged.getMessage() + ")");
            }
            if (h.size() != e.size() || !h.sha256().equals(e.sha256())) {
                throw new BackupRejectedException(path + " is damaged: " + e.name() + " has " + h.size() + " bytes with SHA-256 "
                        + h.sha256() + ", the manifest says " + e.size() + " bytes with " + e.sha256());
            }
        }
        for (ZipEntry z : Collections.list(zip.entries())) {
            if (!z.isDirectory() && !z.getName().equals(BackupManifest.NAME) && !listed.contains(z.getName())) {
                throw new BackupRejectedException(path + " holds " + z.getName() + ", which its manifest does not list");
            }
        }
    }

    BackupManifest manifest() {
        return manifest;
    }

    InputStream open(Entry entry) throws IOException {
        return zip.getInputStream(zip.getEntry(entry.name()));
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
