package org.jukibus.flow;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;

/**
 * A payload that arrived in a verified envelope for this node.
 *
 * @param flow    the flow it arrived on
 * @param header  the envelope's (signed) header: sender, message id, correlation id
 * @param payload the decrypted payload, valid against its schema
 */
public record Delivered(FlowDefinition flow, EnvelopeHeader header, byte[] payload) {

    /** The payload parsed again (the envelope code already validated it, so this does not fail). */
    public Document document() {
        try {
            return SecureXml.parse(payload);
        } catch (XmlRejectedException e) {
            throw new IllegalStateException("a delivered payload no longer parses", e);
        }
    }
}
