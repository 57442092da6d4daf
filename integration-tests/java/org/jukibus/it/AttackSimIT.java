package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jukibus.Jukibus;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.SecureFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * {@code jukibus attack-sim} (模擬攻撃, 第4の3(6)) against a running municipal node: every attack of
 * the catalogue runs, proves it did what it names and is refused; the only notices delivered are the
 * positive control and the two genuine ones of the id attacks; every refused message is in the
 * node's dead-letter queue with its reason (nothing lost).
 */
@Tag("slow")
class AttackSimIT {

    static final String REVOKED = BUNKYO;

    @Provisioned({SHINJUKU, OSAKA, CHIYODA, REVOKED})
    static TestNetwork net;

    @BeforeAll
    static void start() throws Exception {
        // revoked before Osaka starts: its acceptors load the CRL that lists it
        net.network.ca().revoke(net.node(REVOKED).keys().certificate().getSerialNumber());
        net.start(OSAKA);
    }

    @Test
    void every_attack_of_the_catalogue_is_refused_and_nothing_but_the_control_is_delivered() throws Exception {
        ProvisionedNode attacker = net.node(SHINJUKU);
        ProvisionedNode revoked = net.node(REVOKED);
        Path ca = net.network.ca().directory();
        int issuedBefore = net.network.ca().ledger().size();

        List<String> args = new ArrayList<>(List.of("attack-sim", "--target", OSAKA,
                "--directory", net.network.directoryFile().toString(),
                "--root-ca", ca.resolve(CertificateAuthority.CERT_FILE).toString(),
                "--crl", ca.resolve(CertificateAuthority.CRL_FILE).toString(),
                "--keystore", pki(attacker, "keystore"), "--keystore-password-file", pki(attacker, "password-file"),
                "--ca", ca.toString(), "--ca-password-file", net.network.caPasswordFile().toString(),
                "--revoked-keystore", pki(revoked, "keystore"), "--revoked-password-file", pki(revoked, "password-file"),
                "--victim-keystore", pki(net.node(CHIYODA), "keystore"),
                "--victim-password-file", pki(net.node(CHIYODA), "password-file")));
        args.addAll(net.operatorLogin(OSAKA));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Jukibus()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        String report = out.toString();
        System.out.println(report + err);

        assertThat(err.toString()).isEmpty();
        assertThat(report).contains("positive control: a genuine notice from " + SHINJUKU + " was delivered");
        List<String> rows = report.lines().filter(l -> l.matches("^(certificate|broker|envelope|management) .*")).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(35)
                .allSatisfy(row -> assertThat(row).contains(" refused ").doesNotContain("NOT REFUSED").doesNotContain("not run"));
        for (String attack : List.of("no-client-certificate", "foreign-ca-certificate", "unlisted-certificate",
                "expired-certificate", "revoked-certificate", "tls-1.2-downgrade", "remote-consume", "send-to-dlq",
                "replay", "forged-party", "wrong-resident-code", "signature-wrapping-object", "downgrade-sha1", "downgrade-rsa-1.5", "dtd-external-entity",
                "entity-expansion", "oversize", "deep-nesting", "management-without-card", "management-foreign-card",
                "jolokia-card-without-pin", "pin-guessing", "duplicate-id-poisoning", "answer-id-theft", "dead-letter-id-collision",
                "replay-as-redelivery")) {
            assertThat(rows).as(attack).anySatisfy(row -> assertThat(row).contains(" " + attack + " "));
        }
        // each attack proves it did what it names: the foreign certificate and card went out and were refused as such
        for (String attack : List.of("foreign-ca-certificate", "expired-certificate", "management-foreign-card")) {
            assertThat(rows).as(attack).anySatisfy(row -> assertThat(row).contains(" " + attack + " ")
                    .contains("after the certificate was presented"));
        }
        assertThat(rows).anySatisfy(row -> assertThat(row).contains(" no-client-certificate ").contains("no certificate presented"));
        assertThat(rows).anySatisfy(row -> assertThat(row).contains(" unlisted-certificate ")
                .contains("TLS accepted the certificate, the login refused it"));
        // the embedded broker checks revocation at the login, against the CRL in force (it changes while the node runs)
        assertThat(rows).anySatisfy(row -> assertThat(row).contains(" revoked-certificate ")
                .contains("TLS accepted the certificate, the login refused it"));
        assertThat(rows).anySatisfy(row -> assertThat(row).contains(" duplicate-id-poisoning ")
                .contains(CHIYODA + "'s notice with the same duplicate id delivered").contains("as a retry must be"));
        // issue 14 A: the receipt to the attacker does not take the id of the receipt to the victim
        assertThat(rows).anySatisfy(row -> assertThat(row).contains(" answer-id-theft ")
                .contains(CHIYODA + "'s notice with the same message id delivered and receipted under an id of its own"));
        assertThat(report).contains(rows.size() + " attacks: " + rows.size() + " refused, 0 NOT REFUSED, 0 not run");
        assertThat(exit).isZero();

        // the control, Chiyoda's notice the attacker tried to make a duplicate, the first copy of the replay, and the
        // two notices of the answer-id theft (the attacker's and Chiyoda's, one message id), and nothing else, reached
        // Osaka's legacy outbox
        List<Path> delivered = net.files(OSAKA, "outbox", "transfer-in");
        assertThat(delivered).hasSize(5);
        for (Path notice : delivered) {
            assertThat(Files.readString(notice)).contains("ATTACK-SIM-");
        }
        // every envelope attack is kept in the dead-letter queue with its reason, and so are the junk of the
        // duplicate-id poisoning, the 4 messages with colliding message ids and the replay: nothing lost
        // the PIN guessing locked the simulator's operator: even the right PIN is refused until the officer unlocks
        assertThatThrownBy(() -> net.jolokia(OSAKA).nodeInfo()).hasMessageContaining("refused the login");
        Path unlockDir = net.node(OSAKA).home().resolve("operators").resolve("unlock");
        DeadLetterToolingIT.Run unlocked = DeadLetterToolingIT.run("operator", "unlock", "--id", NetworkProvisioner.OPERATOR,
                "--node-code", OSAKA, "--out", unlockDir.toString(),
                "--officer-keystore", net.network.officerDir().resolve("officer.p12").toString(),
                "--officer-password-file", net.network.officerDir().resolve("officer.pass").toString());
        assertThat(unlocked.exit()).as(unlocked.err()).isZero();
        // (through the DeadLetters MBean, as an operator sees them: a JMS browser may stop before the 4 MiB one)
        // (the colliding ids and the duplicate junk go through the node's redelivery attempts first: on a loaded
        // machine they may still be on their way when the simulator ends)
        var jolokia = net.jolokia(OSAKA);
        int expected = (int) rows.stream().filter(r -> r.startsWith("envelope ")).count() + 1 + 4 + 1;
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
            List<String> reasons = new ArrayList<>();
            for (var entry : jolokia.exec(jolokia.deadLetterMBean(), "list", "")) {
                reasons.add(entry.path("reason").asText());
            }
            assertThat(reasons).hasSize(expected).contains("REPLAY", "BAD_SIGNATURE", "WRONG_RECIPIENT", "PARTY_MISMATCH",
                    "INVALID_RESIDENT_CODE", "EXPIRED", "MALFORMED", "OVERSIZE");
        });
        // the two certificates the simulator had our CA issue (unlisted, expired) are revoked again
        List<CertificateAuthority.LedgerEntry> ledger = CertificateAuthority.load(ca,
                SecureFiles.readPassword(net.network.caPasswordFile())).ledger();
        assertThat(ledger.subList(issuedBefore, ledger.size())).hasSize(2)
                .allSatisfy(e -> assertThat(e.revoked()).as(e.subject()).isTrue());
    }

    private static String pki(ProvisionedNode node, String key) {
        Map<String, Object> p = node.properties();
        return String.valueOf(p.get("jukibus.pki." + key));
    }
}
