package org.jukibus.flow.changeinfo;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.audit.Sha256;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeSealer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.PermanentFailure;
import org.jukibus.flow.TransientFailure;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.KeyMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;

/**
 * The change-info flow on the liaison node (認証業務連携サーバ, 第6の8(6)): hands each change info
 * central sent on to the designated certification authority, sealed for the authority (signed by
 * this node, encrypted to the authority's certificate: the same envelope as between nodes).
 *
 * <p>Nothing is lost: while the authority cannot be reached (no answer, 5xx) the delivery is rolled
 * back and the broker retries it with backoff; when the attempts run out, or the authority refuses
 * it (4xx), the message goes to the node's dead-letter queue ({@code CA_UNREACHABLE},
 * {@code CA_REFUSED}) for {@code jukibus dlq replay} after the fix. The envelope for the authority
 * keeps the message id central gave it, so the authority can drop a copy (a crash after its answer
 * but before the delivery log recorded it sends the message again).
 */
public final class CaDelivery implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(CaDelivery.class);

    private final String self;
    private final KeyMaterial keys;
    private final NodeDirectory directory;
    private final X509Certificate caCertificate;
    private final String caCode;
    private final CertificationAuthorityLink link;
    private final CaDeliveryLog deliveries;
    private final OperationLog audit;
    private final Clock clock;
    private final EnvelopeSealer sealer = new EnvelopeSealer();

    public CaDelivery(String self, KeyMaterial keys, NodeDirectory directory, X509Certificate caCertificate, String caCode,
                      CertificationAuthorityLink link, CaDeliveryLog deliveries, OperationLog audit, Clock clock) {
        this.self = self;
        this.keys = keys;
        this.directory = directory;
        this.caCertificate = caCertificate;
        this.caCode = caCode;
        this.link = link;
        this.deliveries = deliveries;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(ChangeInfoFlow.NAME);
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        String id = message.header().messageId();
        String sender = message.header().sender();
        if (directory.byCode(sender).map(e -> e.role() != NodeRole.CENTRAL).orElse(true)) {
            throw new PermanentFailure("SENDER_NOT_CENTRAL", "change info " + id + " came from " + sender
                    + ", which the directory does not list as central");
        }
        Document payload = message.document();
        int entries = payload.getDocumentElement().getElementsByTagNameNS(ChangeInfo.NS, "Change").getLength();
        if (deliveries.begin(id, entries)) {
            log.info("change info {} was already accepted by the certification authority; not sent again", id);
            return;
        }
        byte[] envelope = sealer.seal(new EnvelopeHeader(id, ChangeInfo.TYPE, self, caCode, clock.instant(), null),
                payload, keys.privateKey(), keys.certificate(), caCertificate);
        String digest = Sha256.hex(envelope);
        CertificationAuthorityLink.Response response;
        try {
            response = link.post(id, envelope);
        } catch (IOException e) {
            deliveries.attempt(id, digest, null, e.toString());
            throw new TransientFailure("CA_UNREACHABLE", "no answer from the certification authority at "
                    + link.endpoint() + ": " + e, e);
        }
        int status = response.status();
        if (status / 100 == 2) {
            deliveries.delivered(id, digest, status);
            audit.record(AuditEvent.of(AuditKind.MESSAGE_FORWARDED).flow(ChangeInfoFlow.NAME).message(id, ChangeInfo.TYPE)
                    .sender(self).recipient(caCode).digest(digest)
                    .detail(entries + " change(s) to the certification authority, HTTP " + status));
            log.info("change info {} ({} change(s)) accepted by the certification authority (HTTP {})", id, entries, status);
            return;
        }
        String detail = "the certification authority at " + link.endpoint() + " answered HTTP " + status
                + (response.body().isBlank() ? "" : ": " + response.body());
        deliveries.attempt(id, digest, status, detail);
        if (status / 100 == 4) {
            throw new PermanentFailure("CA_REFUSED", detail);
        }
        throw new TransientFailure("CA_UNREACHABLE", detail, null);
    }
}
