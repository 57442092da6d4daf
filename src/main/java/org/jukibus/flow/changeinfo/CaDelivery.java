package org.jukibus.flow.changeinfo;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

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
 *
 * <p>Only certificate holders' changes are handed on (異動等情報 is about them, 第1の5): before each
 * delivery the register of holders is brought up to date from the authority's feed ({@link HolderFeed});
 * the other changes are counted in the delivery log ({@code withheld}) and not sent. A feed that cannot
 * be read is retried like an unreachable authority ({@code CA_HOLDERS_UNAVAILABLE}).
 */
public final class CaDelivery implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(CaDelivery.class);

    private final String self;
    private final KeyMaterial keys;
    private final NodeDirectory directory;
    private final X509Certificate caCertificate;
    private final String caCode;
    private final CertificationAuthorityLink link;
    private final HolderFeed holderFeed;
    private final CertificateHolders holders;
    private final CaDeliveryLog deliveries;
    private final OperationLog audit;
    private final Clock clock;
    private final EnvelopeSealer sealer = new EnvelopeSealer();

    public CaDelivery(String self, KeyMaterial keys, NodeDirectory directory, X509Certificate caCertificate, String caCode,
                      CertificationAuthorityLink link, HolderFeed holderFeed, CertificateHolders holders,
                      CaDeliveryLog deliveries, OperationLog audit, Clock clock) {
        this.self = self;
        this.keys = keys;
        this.directory = directory;
        this.caCertificate = caCertificate;
        this.caCode = caCode;
        this.link = link;
        this.holderFeed = holderFeed;
        this.holders = holders;
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
        Document received = message.document();
        int changes = received.getDocumentElement().getElementsByTagNameNS(ChangeInfo.NS, "Change").getLength();
        if (deliveries.begin(id, changes)) {
            log.info("change info {} was already accepted by the certification authority; not sent again", id);
            return;
        }
        // a retry sends what the first attempt selected: the authority may have taken that attempt already
        CertificateHolders.Filtered filtered;
        Optional<List<Integer>> selected = deliveries.selection(id);
        if (selected.isPresent()) {
            filtered = CertificateHolders.select(received, selected.get());
        } else {
            refreshHolders(id);
            filtered = holders.holdersOnly(received);
            deliveries.counted(id, filtered.sent(), filtered.withheld(), filtered.positions());
        }
        int entries = filtered.sent();
        if (entries == 0) {
            deliveries.nothingToSend(id);
            log.info("change info {}: none of its {} change(s) is of a certificate holder; nothing sent", id, filtered.withheld());
            return;
        }
        Document payload = filtered.payload();
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
                    .detail(entries + " change(s) to the certification authority, " + filtered.withheld()
                            + " of non-holders withheld, HTTP " + status));
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

    private void refreshHolders(String id) throws Exception {
        try {
            holderFeed.refresh();
        } catch (IOException e) {
            String detail = "change info " + id + " waits: the certificate holder feed at " + holderFeed.endpoint()
                    + " cannot be read: " + e.getMessage();
            deliveries.attempt(id, null, null, detail);
            throw new TransientFailure("CA_HOLDERS_UNAVAILABLE", detail, e);
        }
    }
}
