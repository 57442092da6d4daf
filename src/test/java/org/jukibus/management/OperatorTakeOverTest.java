package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jukibus.approval.AcceptedApprovals;
import org.jukibus.audit.Sha256;
import org.jukibus.clock.MovableClock;
import org.jukibus.operators.OperatorRegistration;
import org.jukibus.operators.Permission;
import org.jukibus.operators.Pins;
import org.jukibus.operators.RegisteredOperator;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.OperatorIdentity;
import org.jukibus.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code jukibus operator register --previous-officer-certificate}: the officer's new certificate takes over the
 * operators' registration signed with the lapsed one, if the node recorded accepting it while that one was valid.
 * The command judges certificates by the system clock, so the CA's clock starts 800 days before it.
 */
class OperatorTakeOverTest {

    @TempDir
    Path dir;
    final MovableClock clock = new MovableClock(Instant.now().minus(Duration.ofDays(800)));
    final StringWriter err = new StringWriter();
    CertificateAuthority ca;
    KeyMaterial previous;
    KeyMaterial yamada;
    Path home;
    Path file;
    byte[] signedByPrevious;

    @BeforeEach
    void registeredWithTheLapsedCertificate() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Root", Duration.ofDays(3650), "pw".toCharArray(), clock);
        previous = ca.issueOfficerKeyMaterial(new OfficerIdentity("責任者"), Duration.ofDays(730));
        yamada = ca.issueOperatorKeyMaterial(new OperatorIdentity("yamada", "山田"), Duration.ofDays(1500));
        home = dir.resolve("home");
        file = home.resolve("operators.xml");
        Files.createDirectories(home);
        signedByPrevious = new OperatorRegistration("131041", "責任者", clock.instant(), List.of(new RegisteredOperator(
                "yamada", "山田", RegisteredOperator.fingerprint(yamada.certificate()), Pins.hash("2468".toCharArray()),
                Set.of(Permission.parse("status"))))).sign(previous);
        Files.write(file, signedByPrevious);
        Files.write(dir.resolve("previous.pem"), Pem.toPem(previous.certificate()).getBytes());
        clock.now = Instant.now(); // 70 days past the lapse: the officer has a new certificate
        KeyStores.writeKeyStore(dir.resolve("officer.p12"), ca.issueOfficerKeyMaterial(new OfficerIdentity("責任者"),
                Duration.ofDays(730)), "secret".toCharArray());
        Files.writeString(dir.resolve("officer.pass"), "secret\n");
        KeyMaterial suzuki = ca.issueOperatorKeyMaterial(new OperatorIdentity("suzuki", "鈴木"), Duration.ofDays(700));
        Files.write(dir.resolve("suzuki.pem"), Pem.toPem(suzuki.certificate()).getBytes());
        Files.writeString(dir.resolve("suzuki.pin"), "1357\n");
    }

    @Test
    void the_new_certificate_takes_over_a_registration_the_node_accepted_while_the_previous_one_was_valid() throws Exception {
        acceptedOnDayZero();

        assertThat(register()).as(err.toString()).isZero();

        KeyMaterial officer = KeyStores.readKeyStore(dir.resolve("officer.p12"), "secret".toCharArray());
        OperatorRegistration now = OperatorRegistration.verify(Files.readAllBytes(file), "operators.xml", "131041",
                officer.certificate(), new CertificateValidator(ca.certificate(), ca.issueCrl(Duration.ofDays(7))));
        assertThat(now.operators()).extracting(RegisteredOperator::id).containsExactlyInAnyOrder("yamada", "suzuki");
    }

    @Test
    void without_the_node_record_the_registration_is_not_taken_over() throws Exception {
        assertThat(register()).isNotZero();

        assertThat(err.toString()).contains("expired").contains("has no record of accepting this file");
        assertThat(file).hasBinaryContent(signedByPrevious);
    }

    /** What the node wrote when it accepted the registration on the day it was signed. */
    private void acceptedOnDayZero() throws Exception {
        Instant dayZero = clock.now;
        clock.now = previous.certificate().getNotBefore().toInstant().plus(Duration.ofMinutes(2));
        CertificateValidator validator = new CertificateValidator(ca.certificate(), ca.currentCrl(), clock);
        AcceptedApprovals record = new AcceptedApprovals(home);
        String digest = Sha256.hex(signedByPrevious);
        record.accepted(digest, previous.certificate(), record.judge(digest, previous.certificate(), validator, clock.now), clock.now);
        clock.now = dayZero;
    }

    private int register() {
        CommandLine cli = new CommandLine(new OperatorCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute("register", "--registration", file.toString(), "--node-code", "131041",
                "--card-certificate", dir.resolve("suzuki.pem").toString(), "--pin-file", dir.resolve("suzuki.pin").toString(),
                "--permission", "status", "--officer-keystore", dir.resolve("officer.p12").toString(),
                "--officer-password-file", dir.resolve("officer.pass").toString(),
                "--previous-officer-certificate", dir.resolve("previous.pem").toString(), "--node-home", home.toString());
    }
}
