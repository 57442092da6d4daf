package org.jukibus.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jukibus.approval.AcceptedApprovals;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.clock.MovableClock;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.OperatorIdentity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' registration on a node restarted after its officer's certificate lapsed: the registration the node
 * accepted while the certificate was valid keeps its operators logging in (so they can see the node through to the
 * re-approval); one it never accepted before the lapse is refused.
 */
class OperatorRegistryLapseTest {

    @TempDir
    Path dir;
    final MovableClock clock = new MovableClock(Instant.parse("2027-01-04T00:00:00Z"));
    final List<AuditEvent> recorded = new ArrayList<>();
    CertificateAuthority ca;
    KeyMaterial officer;
    KeyMaterial yamada;
    KeyMaterial suzuki;
    Path home;
    Path file;

    @BeforeEach
    void registeredOnDayZero() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Root", Duration.ofDays(3650), "pw".toCharArray(), clock);
        officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("責任者"), Duration.ofDays(730));
        yamada = ca.issueOperatorKeyMaterial(new OperatorIdentity("yamada", "山田"), Duration.ofDays(1500));
        suzuki = ca.issueOperatorKeyMaterial(new OperatorIdentity("suzuki", "鈴木"), Duration.ofDays(1500));
        home = dir.resolve("home");
        file = home.resolve("operators.xml");
        Files.createDirectories(home);
        Files.write(file, registration(List.of(operator("yamada", yamada))).sign(officer));
        assertThat(registry().current()).isPresent(); // the node starts on day 0 and runs on
    }

    @Test
    void the_registration_accepted_while_valid_keeps_its_operators_after_a_restart_past_the_lapse() {
        clock.move(Duration.ofDays(731));
        recorded.clear();

        assertThat(registry().current()).hasValueSatisfying(r -> assertThat(r.byCertificate(yamada.certificate())).isPresent());
        assertThat(recorded).isEmpty();
    }

    @Test
    void a_registration_signed_with_the_lapsed_certificate_is_refused() throws Exception {
        clock.move(Duration.ofDays(731));
        Files.write(file, registration(List.of(operator("yamada", yamada), operator("suzuki", suzuki))).sign(officer));

        assertThat(registry().current()).isEmpty();
        assertThat(recorded).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(AuditKind.OPERATORS_REFUSED);
            assertThat(e.detail()).contains("expired").contains("no record of accepting this registration");
        });
    }

    @Test
    void a_revoked_officer_keeps_no_registration() throws Exception {
        clock.move(Duration.ofDays(731));
        ca.revoke(officer.certificate().getSerialNumber());

        assertThat(registry().current()).isEmpty();
        assertThat(recorded).singleElement().extracting(AuditEvent::detail).asString().contains("was revoked");
    }

    /** As the node builds it (OperatorsConfiguration): a new one at every start. */
    private OperatorRegistry registry() {
        CertificateValidator validator = new CertificateValidator(ca.certificate(), ca::currentCrl, clock).toleratingStaleCrl();
        return new OperatorRegistry(file, "131041", officer.certificate(), validator, recorded::add,
                new AcceptedApprovals(home), clock);
    }

    private OperatorRegistration registration(List<RegisteredOperator> operators) {
        return new OperatorRegistration("131041", "責任者", clock.instant(), operators);
    }

    private static RegisteredOperator operator(String id, KeyMaterial card) {
        return new RegisteredOperator(id, id, RegisteredOperator.fingerprint(card.certificate()), Pins.hash("2468".toCharArray()),
                Set.of(Permission.parse("status")));
    }
}
