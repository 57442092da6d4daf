package org.jukibus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up section starts a node in new JVMs both ways (the executable jar, and the package's layout with the
 * static archive of the package's class list: one run each, no timing asserted) and leaves the node's directory and the approval as
 * provisioned for the sections after it. Needs the product built (bench/run and the README's test command install it).
 */
class StartUpTest {

    @TempDir
    Path dir;

    @Test
    void startsTheNodeBothWaysAndPutsItsDirectoryAndApprovalBack() throws Exception {
        BenchNetwork network = BenchNetwork.provision(Path.of(".."), dir, 2);
        Path home = network.node(BenchNetwork.RECIPIENT).home();
        Path approval = network.network().programsDir().resolve("routes").resolve("APPROVED.xml");
        byte[] approved = Files.readAllBytes(approval);
        Settings one = new Settings(1, 1, 1, 1, 1, List.of(), 1, 2, 1, 1, 1);
        Report report = new Report();

        new StartUp(network, Path.of("../target/jukibus.jar"), Path.of("../target/extracted/jukibus-layout.jar"),
                Path.of("../src/deb/cds/jukibus.classlist"), List.of())
                .measure(one, report);

        String table = report.markdown("");
        assertThat(table.lines().filter(l -> l.startsWith("|") && (l.contains("start-up") || l.contains("CPU of the node's JVM"))))
                .hasSize(4).allSatisfy(l -> assertThat(l).doesNotContain("—").contains(" s / "));
        assertThat(home.resolve("store")).doesNotExist(); // no initdb left behind: the next section starts it fresh
        assertThat(Files.readAllBytes(approval)).isEqualTo(approved);
        assertThat(home.resolveSibling("start-up.jsa")).doesNotExist();
        assertThat(table).contains("classes an untimed start loaded are not in it");
    }
}
