package org.jukibus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.jukibus.Jukibus;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.OperatorIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** The exit codes every command keeps (0 done, 1 the operation failed, 2 usage) and what the errors say. */
class ExitCodesTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int jukibus(String... args) {
        return new CommandLine(new Jukibus()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void noCommandPrintsTheUsageOnStderrAndExits2() {
        assertThat(jukibus()).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: jukibus").contains("Exit codes");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        assertThat(jukibus("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'frobnicate'");
        assertThat(jukibus("pki", "crl", "--no-such-option")).isEqualTo(2);
        assertThat(jukibus("pki")).as("a command group alone").isEqualTo(2);
    }

    @Test
    void aMissingRequiredOptionIsAUsageError() {
        assertThat(jukibus("dlq", "list", "--operator-card", "x.p12", "--card-password-file", "x.pass")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--node=HOST:PORT'");
    }

    @Test
    void aNodeAddressWithoutPortIsAUsageErrorNamingTheValue() {
        assertThat(jukibus("dlq", "list", "--node", "mgmt.example", "--operator-card", "x.p12", "--card-password-file", "x.pass"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'mgmt.example' names no host and port");
        assertThat(jukibus("status", "--node", "http://127.0.0.1:8081", "--operator-card", "x.p12", "--card-password-file", "x.pass"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("HTTPS only");
    }

    @Test
    void anUnreachableNodeFailsWithExit1NamingHostAndPort() throws Exception {
        int port = LoopbackPorts.next(); // nothing listens there
        Path card = operatorCard();
        Files.writeString(dir.resolve("pin"), "1234\n");
        int exit = jukibus("dlq", "list", "--node", "127.0.0.1:" + port, "--operator-card", card.toString(),
                "--card-password-file", dir.resolve("card.pass").toString(), "--pin-file", dir.resolve("pin").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("jukibus dlq list: error: cannot reach the node's management port 127.0.0.1:"
                + port + ": connection refused (is the node running, and is this its jukibus.management.port?)");
    }

    @Test
    void aMissingFileIsAFailedOperationNotAUsageError() {
        assertThat(jukibus("node", "--config", dir.resolve("none.properties").toString())).isEqualTo(1);
        assertThat(jukibus("pki", "show", dir.resolve("none.pem").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("jukibus pki show: error: no such file: " + dir.resolve("none.pem"));
    }

    @Test
    void theTopLevelHelpGivesEveryCommandAWholeSentence() {
        assertThat(jukibus("--help")).isEqualTo(0);
        CommandLine cli = new CommandLine(new Jukibus());
        cli.getSubcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0].strip()).as("first line of %s's description, all the top-level help shows", name)
                    .endsWith(".");
        });
        assertThat(out.toString()).contains("Exit codes (every command):").contains("2   usage");
    }

    private Path operatorCard() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Test CA", "pw".toCharArray());
        OperatorIdentity operator = new OperatorIdentity("op1", "運用担当者");
        Path card = dir.resolve("card.p12");
        KeyStores.writeKeyStore(card, ca.issueOperatorKeyMaterial(operator, Duration.ofDays(1)), "cardpw".toCharArray());
        Files.writeString(dir.resolve("card.pass"), "cardpw\n");
        return card;
    }
}
