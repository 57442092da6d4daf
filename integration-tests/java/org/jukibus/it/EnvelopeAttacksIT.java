package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Session;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeSealer;
import org.jukibus.it.DeadLetterAssert.DeadLetter;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker with access to a broker's storage, or a peer's key, can try against a receiving
 * node: every attempt ends in the receiver's dead-letter queue with its reason, and nothing reaches
 * its legacy outbox.
 */
class EnvelopeAttacksIT {

    static final String INBOUND = "jukibus.inbound.transfer-in";

    @TempDir
    static Path root;
    @Provisioned({SHINJUKU, OSAKA, CHIYODA, BUNKYO})
    static TestNetwork net;
    static KeyMaterial rogue;

    @BeforeAll
    static void start() throws Exception {
        net.network.ca().revoke(net.node(BUNKYO).keys().certificate().getSerialNumber()); // still in the directory
        net.start(SHINJUKU, OSAKA);
        // another CA issuing a certificate with Shinjuku's very subject
        CertificateAuthority foreign = CertificateAuthority.create(root.resolve("foreign-ca"), "Not Juki-net", "x".toCharArray());
        rogue = foreign.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, SHINJUKU, "新宿区"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
    }

    @Test
    void a_byte_changed_while_the_message_sits_in_the_broker_is_dead_lettered_as_bad_signature() throws Exception {
        byte[] genuine = captureGenuineEnvelope("T-TAMPER");
        String xml = new String(genuine, StandardCharsets.UTF_8);
        int inCipher = xml.indexOf("<xenc:CipherValue>") + "<xenc:CipherValue>".length() + 20;
        char c = xml.charAt(inCipher);
        String tampered = xml.substring(0, inCipher) + (c == 'A' ? 'B' : 'A') + xml.substring(inCipher + 1);

        DeadLetter dead = inject(tampered.getBytes(StandardCharsets.UTF_8));

        assertThat(dead.reason()).isEqualTo("BAD_SIGNATURE");
        assertThat(dead.flow()).isEqualTo("transfer-in");
        assertNothingDelivered();
    }

    @Test
    void a_wrapped_signature_is_dead_lettered() throws Exception {
        String genuine = new String(captureGenuineEnvelope("T-WRAP"), StandardCharsets.UTF_8);
        // XSW: attacker content at the top, the genuinely signed envelope hidden inside the Signature
        String signedEnvelope = genuine.substring(genuine.indexOf("<env:Envelope"));
        String header = genuine.substring(genuine.indexOf("<env:Header>"), genuine.indexOf("</env:Header>") + "</env:Header>".length())
                .replaceAll("<env:MessageId>[^<]+</env:MessageId>", "<env:MessageId>" + UUID.randomUUID() + "</env:MessageId>");
        String body = genuine.substring(genuine.indexOf("<env:Body>"), genuine.indexOf("</env:Body>") + "</env:Body>".length());
        String signature = genuine.substring(genuine.indexOf("<ds:Signature"), genuine.indexOf("</ds:Signature>"));
        String wrapped = "<env:Envelope xmlns:env=\"urn:jukibus:envelope:1\" version=\"1\">" + header + body
                + signature + "<ds:Object>" + signedEnvelope.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "")
                + "</ds:Object></ds:Signature></env:Envelope>";

        DeadLetter dead = inject(wrapped.getBytes(StandardCharsets.UTF_8));

