package org.jukibus.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.Sha256;
import org.jukibus.clock.MovableClock;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.OfficerIdentity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that runs for months past its approving officer's certificate (730 days, as {@code jukibus pki issue-officer}
 * issues it): its next restart keeps the approval it accepted while the certificate was valid, and nothing else.
 */
class OfficerLapseTest {

    private static final Duration OFFICER_LIFETIME = Duration.ofDays(730);

    @TempDir
    Path dir;
    final MovableClock clock = new MovableClock(Instant.parse("2027-01-04T00:00:00Z"));
    final List<AuditEvent> recorded = new ArrayList<>();
    CertificateAuthority ca;
    KeyMaterial officer;
    Path routes;
    Path brokerConfig;
    Path home;
    Path jar;

    @BeforeEach
    void approvedOnDayZero() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Root", Duration.ofDays(3650), "pw".toCharArray(), clock);
        officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("承認責任者"), OFFICER_LIFETIME);
        routes = dir.resolve("routes");
        brokerConfig = dir.resolve("broker-config");
        home = dir.resolve("home");
        Files.createDirectories(home);
        write(routes.resolve("common/templates.yaml"), "- route: common\n");
        write(routes.resolve("municipal/transfer-in.yaml"), "- route: transfer-in\n");
        write(brokerConfig.resolve("municipal.xml"), "<configuration/>\n");
        jar = dir.resolve("dist/jukibus.jar");
        Files.createDirectories(jar.getParent());
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("BOOT-INF/classes/schemas/envelope.xsd"));
            zip.write("<xs:schema/>".getBytes(StandardCharsets.UTF_8));
        }
        sign(clock.now);
        approval(validator()).approve(); // the node starts on day 0 and runs on
    }

    @Test
    void the_approval_accepted_while_valid_keeps_the_node_starting_after_the_lapse_and_says_so() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(AcceptedApprovals.of(home))))
                .isEqualTo("rw-------");
        Instant acceptedAt = clock.now;
        clock.move(Duration.ofDays(731)); // the power cut on a weekend, long after the lapse
        recorded.clear();

        ApprovedPrograms programs = approval(validator()).approve();

        assertThat(programs.checked()).isTrue();
        assertThat(programs.routesDir().resolve("municipal/transfer-in.yaml")).hasContent("- route: transfer-in");
        assertThat(recorded.get(0).kind()).isEqualTo(AuditKind.ROUTES_APPROVED);
        assertThat(recorded.get(0).detail()).contains("the officer's certificate lapsed on "
                + officer.certificate().getNotAfter().toInstant() + ": kept on this node's record of accepting this "
                + "approval at " + acceptedAt + " while it was valid, re-approve");
        // a second restart still counts from the first acceptance, not from the restart after the lapse
        clock.move(Duration.ofDays(30));
        approval(validator()).approve();
        assertThat(Files.readAllLines(AcceptedApprovals.of(home))).singleElement().asString().endsWith(" " + acceptedAt);
    }

    @Test
    void a_new_approval_signed_with_the_lapsed_certificate_is_refused_even_backdated() throws Exception {
        Instant dayZero = clock.now;
        clock.move(Duration.ofDays(731));
        write(routes.resolve("municipal/transfer-in.yaml"), "- route: transfer-in, changed by whoever kept the key\n");
        sign(dayZero);

        assertThatThrownBy(() -> approval(validator()).approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("expired on " + officer.certificate().getNotAfter().toInstant())
                .hasMessageContaining("no record of accepting this approval while it was valid");
        assertThat(recorded).last().extracting(AuditEvent::kind).isEqualTo(AuditKind.ROUTES_REFUSED);
    }

    @Test
    void a_record_of_another_approval_does_not_help_one_signed_while_valid_but_never_accepted() throws Exception {
        clock.move(Duration.ofDays(700)); // signed while valid, but the node was not restarted to accept it
        write(routes.resolve("municipal/transfer-in.yaml"), "- route: transfer-in v2\n");
        sign(clock.now);
        clock.move(Duration.ofDays(31));

        assertThatThrownBy(() -> approval(validator()).approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("expired on").hasMessageContaining("no record of accepting this approval");
    }

    @Test
    void a_revoked_officer_is_refused_though_the_revocation_came_after_the_approval_was_accepted() throws Exception {
        clock.move(Duration.ofDays(731));
        ca.revoke(officer.certificate().getSerialNumber()); // the lapsed key was found on a discarded card

        assertThatThrownBy(() -> approval(validator()).approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("the approving officer's certificate is not acceptable").hasMessageContaining("was revoked");
    }

    @Test
    void the_record_does_not_help_under_another_root_ca() throws Exception {
        clock.move(Duration.ofDays(731));
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other"), "Root", Duration.ofDays(3650),
                "pw".toCharArray(), clock);

        assertThatThrownBy(() -> approval(new CertificateValidator(other.certificate(), other::currentCrl, clock)
                .toleratingStaleCrl()).approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("was not issued by our root CA");
    }

    @Test
    void the_record_does_not_help_once_the_root_ca_itself_has_lapsed() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("short-root"), "Root", Duration.ofDays(1000), "pw".toCharArray(), clock);
        officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("承認責任者"), OFFICER_LIFETIME);
        sign(clock.now);
        approval(validator()).approve();
        clock.move(Duration.ofDays(1001));

        assertThatThrownBy(() -> approval(validator()).approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("the root CA ").hasMessageContaining("is not valid now");
    }

    @Test
    void a_record_dated_after_the_lapse_proves_nothing() throws Exception {
        clock.move(Duration.ofDays(731));
        write(routes.resolve("municipal/transfer-in.yaml"), "- route: transfer-in v2\n");
        sign(clock.now);
        String digest = Sha256.hex(Files.readAllBytes(routes.resolve("APPROVED.xml")));
        Files.writeString(AcceptedApprovals.of(home), digest + " "
                + AcceptedApprovals.fingerprint(officer.certificate()) + " " + clock.now + "\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> approval(validator()).approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("expired on " + officer.certificate().getNotAfter().toInstant());
    }

    @Test
    void a_refused_start_records_nothing() throws Exception {
        home = dir.resolve("another-home");
        Files.createDirectories(home);
        write(routes.resolve("municipal/transfer-in.yaml"), "- route: transfer-in, changed without approval\n");

        assertThatThrownBy(() -> approval(validator()).approve()).isInstanceOf(ProgramsRejectedException.class);
        assertThat(AcceptedApprovals.of(home)).doesNotExist();
    }

    @Test
    void a_damaged_record_does_not_stop_a_node_whose_officer_is_valid_and_is_written_again_without_the_damage() throws Exception {
        Instant acceptedAt = clock.now;
        byte[] shiftJis = "承認済み 手で編集\n".getBytes(java.nio.charset.Charset.forName("Shift_JIS"));
        Files.write(AcceptedApprovals.of(home), shiftJis, StandardOpenOption.APPEND);
        Files.write(AcceptedApprovals.of(home), new byte[] {(byte) 0xff, (byte) 0xfe, '\n'}, StandardOpenOption.APPEND);
        clock.move(Duration.ofDays(10));

        assertThat(approval(validator()).approve().checked()).isTrue();
        assertThat(Files.readAllLines(AcceptedApprovals.of(home))).singleElement().asString().endsWith(" " + acceptedAt);

        clock.move(Duration.ofDays(721)); // and the line it kept still keeps the approval past the lapse
        assertThat(approval(validator()).approve().checked()).isTrue();
    }

    @Test
    void a_damaged_record_keeps_nothing_after_the_lapse_and_says_to_re_approve() throws Exception {
        Files.write(AcceptedApprovals.of(home), new byte[] {(byte) 0x93, (byte) 0xfa, (byte) 0xff, '\n'});
        clock.move(Duration.ofDays(731));

        assertThatThrownBy(() -> approval(validator()).approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("no record of accepting this approval while it was valid");
    }

    /** As the node builds it: the CRL central last published, a stale one tolerated, at the node's clock. */
    private CertificateValidator validator() {
        return new CertificateValidator(ca.certificate(), ca::currentCrl, clock).toleratingStaleCrl();
    }

    private ProgramApproval approval(CertificateValidator validator) throws Exception {
        return new ProgramApproval(NodeRole.MUNICIPAL, routes, brokerConfig, NodeProgram.ofJar(jar),
                routes.resolve("APPROVED.xml"), officer.certificate(), validator, home, recorded::add, clock);
    }

    private void sign(Instant approvedAt) throws Exception {
        ProgramManifest manifest = ProgramManifest.of("承認責任者", approvedAt, null, ProgramFiles.all(routes, brokerConfig),
                NodeProgram.ofJar(jar));
        Files.write(routes.resolve("APPROVED.xml"), ManifestSigner.sign(manifest, officer));
    }

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
