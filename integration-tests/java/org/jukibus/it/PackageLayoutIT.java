package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jukibus.it.Codes.OSAKA;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.jukibus.approval.RoutesCommand;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.logging.NodeReadyLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node run as the Debian package runs it: the extracted layout the build makes (target/extracted/: the application's
 * jar, installed as jukibus.jar, and lib/) started by the package's launcher (src/deb/bin/jukibus, with the jar's path
 * pointed at a copy of the layout), which with JUKIBUS_CDS=on makes the node's class-data archive at its first stop
 * and maps it from then on.
 * The officer approves the layout's jar with its libraries.
 */
class PackageLayoutIT {

    @RegisterExtension
    final ProcessNetwork net = new ProcessNetwork(OSAKA);

    @TempDir
    Path dir;

    @Test
    void the_launcher_starts_a_node_from_the_layout_writes_its_archive_at_the_first_stop_and_maps_it_at_the_next_start()
            throws Exception {
        Path jar = layout();
        approve(jar);
        Path cds = dir.resolve("cds");

        Process first = launch(jar, cds, "first");
        awaitReady(first, "first");
        assertThat(stop(first)).isEqualTo(143); // the orderly stop, archive written

        try (Stream<Path> files = Files.list(cds)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement()
                    .satisfies(name -> assertThat(name).endsWith(".jsa.new"));
        }

        Path classes = dir.resolve("class-load.log");
        Process second = launch(jar, cds, "second", "-Xlog:class+load=info:file=" + classes);
        awaitReady(second, "second");
        stop(second);
        try (Stream<Path> files = Files.list(cds)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement()
                    .satisfies(name -> assertThat(name).endsWith(".jsa"));
        }
        // the node's own classes came from the archive, not from the jar
        assertThat(Files.readAllLines(classes, StandardCharsets.UTF_8))
                .anyMatch(l -> l.contains("org.jukibus.approval.ProgramApproval ") && l.contains("shared objects file (top)"));
    }

    @Test
    void a_start_that_fails_leaves_no_archive_behind() throws Exception {
        Path jar = layout(); // not approved: the provisioned approval names another jar
        Path cds = dir.resolve("cds");

        Process node = launch(jar, cds, "refused");

        assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).isEqualTo(1);
        try (Stream<Path> files = Files.list(cds)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void a_library_changed_after_the_approval_stops_the_node() throws Exception {
        Path jar = layout();
        approve(jar);
        Path lib;
        try (Stream<Path> libs = Files.list(jar.resolveSibling("lib"))) {
            lib = libs.filter(p -> p.getFileName().toString().startsWith("HdrHistogram")).findFirst().orElseThrow();
        }
        addEntry(lib, "org/HdrHistogram/Injected.class");

        Process node = launch(jar, dir.resolve("cds"), "changed");
        assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log("changed"), StandardCharsets.UTF_8)).contains("node.jar: changed since it was approved");
    }

    /** A copy of target/extracted/ as the package installs it: jukibus.jar and lib/. */
    private Path layout() throws IOException {
        Path built = Path.of("target/extracted").toAbsolutePath();
        Path layout = dir.resolve("share");
        Files.createDirectories(layout.resolve("lib"));
        Files.copy(built.resolve("jukibus-layout.jar"), layout.resolve("jukibus.jar"));
        try (Stream<Path> libs = Files.list(built.resolve("lib"))) {
            for (Path p : libs.toList()) {
                Files.copy(p, layout.resolve("lib").resolve(p.getFileName()));
            }
        }
        return layout.resolve("jukibus.jar");
    }

    /** What the officer does after an upgrade: approves the routes and broker configuration with the installed jar. */
    private void approve(Path jar) {
        Network network = net.net().network;
        Path officer = network.officerDir();
        Path routes = network.programsDir().resolve("routes");
        int rc = RoutesCommand.commandLine().execute("sign", "--routes", routes.toString(),
                "--broker-config", network.programsDir().resolve("broker-config").toString(),
                "--keystore", officer.resolve("officer.p12").toString(), "--password-file", officer.resolve("officer.pass").toString(),
                "--jar", jar.toString(), "--note", "PackageLayoutIT", "--out", routes.resolve("APPROVED.xml").toString());
        assertThat(rc).isZero();
    }

    /** src/deb/bin/jukibus with its jar's path pointed at the copy, run as the unit runs it: {@code jukibus node --config}. */
    private Process launch(Path jar, Path cds, String name, String... javaOptions) throws IOException {
        Path launcher = dir.resolve("jukibus");
        String script = Files.readString(Path.of("src/deb/bin/jukibus"), StandardCharsets.UTF_8);
        assertThat(script).contains("JAR=/usr/share/jukibus/jukibus.jar\n");
        Files.writeString(launcher, script.replace("JAR=/usr/share/jukibus/jukibus.jar\n", "JAR=" + jar + "\n"), StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("sh", launcher.toString(), "node", "--config", net.config(OSAKA).toString())
                .redirectErrorStream(true).redirectOutput(log(name).toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        // not in JAVA_OPTS, which is part of the archive's build key: the JVM's own variable
        env.put("JDK_JAVA_OPTIONS", String.join(" ", javaOptions));
        env.put("JUKIBUS_CDS", "on");
        env.put("JUKIBUS_CDS_DIR", cds.toString());
        return builder.start();
    }

    private Path log(String name) {
        return dir.resolve(name + ".log");
    }

    private void awaitReady(Process process, String name) {
        String ready = NodeReadyLog.marker(OSAKA, "municipal");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the node exited with " + process.exitValue() + ":\n"
                        + Files.readString(log(name), StandardCharsets.UTF_8));
            }
            return Files.readString(log(name), StandardCharsets.UTF_8).contains(ready);
        });
    }

    /** SIGTERM, as systemctl stop sends it; the JVM writes a first run's archive as it exits. */
    private static int stop(Process process) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return process.exitValue();
    }

    /** The library with one more entry: what an attacker or a careless copy leaves in lib/. */
    private static void addEntry(Path jar, String entry) throws IOException {
        Path changed = jar.resolveSibling(jar.getFileName() + ".changed");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar));
             JarOutputStream out = in.getManifest() == null ? new JarOutputStream(Files.newOutputStream(changed))
                     : new JarOutputStream(Files.newOutputStream(changed), in.getManifest())) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                out.putNextEntry(new JarEntry(e.getName()));
                in.transferTo(out);
            }
            out.putNextEntry(new JarEntry(entry));
            out.write(new byte[] {(byte) 0xca, (byte) 0xfe});
        }
        Files.move(changed, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