        assertThat(dead.reason()).isIn("BAD_SIGNATURE", "SCHEMA_INVALID", "MALFORMED");
        assertNothingDelivered();
    }

    @Test
    void a_replayed_envelope_is_dead_lettered_and_delivered_only_once() throws Exception {
        byte[] genuine = captureGenuineEnvelope("T-REPLAY");
        net.put(OSAKA, INBOUND, genuine);
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == 1);

        DeadLetter dead = inject(genuine);

        assertThat(dead.reason()).isEqualTo("REPLAY");
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).hasSize(1);
        cleanOutbox();
    }

    @Test
    void an_envelope_for_another_municipality_is_dead_lettered_as_wrong_recipient() throws Exception {
        byte[] forChiyoda = seal(net.node(SHINJUKU).keys(), SHINJUKU, CHIYODA, Instant.now());

        assertThat(inject(forChiyoda).reason()).isEqualTo("WRONG_RECIPIENT");
        assertNothingDelivered();
    }

    @Test
    void an_envelope_signed_by_a_key_from_another_ca_is_dead_lettered_as_bad_signature() throws Exception {
        byte[] forged = seal(rogue, SHINJUKU, OSAKA, Instant.now());

        assertThat(inject(forged).reason()).isEqualTo("BAD_SIGNATURE");
        assertNothingDelivered();
    }

    @Test
    void an_envelope_from_a_node_not_in_the_directory_is_dead_lettered_as_unknown_sender() throws Exception {
        byte[] stranger = seal(rogue, "132012", OSAKA, Instant.now());

        assertThat(inject(stranger).reason()).isEqualTo("UNKNOWN_SENDER");
        assertNothingDelivered();
    }

    @Test
    void an_envelope_from_a_revoked_node_still_in_the_directory_is_dead_lettered_as_unknown_sender() throws Exception {
        byte[] fromRevoked = seal(net.node(BUNKYO).keys(), BUNKYO, OSAKA, Instant.now());

        assertThat(inject(fromRevoked).reason()).isEqualTo("UNKNOWN_SENDER");
        assertNothingDelivered();
    }

    @Test
    void a_peer_relaying_an_envelope_signed_by_another_node_is_dead_lettered_as_sender_mismatch() throws Exception {
        byte[] signedByChiyoda = seal(net.node(CHIYODA).keys(), CHIYODA, OSAKA, Instant.now());
        Path keystore = root.resolve("shinjuku-client.p12");
        Path truststore = root.resolve("client-truststore.p12");
        KeyStores.writeKeyStore(keystore, net.node(SHINJUKU).keys(), "pw".toCharArray());
        KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), "pw".toCharArray());
        int before = DeadLetterAssert.count(net, OSAKA);

        try (Connection shinjuku = TlsPeer.connect(net.node(OSAKA).primary(), keystore, "pw", truststore, "pw")) {
            Session s = shinjuku.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(signedByChiyoda);
            s.createProducer(s.createQueue(INBOUND)).send(m);
        }

        assertThat(DeadLetterAssert.next(net, OSAKA, before).reason()).isEqualTo("SENDER_MISMATCH");
        assertNothingDelivered();
    }

    @Test
    void a_notice_whose_payload_names_another_sender_than_its_signer_is_dead_lettered_as_party_mismatch() throws Exception {
        // sealed and signed by Shinjuku for Osaka, but the notice claims to come from Chiyoda
        byte[] lying = seal(net.node(SHINJUKU).keys(), SHINJUKU, OSAKA, Instant.now(),
                Notices.transferIn("T-LIE-1", "50000000040", CHIYODA, OSAKA));
        DeadLetter dead = inject(lying);

        assertThat(dead.reason()).isEqualTo("PARTY_MISMATCH");
        assertThat(dead.detail()).contains("NewMunicipality is " + CHIYODA).contains("signed by " + SHINJUKU);
        assertNothingDelivered();
    }

    @Test
    void a_notice_whose_payload_names_a_third_old_municipality_is_dead_lettered_as_party_mismatch() throws Exception {
        byte[] lying = seal(net.node(SHINJUKU).keys(), SHINJUKU, OSAKA, Instant.now(),
                Notices.transferIn("T-LIE-2", "50000000040", SHINJUKU, BUNKYO));

        assertThat(inject(lying).reason()).isEqualTo("PARTY_MISMATCH");
        assertNothingDelivered();
    }

    @Test
    void a_notice_with_a_wrong_resident_code_check_digit_is_dead_lettered_without_naming_the_code() throws Exception {
        byte[] wrongCode = seal(net.node(SHINJUKU).keys(), SHINJUKU, OSAKA, Instant.now(),
                Notices.transferIn("T-CODE-1", "50000000001", SHINJUKU, OSAKA));
        DeadLetter dead = inject(wrongCode);

        assertThat(dead.reason()).isEqualTo("INVALID_RESIDENT_CODE");
        assertThat(dead.detail()).contains("ResidentCode has a wrong check digit").doesNotContain("50000000001");
        assertNothingDelivered();
    }

    @Test
    void an_old_envelope_is_dead_lettered_as_expired() throws Exception {
        byte[] old = seal(net.node(SHINJUKU).keys(), SHINJUKU, OSAKA, Instant.now().minus(Duration.ofDays(40)));

        assertThat(inject(old).reason()).isEqualTo("EXPIRED");
        assertNothingDelivered();
    }

    @Test
    void garbage_is_dead_lettered_as_malformed() throws Exception {
        assertThat(inject("not xml at all".getBytes(StandardCharsets.UTF_8)).reason()).isEqualTo("MALFORMED");
        assertThat(inject(("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")
                .getBytes(StandardCharsets.UTF_8)).reason()).isEqualTo("MALFORMED");
        assertNothingDelivered();
    }

    /** Lets Shinjuku send a real notice, and takes it off Osaka's broker before Osaka's node can. */
    private static byte[] captureGenuineEnvelope(String noticeId) throws Exception {
        net.camel(OSAKA).getRouteController().stopRoute("transfer-in-delivery");
        try {
            net.drop(SHINJUKU, "transfer-in", noticeId + ".xml", Notices.transferIn(noticeId, "50000000008", SHINJUKU, OSAKA));
            byte[] envelope = net.take(OSAKA, INBOUND, Duration.ofSeconds(30));
            assertThat(envelope).as("the genuine envelope reached Osaka's broker").isNotNull();
            return envelope;
        } finally {
            net.camel(OSAKA).getRouteController().startRoute("transfer-in-delivery");
        }
    }

    private static DeadLetter inject(byte[] envelope) throws Exception {
        int before = DeadLetterAssert.count(net, OSAKA);
        net.put(OSAKA, INBOUND, envelope);
        return DeadLetterAssert.next(net, OSAKA, before);
    }

    private static byte[] seal(KeyMaterial signer, String sender, String recipient, Instant createdAt) throws Exception {
        return seal(signer, sender, recipient, createdAt,
                Notices.transferIn("T-" + UUID.randomUUID().toString().substring(0, 8), "50000000040", sender, recipient));
    }

    private static byte[] seal(KeyMaterial signer, String sender, String recipient, Instant createdAt, byte[] notice)
            throws Exception {
        var payload = SecureXml.parse(notice);
        EnvelopeHeader header = new EnvelopeHeader(UUID.randomUUID().toString(), "TransferInNotice", sender, recipient, createdAt, null);
        return new EnvelopeSealer().seal(header, payload, signer.privateKey(), signer.certificate(),
                net.node(recipient).keys().certificate());
    }

    private static void assertNothingDelivered() throws Exception {
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).isEmpty();
    }

    private static void cleanOutbox() throws Exception {
        for (Path f : net.files(OSAKA, "outbox", "transfer-in")) {
            java.nio.file.Files.delete(f);
        }
    }
}
