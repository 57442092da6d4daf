package org.jukibus.envelope;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry of payload types: the header's {@code Type} selects the XSD in {@code schemas/} that the
 * decrypted payload must be valid against, and the payload's root element. Flows register their own
 * types; {@link #defaults()} knows every flow's payload type of this version. Thread-safe.
 */
public final class PayloadTypes {

    /** One registered type. */
    public record PayloadType(String type, String schemaFile, String rootNamespace, String rootLocalName) {
    }

    private final Map<String, PayloadType> types = new ConcurrentHashMap<>();

    /** An empty registry. */
    public PayloadTypes() {
    }

    /**
     * A registry with the built-in types: {@code TransferInNotice → transfer-in-notice.xsd},
     * {@code Receipt → receipt.xsd}, {@code TransferOutConfirmation → transfer-out-confirmation.xsd} (第6の3),
     * the special transfer's types (第6の5), the certificate copy's (第6の4), the identity update's
     * ({@code IdentityUpdate}, {@code UpdateCountList}, 第6の6), node status monitoring's
     * ({@code NodeHeartbeat → node-heartbeat.xsd}, {@code NodeStatusAlert → node-status-alert.xsd}) and the
     * change info's ({@code ChangeInfo → change-info.xsd}, 第6の8(6)).
     */
    public static PayloadTypes defaults() {
        return new PayloadTypes()
                .register("TransferInNotice", "transfer-in-notice.xsd", "urn:jukibus:transfer-in:1", "TransferInNotice")
                .register("Receipt", "receipt.xsd", "urn:jukibus:receipt:1", "Receipt")
                // 転出確定通知 (第6の3): org.jukibus.flow.transferout
                .register("TransferOutConfirmation", "transfer-out-confirmation.xsd", "urn:jukibus:transfer-out:1")
                // 転入転出の特例 (第6の5): org.jukibus.flow.specialtransfer
                .register("ResidentCard", "resident-card.xsd", "urn:jukibus:resident-card:1")
                .register("CardCheckRequest", "card-check-request.xsd", "urn:jukibus:card-check:1")
                .register("CardCheckResult", "card-check-result.xsd", "urn:jukibus:card-check:1")
                .register("TransferOutCertificate", "transfer-out-certificate.xsd", "urn:jukibus:transfer-out-certificate:1")
                .register("FirstTransferInNotice", "first-transfer-in-notice.xsd", "urn:jukibus:first-transfer-in:1")
                .register("TransferOutCertificateInfo", "transfer-out-certificate-info.xsd",
                        "urn:jukibus:transfer-out-certificate-info:1")
                // 住民票の写しの交付の特例 (第6の4): org.jukibus.flow.certificatecopy
                .register("CertificateCopyRequest", "certificate-copy-request.xsd", "urn:jukibus:certificate-copy-request:1")
                .register("CertificateCopyReply", "certificate-copy-reply.xsd", "urn:jukibus:certificate-copy-reply:1")
                // 本人確認情報の通知 (第6の6): org.jukibus.flow.identity
                .register("IdentityUpdate", "identity-update.xsd", "urn:jukibus:identity-update:1")
                .register("UpdateCountList", "update-count-list.xsd", "urn:jukibus:update-count-list:1")
                // 稼働状況の監視 (第4の7(3)): org.jukibus.monitoring
                .register("NodeHeartbeat", "node-heartbeat.xsd", "urn:jukibus:node-heartbeat:1")
                .register("NodeStatusAlert", "node-status-alert.xsd", "urn:jukibus:node-status:1")
                // 異動等情報 (第6の8(6)): org.jukibus.flow.changeinfo
                .register("ChangeInfo", "change-info.xsd", "urn:jukibus:change-info:1")
                // 不達通知: org.jukibus.flow.nondelivery
                .register("NonDeliveryNotice", "non-delivery.xsd", "urn:jukibus:non-delivery:1");
    }

    /** Registers (or replaces) a type whose root element has the same local name as the type. */
    public PayloadTypes register(String type, String schemaFile, String rootNamespace) {
        return register(type, schemaFile, rootNamespace, type);
    }

    public PayloadTypes register(String type, String schemaFile, String rootNamespace, String rootLocalName) {
        types.put(type, new PayloadType(type, schemaFile, rootNamespace, rootLocalName));
        return this;
    }

    public Optional<PayloadType> find(String type) {
        return Optional.ofNullable(types.get(type));
    }

    /** The schema file name for a type, e.g. {@code transfer-in-notice.xsd}. */
    public Optional<String> schemaFor(String type) {
        return find(type).map(PayloadType::schemaFile);
    }
}
