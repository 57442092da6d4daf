package org.jukibus.envelope;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry of payload types: the header's {@code Type} selects the XSD in {@code schemas/} that the
 * decrypted payload must be valid against, and the payload's root element. Flows register their own
 * types; {@link #defaults()} knows the built-in flows' types. Thread-safe.
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
     * A registry with the built-in types: {@code TransferInNotice → transfer-in-notice.xsd}, {@code Receipt → receipt.xsd},
     * {@code NodeHeartbeat → node-heartbeat.xsd}, {@code NodeStatusAlert → node-status-alert.xsd}.
     */
    public static PayloadTypes defaults() {
        return new PayloadTypes()
                .register("TransferInNotice", "transfer-in-notice.xsd", "urn:jukibus:transfer-in:1", "TransferInNotice")
                .register("Receipt", "receipt.xsd", "urn:jukibus:receipt:1", "Receipt")
                .register("NodeHeartbeat", "node-heartbeat.xsd", "urn:jukibus:node-heartbeat:1")
                .register("NodeStatusAlert", "node-status-alert.xsd", "urn:jukibus:node-status:1");
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
