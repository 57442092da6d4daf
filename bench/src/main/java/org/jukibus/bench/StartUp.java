package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.approval.RoutesCommand;
import org.jukibus.demo.NetworkProvisioner;

/**
 * Start-up of a municipal node (issue 19, "start ≤ 8 s"): a cold start is a new JVM process
 * ({@link NodeProcess}) until the node logs that it is ready. Each run starts Osaka-shi on a fresh node directory (as
 * provisioned: no store, no broker journal, so the first start runs initdb and every migration) and, after a clean
 * stop, a second time on the same directory (a restart). Two ways, each {@code --runs} times:
 * <ul>
 * <li>{@code java -jar target/jukibus.jar node} (the executable jar);</li>
 * <li>as the Debian package starts it ({@code /usr/bin/jukibus}): the extracted layout ({@code --layout-jar}, which the
 * build makes in target/extracted/) with the static class-data archive root dumps from the package's class list
 * ({@code --start-classlist}, src/deb/cds/jukibus.classlist), dumped here as /usr/lib/jukibus/cds-archive does. One
 * untimed start and stop before lists the classes a start loads, so the report says how many the package's list lacks
 * (and it is the list to ship when it lacks many).</li>
 * </ul>
 * The network's officer approves the jar each way starts. Runs before the other sections, with nothing else running in
 * the benchmark; the node's directory and the approval are put back as provisioned afterwards.
 */
final class StartUp {

    /** {@code --start-classlist none}: the layout without an archive. */
    static final String NO_ARCHIVE = "none";

    private final BenchNetwork network;
    private final Path productJar;
    private final Path layoutJar;
    private final Path classList;
    private final List<String> jvmOptions;

    StartUp(BenchNetwork network, Path productJar, Path layoutJar, Path classList, List<String> jvmOptions) {
        this.network = network;
        this.productJar = productJar;
        this.layoutJar = layoutJar;
        this.classList = classList;
        this.jvmOptions = jvmOptions;
    }

