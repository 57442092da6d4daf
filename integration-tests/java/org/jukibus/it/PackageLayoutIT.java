package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jukibus.it.Codes.OSAKA;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
 * jar, installed as jukibus.jar, and lib/) started by the package's launcher (src/deb/bin/jukibus), with the static
 * class-data archive the package's root step (src/deb/lib/cds-archive make) dumps from the layout and the package's
 * class list (src/deb/cds/jukibus.classlist); the scripts' paths are pointed at a copy of the layout.
 * The officer approves the layout's jar with its libraries.
 */
class PackageLayoutIT {

    @RegisterExtension
    final ProcessNetwork net = new ProcessNetwork(OSAKA);

    @TempDir
    Path dir;

    @Test
    void the_launcher_starts_a_node_from_the_layout_with_the_archive_made_from_the_approved_jars() throws Exception {
        Path jar = layout();
        approve(jar);
        Path cds = dir.resolve("cds");
        assertThat(cdsArchive(jar, cds, "make")).isZero();
        Path archive;
        try (Stream<Path> files = Files.list(cds)) {
            archive = only(files.filter(p -> p.getFileName().toString().endsWith(".jsa")));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cds))).isEqualTo("rwxr-xr-x");

        Path classes = dir.resolve("class-load.log");
        Process node = launch(jar, cds, "archived", "-Xlog:class+load=info:file=" + classes);
        awaitReady(node, "archived");
        assertThat(stop(node)).isEqualTo(143);

        // the nodes' user may read the archive, not write it (here: nobody but its owner, who made it)
        assertThat(Files.getPosixFilePermissions(archive)).doesNotContain(PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE);
        // the node's own classes came from the archive, not from the jar
        assertThat(Files.readAllLines(classes, StandardCharsets.UTF_8))
                .anyMatch(l -> l.contains("org.jukibus.approval.ProgramApproval ") && l.contains("source: shared objects file"));
    }

    @Test
    void an_archive_that_does_not_match_the_jars_is_ignored_and_the_node_starts_from_the_jars() throws Exception {
        Path jar = layout();
        approve(jar);
        Path cds = dir.resolve("cds");
        assertThat(cdsArchive(jar, cds, "make")).isZero();
        Path made;
        try (Stream<Path> files = Files.list(cds)) {
            made = only(files.filter(p -> p.getFileName().toString().endsWith(".jsa")));
        }
        // a library's time changed (its content did not, so the approval still holds): the JVM finds that the jar is not
        // the one the archive was made from. The build key, which the launcher names the archive by, changes too: the
        // old archive is put under the new key's name, as if the key had missed the change
        Path lib = library(jar, "HdrHistogram");
        Files.setLastModifiedTime(lib, FileTime.fromMillis(Files.getLastModifiedTime(lib).toMillis() - 60_000));
        Path name = dir.resolve("name");
        assertThat(cdsArchive(jar, cds, "name", name)).isZero();
        Path renamed = Path.of(Files.readString(name).strip());
        assertThat(renamed).isNotEqualTo(made).doesNotExist();
        Files.move(made, renamed);

        Path classes = dir.resolve("class-load.log");
        Path sharing = dir.resolve("cds.log");
        Process node = launch(jar, cds, "mismatched", "-Xlog:class+load=info:file=" + classes, "-Xlog:cds=info:file=" + sharing);
        awaitReady(node, "mismatched");
        assertThat(stop(node)).isEqualTo(143);

        assertThat(Files.readString(sharing, StandardCharsets.UTF_8)).contains("trying to map " + renamed); // the launcher passed it

        assertThat(Files.readAllLines(classes, StandardCharsets.UTF_8))
                .anyMatch(l -> l.contains("org.jukibus.approval.ProgramApproval ") && l.contains("source: file:"))
                .noneMatch(l -> l.contains("org.jukibus.") && l.contains("shared objects file"));
    }

    @Test
    void a_library_changed_after_the_approval_stops_the_node_with_an_archive_made_before() throws Exception {
        Path jar = layout();
        approve(jar);
        Path cds = dir.resolve("cds");
        assertThat(cdsArchive(jar, cds, "make")).isZero();
        addEntry(library(jar, "HdrHistogram"), "org/HdrHistogram/Injected.class");

        Process node = launch(jar, cds, "changed");
        assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log("changed"), StandardCharsets.UTF_8)).contains("node.jar: changed since it was approved");
    }

    private static Path only(Stream<Path> files) {
        java.util.List<Path> list = files.toList();
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    private static Path library(Path jar, String prefix) throws IOException {
        try (Stream<Path> libs = Files.list(jar.resolveSibling("lib"))) {
            return libs.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
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

    /** src/deb/lib/cds-archive with its jar's and class list's paths pointed at the copy, the archive in {@code cds}. */
    private int cdsArchive(Path jar, Path cds, String command) throws Exception {
        return cdsArchive(jar, cds, command, dir.resolve("cds-archive-" + command + ".log"));
    }

    private int cdsArchive(Path jar, Path cds, String command, Path output) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", cdsScript(jar, cds).toString(), command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        return process.exitValue();
    }

    private Path cdsScript(Path jar, Path cds) throws IOException {
        Path script = dir.resolve("cds-archive");
        String text = Files.readString(Path.of("src/deb/lib/cds-archive"), StandardCharsets.UTF_8);
        assertThat(text).contains("JAR=/usr/share/jukibus/jukibus.jar\n").contains("LIST=/usr/share/jukibus/jukibus.classlist\n")
                .contains("DIR=/var/lib/jukibus-cds\n");
        Files.writeString(script, text.replace("JAR=/usr/share/jukibus/jukibus.jar\n", "JAR=" + jar + "\n")
                .replace("DIR=/var/lib/jukibus-cds\n", "DIR=" + cds + "\n")
                .replace("LIST=/usr/share/jukibus/jukibus.classlist\n",
                        "LIST=" + Path.of("src/deb/cds/jukibus.classlist").toAbsolutePath() + "\n"), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x")); // as the package installs it
        return script;
    }

    /** src/deb/bin/jukibus with its jar's and cds-archive's paths pointed at the copies, run as the unit runs it. */
    private Process launch(Path jar, Path cds, String name, String... javaOptions) throws IOException {
        Path launcher = dir.resolve("jukibus");
        String script = Files.readString(Path.of("src/deb/bin/jukibus"), StandardCharsets.UTF_8);
        assertThat(script).contains("JAR=/usr/share/jukibus/jukibus.jar\n").contains("CDS_ARCHIVE=/usr/lib/jukibus/cds-archive\n");
        Files.writeString(launcher, script.replace("JAR=/usr/share/jukibus/jukibus.jar\n", "JAR=" + jar + "\n")
                .replace("CDS_ARCHIVE=/usr/lib/jukibus/cds-archive\n", "CDS_ARCHIVE=" + cdsScript(jar, cds) + "\n"), StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("sh", launcher.toString(), "node", "--config", net.config(OSAKA).toString())
                .redirectErrorStream(true).redirectOutput(log(name).toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx256m");
        env.put("JDK_JAVA_OPTIONS", String.join(" ", javaOptions));
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

    /** SIGTERM, as systemctl stop sends it. */
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
