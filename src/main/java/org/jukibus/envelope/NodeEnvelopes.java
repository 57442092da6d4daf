package org.jukibus.envelope;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.jukibus.core.NodeProperties;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * This node's side of the envelope: seals with its own key to a recipient's directory
 * certificate, opens with its own key against the senders' directory certificates.
 */
public final class NodeEnvelopes {

    private final String selfCode;
    private final KeyMaterial keys;
    private final NodeDirectory directory;
    private final Clock clock;
    private final Supplier<X509CRL> crl;
    private final int maxBytes;
    private final PayloadTypes payloadTypes = PayloadTypes.defaults();
    private final EnvelopeSealer sealer = new EnvelopeSealer();
    private final EnvelopeOpener opener;

    /**
     * @param crl the network CA's revocation list in force (read at every envelope; null for none): a sender
     *            whose certificate it lists is treated as unknown even while the directory still lists it
     */
    public NodeEnvelopes(String selfCode, KeyMaterial keys, NodeDirectory directory, Supplier<X509CRL> crl,
                         NodeProperties.Envelope limits, Clock clock) {
        this(selfCode, keys, null, directory, crl, limits, clock);
    }

    /**
     * @param renewalKeys during a certificate renewal, this node's other key (the new one before the node switches
     *                    to it, the old one after): envelopes sealed to it open too; null outside a renewal
     */
    public NodeEnvelopes(String selfCode, KeyMaterial keys, KeyMaterial renewalKeys, NodeDirectory directory,
                         Supplier<X509CRL> crl, NodeProperties.Envelope limits, Clock clock) {
        this.selfCode = selfCode;
        this.keys = keys;
        this.directory = directory;
        this.clock = clock;
        this.crl = crl;
        this.maxBytes = limits.getMaxBytes();
        EnvelopeOpener.Builder builder = EnvelopeOpener.builder();
        if (renewalKeys != null) {
            builder.renewalKey(renewalKeys.privateKey(), renewalKeys.certificate());
        }
        this.opener = builder
                .ownCode(selfCode)
                .ownKey(keys.privateKey())
                .ownCertificate(keys.certificate())
                .senderCertificates(code -> directory.byCode(code).map(NodeEntry::certificates).orElse(List.of()).stream()
                        .filter(cert -> crl.get() == null || !crl.get().isRevoked(cert)).toList())
                .clock(clock)
                .maxAge(limits.receiverWindow())
                .maxFuture(limits.getMaxFuture())
                .maxBytes(limits.getMaxBytes())
                .payloadTypes(payloadTypes)
                .build();
    }

    public String selfCode() {
        return selfCode;
    }

    /** Parses and validates a legacy input file as a payload of {@code type}; says what is wrong if it is not one. */
    /** The largest payload this node takes, in bytes ({@code jukibus.envelope.max-bytes}). */
    public int maxPayloadBytes() {
        return maxBytes;
    }

    public Document parsePayload(byte[] content, String type) throws PayloadRejectedException {
        PayloadTypes.PayloadType payloadType = payloadTypes.find(type)
                .orElseThrow(() -> new IllegalStateException("no schema registered for " + type));
        try {
            Document doc = SecureXml.parse(content, maxBytes);
            Element root = doc.getDocumentElement();
            if (!payloadType.rootLocalName().equals(root.getLocalName())
                    || !payloadType.rootNamespace().equals(root.getNamespaceURI())) {
                throw new PayloadRejectedException("expected a " + payloadType.rootLocalName() + " in namespace "
                        + payloadType.rootNamespace() + ", found {" + root.getNamespaceURI() + "}" + root.getLocalName());
            }
            Schemas.validate(payloadType.schemaFile(), doc);
            return doc;
        } catch (XmlRejectedException e) {
            throw new PayloadRejectedException(e.reason() + ": " + e.getMessage(), e);
        }
    }

    /** The node clock's time, which {@link #seal} stamps on an envelope as its created-at. */
    public java.time.Instant now() {
        return clock.instant();
    }

    /** Seals a payload for a recipient in the directory, to its next certificate during its renewal. */
    public byte[] seal(String type, String recipient, String messageId, String correlationId, Document payload) {
        return sealed(type, recipient, messageId, correlationId, payload).envelope();
    }

    /** As {@link #seal}, with the plaintext it encrypted: what the sender keeps for a resend, serialised once. */
    public SealedEnvelope sealed(String type, String recipient, String messageId, String correlationId, Document payload) {
        X509Certificate recipientCertificate = sealingCertificate(recipient);
        EnvelopeHeader header = new EnvelopeHeader(messageId, type, selfCode, recipient, clock.instant(), correlationId);
        return sealer.sealed(header, payload, keys.privateKey(), keys.certificate(), recipientCertificate);
    }

    /** Whether {@link #seal} can seal to {@code recipient}: it is in the directory and its certificate is not revoked. */
    public boolean canSealTo(String recipient) {
        try {
            sealingCertificate(recipient);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether {@code recipient} is in the directory with a certificate the CRL in force lists: whatever was sealed to it
     * and still waits here must not leave (its key may be in other hands; flow.PeerForwarder refuses it).
     */
    public boolean recipientRevoked(String recipient) {
        X509CRL inForce = crl.get();
        return inForce != null && directory.byCode(recipient).map(e -> inForce.isRevoked(e.sealingCertificate())).orElse(false);
    }

    private X509Certificate sealingCertificate(String recipient) {
        X509Certificate certificate = directory.byCode(recipient)
                .orElseThrow(() -> new IllegalArgumentException("recipient " + recipient + " is not in the directory"))
                .sealingCertificate();
        if (crl.get() != null && crl.get().isRevoked(certificate)) {
            // its key may be in other hands: nothing is sealed to it
            throw new IllegalArgumentException("recipient " + recipient + " has a revoked certificate");
        }
        return certificate;
    }

    public OpenedEnvelope open(byte[] envelope) throws EnvelopeRejectedException {
        return opener.open(envelope);
    }
}
