package org.jukibus.flow;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.jukibus.adapter.file.AtomicFiles;
import org.jukibus.envelope.EnvelopeHeader;

/**
 * Writes a delivered payload into {@code legacy/outbox/<flow>/} for the legacy system, atomically,
 * under a name made of sender and message id: a second write of the same message (after a crash)
 * replaces the file rather than adding one.
 */
public final class LegacyOutbox {

    private final Path legacyRoot;

    public LegacyOutbox(Path legacyRoot) {
        this.legacyRoot = legacyRoot;
    }

    public void write(Exchange exchange) throws IOException {
        EnvelopeHeader header = exchange.getProperty(InboundDelivery.ENVELOPE_HEADER, EnvelopeHeader.class);
        String flow = exchange.getProperty(Headers.FLOW, String.class);
        Path target = fileFor(flow, header);
        AtomicFiles.write(target, exchange.getIn().getBody(byte[].class));
    }

    public Path fileFor(String flow, EnvelopeHeader header) {
        return legacyRoot.resolve("outbox").resolve(flow).resolve(header.sender() + "-" + header.messageId() + ".xml");
    }
}
