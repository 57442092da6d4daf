package org.jukibus.envelope;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jukibus.core.Contributions;

/**
 * Registry of payload types: the header's {@code Type} selects the XSD in {@code schemas/} that the
 * decrypted payload must be valid against, and the payload's root element. Each flow package
 * contributes its own types to {@link #defaults()}. Thread-safe.
 */
public final class PayloadTypes {

    /** One registered type. */
    public record PayloadType(String type, String schemaFile, String rootNamespace, String rootLocalName) {

        /** A type whose root element has the same local name as the type. */
        public static PayloadType of(String type, String schemaFile, String rootNamespace) {
            return new PayloadType(type, schemaFile, rootNamespace, type);
        }
    }

    /** What a package contributes to {@link #defaults()}: the payload types of its flows (see flow.FlowPackage). */
    public interface Contributor {
        List<PayloadType> payloadTypes();
    }

    private final Map<String, PayloadType> types = new ConcurrentHashMap<>();

    /** An empty registry. */
    public PayloadTypes() {
    }

    /**
     * A registry with every flow's payload types of this version: each flow package contributes its own
     * ({@link Contributor}, e.g. {@code TransferInNotice → transfer-in-notice.xsd} from org.jukibus.flow.transferin).
     */
    public static PayloadTypes defaults() {
        PayloadTypes defaults = new PayloadTypes();
        Contributions.of(Contributor.class).forEach(c -> c.payloadTypes().forEach(defaults::register));
        return defaults;
    }

    /** Registers (or replaces) a type whose root element has the same local name as the type. */
    public PayloadTypes register(String type, String schemaFile, String rootNamespace) {
        return register(type, schemaFile, rootNamespace, type);
    }

    public PayloadTypes register(String type, String schemaFile, String rootNamespace, String rootLocalName) {
        return register(new PayloadType(type, schemaFile, rootNamespace, rootLocalName));
    }

    public PayloadTypes register(PayloadType type) {
        types.put(type.type(), type);
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
