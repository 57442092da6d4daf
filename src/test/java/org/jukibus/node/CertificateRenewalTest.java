package org.jukibus.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeRole;
import org.jukibus.envelope.NodeEnvelopes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renewal of Osaka's node certificate as peers and Osaka see it: before (old listed), overlap (old and next listed,
 * Osaka switched to the new key and keeps the old one as renewal key), after (new one only).
 */
class CertificateRenewalTest {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";

    @TempDir
    static Path dir;
    static KeyMaterial sjk;
    static KeyMaterial oldKey;
    static KeyMaterial newKey;
    static NodeDirectory before;
    static NodeDirectory overlap;
    static NodeDirectory after;

    @BeforeAll
    static void keys() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test root", "pw".toCharArray());
        sjk = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, SHINJUKU, "新宿区"), List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        NodeIdentity osaka = new NodeIdentity(NodeRole.MUNICIPAL, OSAKA, "大阪市");
        oldKey = ca.issueKeyMaterial(osaka, List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        newKey = ca.issueKeyMaterial(osaka, List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        before = directory(oldKey, null);
        overlap = directory(oldKey, newKey);
        after = directory(newKey, null);
    }

    static NodeDirectory directory(KeyMaterial osaka, KeyMaterial osakaNext) {
        return new NodeDirectory(1, Instant.now(), List.of(
                new NodeEntry(NodeRole.MUNICIPAL, SHINJUKU, "新宿区", "13", new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 2), sjk.certificate()),
                new NodeEntry(NodeRole.MUNICIPAL, OSAKA, "大阪市", "27", new Endpoint("127.0.0.1", 3), new Endpoint("127.0.0.1", 4),
                        osaka.certificate(), osakaNext == null ? null : osakaNext.certificate())));
    }

    static NodeEnvelopes node(String code, KeyMaterial keys, KeyMaterial renewal, NodeDirectory directory) {
        return new NodeEnvelopes(code, keys, renewal, directory, () -> null, new NodeProperties.Envelope(), Clock.systemUTC());
    }

    static byte[] notice(NodeEnvelopes from, String to, String id) throws Exception {
        byte[] file = Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml"));
        return from.seal("TransferInNotice", to, id, null, from.parsePayload(file, "TransferInNotice"));
    }

    static RejectionReason refusal(NodeEnvelopes at, byte[] envelope) {
        try {
            at.open(envelope);
            throw new AssertionError("opened");
        } catch (EnvelopeRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void envelopes_sealed_to_either_key_open_at_the_renewed_node_during_and_after_the_overlap() throws Exception {
        byte[] sealedToOld = notice(node(SHINJUKU, sjk, null, before), OSAKA, "8f1c2d3e-0000-4000-8000-000000000001");
        byte[] sealedToNew = notice(node(SHINJUKU, sjk, null, overlap), OSAKA, "8f1c2d3e-0000-4000-8000-000000000002");

        // Osaka before its switch: old key, the new one as renewal key
        NodeEnvelopes notYetSwitched = node(OSAKA, oldKey, newKey, overlap);
        // Osaka after its switch: new key, the old one kept as renewal key for what still waits in queues
        NodeEnvelopes switched = node(OSAKA, newKey, oldKey, overlap);
        NodeEnvelopes switchedAfterOverlap = node(OSAKA, newKey, oldKey, after);
        for (NodeEnvelopes osaka : List.of(notYetSwitched, switched, switchedAfterOverlap)) {
            assertThat(osaka.open(sealedToOld).header().messageId()).isEqualTo("8f1c2d3e-0000-4000-8000-000000000001");
            assertThat(osaka.open(sealedToNew).header().messageId()).isEqualTo("8f1c2d3e-0000-4000-8000-000000000002");
        }
        // peers seal to the next certificate as soon as it is listed: the old key alone no longer opens it
        assertThat(refusal(node(OSAKA, oldKey, null, overlap), sealedToNew)).isEqualTo(RejectionReason.UNDECRYPTABLE);
        // and without its old key the node could not open what was sealed before the overlap
        assertThat(refusal(node(OSAKA, newKey, null, after), sealedToOld)).isEqualTo(RejectionReason.UNDECRYPTABLE);
    }

    @Test
    void peers_accept_either_signature_during_the_overlap_and_only_the_new_one_after() throws Exception {
        byte[] signedOld = notice(node(OSAKA, oldKey, newKey, overlap), SHINJUKU, "8f1c2d3e-0000-4000-8000-000000000003");
        byte[] signedNew = notice(node(OSAKA, newKey, oldKey, overlap), SHINJUKU, "8f1c2d3e-0000-4000-8000-000000000004");

        assertThat(node(SHINJUKU, sjk, null, overlap).open(signedOld).header().sender()).isEqualTo(OSAKA);
        assertThat(node(SHINJUKU, sjk, null, overlap).open(signedNew).header().sender()).isEqualTo(OSAKA);
        assertThat(refusal(node(SHINJUKU, sjk, null, after), signedOld)).isEqualTo(RejectionReason.BAD_SIGNATURE);
        assertThat(node(SHINJUKU, sjk, null, after).open(signedNew).header().sender()).isEqualTo(OSAKA);
        assertThat(refusal(node(SHINJUKU, sjk, null, before), signedNew)).isEqualTo(RejectionReason.BAD_SIGNATURE);
    }
}
