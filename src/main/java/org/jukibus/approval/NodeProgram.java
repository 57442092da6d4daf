package org.jukibus.approval;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.jukibus.audit.Sha256;

/**
 * The node's program itself, beside its routes and broker configuration: its jar ({@value ProgramFiles#JAR} in a
 * manifest, by SHA-256, whatever the file is called) and the XML Schemas it validates every message with
 * ({@code schemas/<name>.xsd}, as the node loads them from its classpath). Checked in place, not copied: the jar is the
 * running code, and the schemas are read from it.
 *
 * <p>A jar whose manifest names a {@code Class-Path} (the extracted layout {@code java -Djarmode=tools -jar jukibus.jar
 * extract} makes: {@code jukibus.jar} with the application's classes and {@code lib/*.jar} beside it, which class-data
 * sharing needs to start a node fast) runs the code of those jars too: its {@value ProgramFiles#JAR} digest covers them
 * ({@link #programDigest}), so that a changed, added or missing library is refused like a changed jar.
 *
 * <p>A node run from a class folder (development, the in-process nodes of tests) has no jar: only its schemas are
 * checked, and the operation log says the jar was not ({@link #jar()} is null).
 *
 * @param jar     the node's jar, or null when it runs from a class folder
 * @param where   the jar or class folder, for messages
 * @param digests {@value ProgramFiles#JAR} and {@code schemas/<name>.xsd} to their SHA-256
 */
public record NodeProgram(Path jar, Path where, SortedMap<String, String> digests) {

    /** Where a Spring Boot jar keeps the classpath's {@code schemas/}. */
    private static final String BOOT_CLASSES = "BOOT-INF/classes/";

    /**
     * The program running this JVM: the jar of {@code java -jar} when it holds this class, or else the class folder
     * holding this class. (A test runner's class-path jar, such as surefire's booter, holds no class of ours.)
     */
    public static NodeProgram running() throws IOException {
        String classPath = System.getProperty("java.class.path", "");
        Path single = classPath.isEmpty() || classPath.contains(java.io.File.pathSeparator) ? null : Path.of(classPath);
        if (single != null && single.getFileName().toString().endsWith(".jar") && Files.isRegularFile(single)
                && holdsThisClass(single)) {
            return ofJar(single.toAbsolutePath());
        }
        try {
            return ofClasses(Path.of(NodeProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot tell where this node's program runs from: " + e.getMessage(), e);
        }
    }

    /** A jar (as {@code mvn package} builds it): its digest and the schemas inside it. */
    public static NodeProgram ofJar(Path jar) throws IOException {
        SortedMap<String, String> digests = new TreeMap<>();
        digests.put(ProgramFiles.JAR, programDigest(jar));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName().startsWith(BOOT_CLASSES) ? e.getName().substring(BOOT_CLASSES.length()) : e.getName();
                if (!e.isDirectory() && isSchema(name)) {
                    try (InputStream in = zip.getInputStream(e)) {
                        digests.put(name, Sha256.hex(in.readAllBytes()));
                    }
                }
            }
        }
        return new NodeProgram(jar, jar, digests);
    }

    /** A class folder (target/classes): the schemas in its {@code schemas/}, no jar. */
    public static NodeProgram ofClasses(Path classes) throws IOException {
        SortedMap<String, String> digests = new TreeMap<>();
        Path folder = classes.resolve("schemas");
        if (Files.isDirectory(folder)) {
            List<Path> found;
            try (Stream<Path> s = Files.list(folder)) {
                found = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path p : found) {
                String name = ProgramFiles.SCHEMAS + p.getFileName();
                if (isSchema(name)) {
                    digests.put(name, Sha256.hex(Files.readAllBytes(p)));
                }
            }
        }
        return new NodeProgram(null, classes, digests);
    }

    /** This program with another jar's digest: what a network's nodes run when they are started from that jar. */
    public NodeProgram withJar(Path otherJar) throws IOException {
        SortedMap<String, String> d = new TreeMap<>(digests);
        d.put(ProgramFiles.JAR, programDigest(otherJar));
        return new NodeProgram(otherJar, otherJar, d);
    }

    /** How to name it in messages. */
    public String describe() {
        return jar != null ? "the jar " + jar : "the class folder " + where + " (no jar: the jar is not checked)";
    }

    private static boolean holdsThisClass(Path jar) throws IOException {
        String self = NodeProgram.class.getName().replace('.', '/') + ".class";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(BOOT_CLASSES + self) != null || zip.getEntry(self) != null;
        }
    }

    private static boolean isSchema(String name) {
        return name.startsWith(ProgramFiles.SCHEMAS) && ProgramFiles.PATH.matcher(name).matches();
    }

    /**
     * The digest an officer approves as {@value ProgramFiles#JAR}: of a self-contained jar, its SHA-256; of a jar with a
     * {@code Class-Path}, the SHA-256 of the lines {@code <sha256> <path>} of the jar and of every jar the JVM loads
     * through it (each one's own {@code Class-Path} too, as the JVM follows them), in the order the JVM searches them.
     * A library the manifest names but which is not there is refused: the JVM would skip it silently, and a node must
     * not run a program other than the approved one.
     */
    static String programDigest(Path jar) throws IOException {
        java.util.LinkedHashMap<Path, String> loaded = new java.util.LinkedHashMap<>();
        collect(jar.toAbsolutePath().normalize(), loaded);
        if (loaded.size() == 1) {
            return loaded.values().iterator().next();
        }
        StringBuilder lines = new StringBuilder();
        Path base = jar.toAbsolutePath().normalize().getParent();
        loaded.forEach((path, digest) -> lines.append(digest).append(' ').append(base.relativize(path)).append('\n'));
        return Sha256.hex(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void collect(Path jar, java.util.Map<Path, String> loaded) throws IOException {
        if (loaded.containsKey(jar)) {
            return;
        }
        if (!Files.isRegularFile(jar)) {
            throw new IOException("the class path of the node's jar names " + jar + ", which is not there");
        }
        loaded.put(jar, sha256(jar));
        String classPath;
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile(), false)) {
            java.util.jar.Manifest manifest = file.getManifest();
            classPath = manifest == null ? null : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
        }
        if (classPath == null) {
            return;
        }
        for (String entry : classPath.trim().split("\\s+")) {
            if (entry.isEmpty()) {
                continue;
            }
            java.net.URI uri;
            try {
                uri = jar.getParent().toUri().resolve(entry); // Class-Path entries are URLs relative to the jar
            } catch (IllegalArgumentException e) {
                throw new IOException("the class path of " + jar + " names " + entry + ", which is not a URL", e);
            }
            if (!"file".equals(uri.getScheme())) {
                throw new IOException("the class path of " + jar + " names " + entry + ", which is not a file");
            }
            collect(Path.of(uri).normalize(), loaded);
        }
    }

    /** Streams the file: a node's jar is tens of MiB. */
    private static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