    void measure(Settings settings, Report report) throws Exception {
        if (!Files.isRegularFile(productJar)) {
            throw new IllegalArgumentException("no product jar at " + productJar.toAbsolutePath()
                    + " (build it first: mvn -B -q -DskipTests package; or give --product-jar, or --skip start)");
        }
        String code = BenchNetwork.RECIPIENT;
        Path home = network.node(code).home();
        Path pristine = home.resolveSibling(home.getFileName() + ".provisioned");
        Path approval = network.network().programsDir().resolve("routes").resolve("APPROVED.xml");
        Path provisioned = approval.resolveSibling("APPROVED.xml.provisioned");
        Path archive = home.resolveSibling("start-up.jsa");
        NodeProcess.writeConfig(network, code);
        NetworkProvisioner.copyTree(home, pristine);
        Files.copy(approval, provisioned, StandardCopyOption.REPLACE_EXISTING);
        try {
            approve(approval, productJar);
            Runs fat = runs(settings, code, home, pristine, productJar, jvmOptions);
            report.row("start-up of a municipal node, new JVM until ready (`java" + options(jvmOptions) + " -jar jukibus.jar node`):"
                    + " first start on a fresh node directory / second start", fat.seconds(), "≤ 8 s", fat.met());
            report.row("  the same: CPU of the node's JVM until ready, first / second start (JIT compilers included)", fat.cpu());
            if (Files.isRegularFile(layoutJar)) {
                measureLayout(settings, report, code, home, pristine, approval, archive);
            } else {
                report.note("start-up as the Debian package starts a node not measured: no " + layoutJar
                        + " (mvn package makes it in target/extracted/)");
            }
        } finally {
            Bench.deleteTree(home);
            NetworkProvisioner.copyTree(pristine, home);
            Bench.deleteTree(pristine);
            Files.move(provisioned, approval, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(archive);
        }
    }

    private void measureLayout(Settings settings, Report report, String code, Path home, Path pristine, Path approval,
                               Path archive) throws Exception {
        approve(approval, layoutJar);
        Files.deleteIfExists(archive);
        if (classList.toString().equals(NO_ARCHIVE)) {
            Runs bare = runs(settings, code, home, pristine, layoutJar, jvmOptions);
            report.row("start-up as the Debian package starts a node with JUKIBUS_CDS=off (extracted jar and lib/, no class-data"
                    + " archive): first start on a fresh node directory / second start", bare.seconds(), "≤ 8 s", bare.met());
            report.row("  the same: CPU of the node's JVM until ready, first / second start (JIT compilers included)", bare.cpu());
            return;
        }
        fresh(home, pristine);
        // an untimed start and stop that lists the classes it loaded: how far the package's list is behind the code
        Path loaded = home.resolveSibling("start-up.classlist");
        List<String> training = new ArrayList<>(jvmOptions);
        training.add("-XX:DumpLoadedClassList=" + loaded);
        startAndStop(code, layoutJar, training);
        Path list = Files.isRegularFile(classList) ? classList : loaded;
        if (list == loaded) {
            report.note("start-up as the Debian package starts a node: no class list at " + classList
                    + ", the archive was dumped from the list of an untimed start (" + loaded + ")");
        } else {
            long missing = ClassLists.missing(list, loaded);
            report.note("start-up as the Debian package starts a node: the archive was dumped from " + list + "; " + missing
                    + " classes an untimed start loaded are not in it (refresh it from " + loaded + ": bench/README.md)");
        }
        dump(list, archive);
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Xshare:auto");
        options.add("-XX:SharedArchiveFile=" + archive);
        Runs layout = runs(settings, code, home, pristine, layoutJar, options);
        report.row("start-up as the Debian package starts a node (extracted jar and lib/, the static class-data archive root"
                + " dumps from the package's class list): first start on a fresh node directory / second start",
                layout.seconds(), "≤ 8 s", layout.met());
        report.row("  the same: CPU of the node's JVM until ready, first / second start (JIT compilers included)", layout.cpu());
    }

    /** The static archive, as /usr/lib/jukibus/cds-archive dumps it (src/deb/lib/cds-archive). */
    private void dump(Path list, Path archive) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:dump",
                "-XX:SharedClassListFile=" + list.toAbsolutePath(), "-XX:SharedArchiveFile=" + archive.toAbsolutePath(),
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-cp", layoutJar.toAbsolutePath().toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || process.exitValue() != 0 || !Files.isRegularFile(archive)) {
            process.destroyForcibly();
            throw new IllegalStateException("the class-data archive dump failed: " + String.join(" ", command));
        }
    }

    /**
     * The officer approves the routes and broker configuration as provisioned with the jar the runs start (the
     * provisioned approval names the jar of whatever JVM provisioned the network, a class folder in the bench's tests).
     */
    private void approve(Path approval, Path jar) {
        Path officer = network.network().officerDir();
        int rc = RoutesCommand.commandLine().execute("sign", "--routes", approval.getParent().toString(),
                "--broker-config", network.network().programsDir().resolve("broker-config").toString(),
                "--keystore", officer.resolve("officer.p12").toString(), "--password-file", officer.resolve("officer.pass").toString(),
                "--jar", jar.toAbsolutePath().toString(), "--note", "bench: start-up of " + jar.getFileName(),
                "--out", approval.toString());
        if (rc != 0) {
            throw new IllegalStateException("jukibus routes sign of " + jar + " failed (" + rc + ")");
        }
    }

    private Runs runs(Settings settings, String code, Path home, Path pristine, Path jar, List<String> options) throws Exception {
        Runs runs = new Runs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int run = 1; run <= settings.runs(); run++) {
            fresh(home, pristine);
            NodeProcess first = startAndStop(code, jar, options);
            NodeProcess second = startAndStop(code, jar, options);
            runs.add(first, second);
            Bench.say(String.format("start-up of %s, run %d: first %.2f s (CPU %.1f s), second %.2f s (CPU %.1f s)", jar.getFileName(),
                    run, first.startSeconds(), first.cpuSeconds(), second.startSeconds(), second.cpuSeconds()));
        }
        return runs;
    }

    private NodeProcess startAndStop(String code, Path jar, List<String> options) throws Exception {
        NodeProcess node = NodeProcess.start(network, code, jar, options);
        node.stop();
        return node;
    }

    private static void fresh(Path home, Path pristine) throws IOException {
        Bench.deleteTree(home);
        NetworkProvisioner.copyTree(pristine, home);
    }

    private static String options(List<String> options) {
        return options.isEmpty() ? "" : " " + String.join(" ", options);
    }

    /** Seconds and CPU seconds of the first and second starts of each run. */
    private record Runs(List<Double> first, List<Double> second, List<Double> firstCpu, List<Double> secondCpu) {
        void add(NodeProcess a, NodeProcess b) {
            first.add(a.startSeconds());
            second.add(b.startSeconds());
            firstCpu.add(a.cpuSeconds());
            secondCpu.add(b.cpuSeconds());
        }

        String seconds() {
            return Figure.of(first).format("%.2f") + " s / " + Figure.of(second).format("%.2f") + " s";
        }

        String cpu() {
            return Figure.of(firstCpu).format("%.1f") + " s / " + Figure.of(secondCpu).format("%.1f") + " s";
        }

        String met() {
            return Report.met(Figure.of(first).median() <= 8);
        }
    }
}
