package org.jukibus.backup;

import java.util.List;

/**
 * What a node backup holds ({@value #NAME} in the archive): which node, made when, with which store
 * migrations, and every other entry with where it goes back to, its size and SHA-256, so a restore can
 * check the whole archive before it writes anything.
 *
 * @param format     {@value #FORMAT}; a restore refuses other formats
 * @param createdAt  when (ISO-8601, UTC)
 * @param configFile the node's config file, absolute
 * @param home       {@code jukibus.home}, absolute
 * @param migrations the store's applied migrations ({@code version:checksum}); a restore runs exactly these
 */
public record BackupManifest(int format, String role, String code, String createdAt, String configFile, String home,
                             List<String> migrations, List<Entry> entries) {

    public static final String NAME = "MANIFEST.json";
    public static final int FORMAT = 1;

    /** What an entry is and where it is restored to. */
    public enum Kind {
        /** A file under the node's home ({@code target} relative to it): journal, operation log, legacy folders … */
        HOME,
        /** A file the config names outside the home (the config itself, keys, password files, directory); {@code target} absolute. */
        FILE,
        /** The rows of a store table ({@code target} = the table), COPY text format. */
        TABLE
    }

    /**
     * @param name        the zip entry
     * @param permissions POSIX permissions to restore ({@code rw-------}), null where the file system has none
     * @param rows        rows of a TABLE entry, else 0
     */
    public record Entry(String name, Kind kind, String target, long size, String sha256, String permissions, long rows) {
    }
}
