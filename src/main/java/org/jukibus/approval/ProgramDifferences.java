package org.jukibus.approval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jukibus.audit.Sha256;

/** How the program files found differ from the approved ones, file by file. */
public final class ProgramDifferences {

    /** What is wrong with one file. */
    public enum Kind {
        /** Listed, but its content is not what was approved. */
        CHANGED("changed since it was approved"),
        /** Present, but not in the manifest. */
        NOT_APPROVED("not approved (an added file the manifest does not list)"),
        /** In the manifest, but not there. */
        MISSING("approved but missing");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    /** One file that differs. */
    public record Difference(String path, Kind kind, String approvedSha256, String foundSha256) {
        @Override
        public String toString() {
            return path + ": " + kind.words + switch (kind) {
                case CHANGED -> " (approved sha256 " + approvedSha256 + ", found " + foundSha256 + ")";
                default -> "";
            };
        }
    }

    private ProgramDifferences() {
    }

    /** Compares approved digests (path to SHA-256) with the files found (path to content); empty when they match. */
    public static List<Difference> between(SortedMap<String, String> approved, Map<String, byte[]> found) {
        return between(approved, digests(found, Map.of()));
    }

    /** Compares approved digests with the digests found (path to SHA-256); empty when they match. */
    public static List<Difference> between(SortedMap<String, String> approved, SortedMap<String, String> found) {
        List<Difference> out = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(approved.keySet());
        paths.addAll(found.keySet());
        for (String path : paths) {
            String want = approved.get(path);
            String have = found.get(path);
            if (want == null) {
                out.add(new Difference(path, Kind.NOT_APPROVED, null, have));
            } else if (have == null) {
                out.add(new Difference(path, Kind.MISSING, want, null));
            } else if (!have.equals(want)) {
                out.add(new Difference(path, Kind.CHANGED, want, have));
            }
        }
        return out;
    }

    /** The digests of files (path to content) together with digests already taken (the node's program). */
    public static SortedMap<String, String> digests(Map<String, byte[]> files, Map<String, String> digests) {
        SortedMap<String, String> out = new TreeMap<>(digests);
        files.forEach((path, bytes) -> out.put(path, Sha256.hex(bytes)));
        return out;
    }
}
