package org.jukibus.flow.nondelivery;

import java.nio.file.Path;

import org.jukibus.flow.LegacyOutbox;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * Writes {@link NonDelivery} files for the legacy system into {@code legacy/outbox/non-delivery/}:
 * {@code <message id>.xml} when the message was not delivered, {@code <message id>-overdue.xml} when its
 * receipt is late — two names, so a late report never hides a later non-delivery. Writing the same report
 * again (after a crash) replaces the file.
 */
public final class NonDeliveryFiles {

    /** The legacy outbox folder, named after the notice flow. */
    public static final String FOLDER = NonDeliveryFlow.FLOW.name();

    private static final XmlMapper XML = new XmlMapper();

    private final LegacyOutbox outbox;

    public NonDeliveryFiles(LegacyOutbox outbox) {
        this.outbox = outbox;
    }

    public Path write(NonDelivery report) throws Exception {
        byte[] xml = XML.writeValueAsBytes(report);
        Schemas.validate(NonDeliveryNotice.SCHEMA, SecureXml.parse(xml)); // what the legacy system gets is what the XSD says
        return outbox.write(FOLDER, fileName(report), xml);
    }

    static String fileName(NonDelivery report) {
        return report.messageId() + (NonDelivery.OVERDUE.equals(report.status()) ? "-overdue" : "") + ".xml";
    }
}
