package org.jukibus.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** A node's envelope facade with a real legacy file: what the intake seals, the recipient opens. */
class NodeEnvelopesTest {

    @TempDir
    static Path dir;
    static NodeEnvelopes shinjuku;
    static NodeEnvelopes osaka;

    @BeforeAll
    static void keys() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test root", "pw".toCharArray());
        KeyMaterial sjk = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        KeyMaterial osk = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市"), List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        NodeDirectory directory = new NodeDirectory(1, Instant.now(), List.of(
                new NodeEntry(NodeRole.MUNICIPAL, "131041", "新宿区", "13", new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 2), sjk.certificate()),
                new NodeEntry(NodeRole.MUNICIPAL, "271004", "大阪市", "27", new Endpoint("127.0.0.1", 3), new Endpoint("127.0.0.1", 4), osk.certificate())));
        shinjuku = new NodeEnvelopes("131041", sjk, directory, () -> null, new NodeProperties.Envelope(), Clock.systemUTC());
        osaka = new NodeEnvelopes("271004", osk, directory, () -> null, new NodeProperties.Envelope(), Clock.systemUTC());
    }

    @Test
    void a_legacy_file_sealed_by_the_sender_opens_at_the_recipient() throws Exception {
        byte[] file = Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml"));
        Document payload = shinjuku.parsePayload(file, "TransferInNotice");
        byte[] sealed = shinjuku.seal("TransferInNotice", "271004", "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", null, payload);

        OpenedEnvelope opened = osaka.open(sealed);

        assertThat(opened.header().sender()).isEqualTo("131041");
        assertThat(new String(opened.payloadBytes(), StandardCharsets.UTF_8)).contains("住基 花子").contains("<OldMunicipality>271004</OldMunicipality>");
        assertThat(new String(sealed, StandardCharsets.UTF_8)).doesNotContain("住基").doesNotContain("12345678903");
    }

    @Test
    void the_plaintext_the_sender_keeps_is_what_the_recipient_decrypts() throws Exception {
        byte[] file = Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml"));
        Document payload = shinjuku.parsePayload(file, "TransferInNotice");
        SealedEnvelope sealed = shinjuku.sealed("TransferInNotice", "271004", "1c7b8e9f-2a3b-4c5d-9e0f-6a7b8c9d0e1f", null, payload);

        OpenedEnvelope opened = osaka.open(sealed.envelope());

        // what flow.SentPayloads keeps for a resend: the payload serialised once, as it was encrypted
        assertThat(sealed.plaintext()).isEqualTo(opened.payloadBytes());
        assertThat(new String(sealed.plaintext(), StandardCharsets.UTF_8)).startsWith("<TransferInNotice").contains("住基 花子");
    }

    @Test
    void a_schema_invalid_file_is_refused_with_the_reason() {
        byte[] bad = ("<TransferInNotice xmlns=\"urn:jukibus:transfer-in:1\"><NoticeId>x</NoticeId></TransferInNotice>")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> shinjuku.parsePayload(bad, "TransferInNotice"))
                .isInstanceOf(PayloadRejectedException.class).hasMessageContaining("SCHEMA_INVALID");
    }

    @Test
    void a_file_of_another_type_is_refused() {
        byte[] other = "<Receipt xmlns=\"urn:jukibus:receipt:1\"/>".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> shinjuku.parsePayload(other, "TransferInNotice"))
                .isInstanceOf(PayloadRejectedException.class).hasMessageContaining("expected a TransferInNotice");
    }
}
