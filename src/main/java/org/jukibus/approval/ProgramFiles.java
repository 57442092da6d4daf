package org.jukibus.approval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jukibus.core.NodeRole;

/**
 * The program files an officer approves: the Camel routes ({@code routes/<folder>/*.yaml}) and the broker
 * configurations ({@code broker-config/*.xml}), each named by its path under those two roots
 * ({@code routes/common/flow-templates.yaml}, {@code broker-config/municipal.xml}), whatever folders they are
 * configured in. A node runs {@code routes/common/}, {@code routes/<role>/} and {@code broker-config/<role>.xml}.
 * A manifest also names the node's program itself ({@link NodeProgram}): {@value #JAR} and {@code schemas/<name>.xsd},
 * which every node runs.
 */
public final class ProgramFiles {

    public static final String ROUTES = "routes/";
    public static final String BROKER_CONFIG = "broker-config/";
    /** The XML Schemas, as the node loads them from its classpath. */
    public static final String SCHEMAS = "schemas/";
    /** The node's jar, by digest whatever its file name. */
    public static final String JAR = "node.jar";
    /** The folder of the routes every node runs. */
    public static final String COMMON = "common";
    /** A program file larger than this is refused: routes and broker.xml are a few KiB. */
    static final long MAX_FILE_BYTES = 1024 * 1024;
    /** What a manifest may name; anything else in a node's folders cannot be approved. */
    static final Pattern PATH = Pattern.compile(
            "routes/[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+\\.yaml|broker-config/[A-Za-z0-9_.-]+\\.xml"
                    + "|schemas/[A-Za-z0-9][A-Za-z0-9_.-]*\\.xsd|node\\.jar");

    private ProgramFiles() {
    }

    /** Every program file under the two folders, for every role: what {@code jukibus routes sign} approves. */
    public static SortedMap<String, byte[]> all(Path routesDir, Path brokerConfigDir) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(routesDir)) {
            throw new IOException("no routes folder " + routesDir);
        }
        if (!Files.isDirectory(brokerConfigDir)) {
            throw new IOException("no broker-config folder " + brokerConfigDir);
        }
        try (Stream<Path> folders = Files.list(routesDir)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                readAll(files, ROUTES + folder.getFileName() + "/", folder, ".yaml");
            }
        }
        readAll(files, BROKER_CONFIG, brokerConfigDir, ".xml");
        return files;
    }

    /** The program files a node of {@code role} loads, as they are now. */
    public static SortedMap<String, byte[]> forRole(Path routesDir, Path brokerConfigDir, NodeRole role) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        readAll(files, ROUTES + COMMON + "/", routesDir.resolve(COMMON), ".yaml");
        readAll(files, ROUTES + role.id() + "/", routesDir.resolve(role.id()), ".yaml");
        Path broker = brokerConfigDir.resolve(role.id() + ".xml");
        if (Files.exists(broker)) {
            files.put(BROKER_CONFIG + role.id() + ".xml", read(broker));
        }
        return files;
    }

    /** Whether a node of {@code role} loads the file a manifest names. */
    public static boolean loadedBy(String path, NodeRole role) {
        return path.startsWith(ROUTES + COMMON + "/") || path.startsWith(ROUTES + role.id() + "/")
                || path.equals(BROKER_CONFIG + role.id() + ".xml") || path.startsWith(SCHEMAS) || path.equals(JAR);
    }

    /** Where a file a manifest names is, given the two folders. */
    public static Path locate(String path, Path routesDir, Path brokerConfigDir) {
        return path.startsWith(ROUTES) ? routesDir.resolve(path.substring(ROUTES.length()))
                : brokerConfigDir.resolve(path.substring(BROKER_CONFIG.length()));
    }

    /** Every regular file of a folder with the suffix (hidden ones too: Camel's {@code *.yaml} loads them). */
    private static void readAll(SortedMap<String, byte[]> files, String prefix, Path folder, String suffix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(folder)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().toList();
        }
        for (Path p : found) {
            files.put(prefix + p.getFileName(), read(p));
        }
    }

    private static byte[] read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + " is " + size + " bytes, over the limit of " + MAX_FILE_BYTES + " for a program file");
        }
        return Files.readAllBytes(file);
    }
}
