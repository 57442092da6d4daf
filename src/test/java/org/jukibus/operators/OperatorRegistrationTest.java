package org.jukibus.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jukibus.approval.OfficerApprovalException;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.OperatorIdentity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorRegistrationTest {

    @TempDir
    static Path dir;
    static CertificateAuthority ca;
    static KeyMaterial officer;
    static KeyMaterial card;
    static CertificateValidator validator;

    @BeforeAll
    static void pki() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Test Root", "pw".toCharArray());
        officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("責任者"), Duration.ofDays(30));
        card = ca.issueOperatorKeyMaterial(new OperatorIdentity("yamada", "山田"), Duration.ofDays(30));
        validator = new CertificateValidator(ca.certificate(), ca.currentCrl());
    }

    static OperatorRegistration registration() {
        return new OperatorRegistration("131041", "責任者", Instant.parse("2026-11-26T00:00:00Z"), List.of(
                new RegisteredOperator("yamada", "山田", RegisteredOperator.fingerprint(card.certificate()),
                        Pins.hash("2468".toCharArray()), Set.of(Permission.parse("dlq.read:transfer-in"), Permission.parse("status"),
                        Permission.parse("terminal:card-check")))));
    }

    @Test
    void a_signed_registration_reads_back_and_finds_the_card() throws Exception {
        OperatorRegistration read = OperatorRegistration.verify(registration().sign(officer), "operators.xml", "131041",
                officer.certificate(), validator);
        RegisteredOperator yamada = read.byCertificate(card.certificate()).orElseThrow();
        assertThat(yamada.id()).isEqualTo("yamada");
        assertThat(Pins.matches("2468", yamada.pinHash())).isTrue();
        assertThat(Pins.matches("2469", yamada.pinHash())).isFalse();
        assertThat(yamada.allows(new Permission("dlq.read", "transfer-in"))).isTrue();
        assertThat(yamada.allows(new Permission("dlq.read", "certificate-copy-request"))).isFalse();
        assertThat(yamada.allows(new Permission("dlq.read", "*"))).as("one flow is not every flow").isFalse();
        assertThat(yamada.allows(new Permission("dlq.replay", "transfer-in"))).isFalse();
        assertThat(yamada.allows(new Permission("status", null))).isTrue();
        assertThat(yamada.allows(new Permission(Permission.TERMINAL, "card-check"))).as("one terminal task").isTrue();
        assertThat(yamada.allows(new Permission(Permission.TERMINAL, "status"))).as("not another task").isFalse();
    }

    @Test
    void a_changed_unsigned_foreign_or_other_node_registration_is_refused() throws Exception {
        String signed = new String(registration().sign(officer), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OperatorRegistration.verify(signed.replace("dlq.read:transfer-in", "dlq.read:*")
                .getBytes(StandardCharsets.UTF_8), "operators.xml", "131041", officer.certificate(), validator))
                .isInstanceOf(OfficerApprovalException.class).hasMessageContaining("the officer's signature does not match its content");
        assertThatThrownBy(() -> OperatorRegistration.verify(org.jukibus.xml.SecureXml.serialize(registration().toDocument()),
                "operators.xml", "131041", officer.certificate(), validator)).hasMessageContaining("operators.xml is not signed");
        assertThatThrownBy(() -> OperatorRegistration.verify(signed.getBytes(StandardCharsets.UTF_8), "operators.xml", "271004",
                officer.certificate(), validator)).hasMessageContaining("registers the operators of node 131041, not of this node (271004)");
        KeyMaterial node = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of("127.0.0.1"),
                Duration.ofDays(30));
        assertThatThrownBy(() -> registration().sign(node)).hasMessageContaining("only an approving officer signs the operators");
    }

    @Test
    void cards_are_operator_certificates_only() {
        assertThat(OperatorIdentity.fromCertificate(card.certificate())).isEqualTo(new OperatorIdentity("yamada", "山田"));
        assertThatThrownBy(() -> OperatorIdentity.fromCertificate(officer.certificate())).hasMessageContaining("not an operator certificate");
        assertThatThrownBy(() -> OfficerIdentity.fromCertificate(card.certificate())).hasMessageContaining("not an officer certificate");
        assertThatThrownBy(() -> NodeIdentity.fromCertificate(card.certificate())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void permissions_and_pins_are_checked_when_written() {
        assertThatThrownBy(() -> Permission.parse("dlq.delete:transfer-in")).hasMessageContaining("bad permission");
        assertThatThrownBy(() -> Permission.parse("dlq.read")).hasMessageContaining("bad permission");
        assertThatThrownBy(() -> Permission.parse("terminal")).as("a terminal permission names its task or *")
                .hasMessageContaining("terminal:<task or *>");
        assertThat(Permission.parse("terminal:*").allows(new Permission(Permission.TERMINAL, "received"))).isTrue();
        assertThatThrownBy(() -> Pins.hash("123".toCharArray())).hasMessageContaining("4 to 64");
        assertThatThrownBy(() -> new RegisteredOperator("x", "x", "ab", "$2a$10$" + "a".repeat(53), Set.of()))
                .as("cost 10 is too cheap").hasMessageContaining("bcrypt hash of cost 12");
    }
}
