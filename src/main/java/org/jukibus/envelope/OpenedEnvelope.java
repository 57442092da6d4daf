package org.jukibus.envelope;

import java.util.Arrays;

import org.w3c.dom.Document;

/**
 * A verified, decrypted and schema-valid envelope.
 *
 * @param header       the signed clear-text header
 * @param payload      the decrypted payload, parsed and valid against the schema of {@code header.type()}
 * @param payloadBytes the decrypted payload exactly as the sender serialised it (UTF-8 XML, no declaration)
 */
public record OpenedEnvelope(EnvelopeHeader header, Document payload, byte[] payloadBytes) {
    @Override
    public boolean equals(Object o) {
        return o instanceof OpenedEnvelope other && header.equals(other.header)
                && Arrays.equals(payloadBytes, other.payloadBytes);
    }

    @Override
    public int hashCode() {
        return header.hashCode() * 31 + Arrays.hashCode(payloadBytes);
    }

    @Override
    public String toString() {
        return "OpenedEnvelope[header=" + header + ", payload=" + payloadBytes.length + " bytes]";
    }
}
