package org.jukibus.flow.nondelivery;

import java.nio.file.Path;
import java.util.regex.Pattern;

import org.jukibus.flow.LegacyOutbox;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * Writes {@link NonDelivery} files for the legacy system into {@code legacy/outbox/non-delivery/}:
 * {@code <recipient>-<message id>.xml} when the message was not delivered, {@code <recipient>-<message id>-overdue.xml}
 * when its receipt is late — two names, so a late report never hides a later non-delivery. The recipient is part of
 * the name because one message id can go to several recipients (delivery status is kept per message id and
 * recipient): named by the id alone, the second recipient's report replaced the first's before the legacy system took
 * it, and one final word was lost. Written atomically (LegacyOutbox: a hidden file forced, renamed, the folder
 * forced). Writing the same report again (after a crash) replaces the file: same recipient, same message, same word.
 */
public final class NonDeliveryFiles {

    /** The legacy outbox folder, named after the notice flow. */
    public static final String FOLDER = NonDeliveryFlow.FLOW.name();

    /**
     * What a name is made of, as non-delivery.xsd allows them (NodeCode, MessageId), checked here again so that no
     * other character (a separator, a dot) can ever reach a file name, whatever a peer put where: a lowercase UUID
     * has a fixed length, so {@code <recipient>-<message id>} reads back one way only.
     */
    private static final Pattern RECIPIENT = Pattern.compile("[0-9A-Za-z-]{2,16}");
    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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

    /** The file name of {@code report}: {@code <recipient>-<message id>[-overdue].xml}. */
    public static String fileName(NonDelivery report) {
        return fileName(report.recipient(), report.messageId(), NonDelivery.OVERDUE.equals(report.status()));
    }

    /** The file name of the report about {@code messageId} sent to {@code recipient}, final or overdue. */
    public static String fileName(String recipient, String messageId, boolean overdue) {
        if (recipient == null || !RECIPIENT.matcher(recipient).matches() || messageId == null
                || !MESSAGE_ID.matcher(messageId).matches()) {
            throw new IllegalArgumentException("not a node code and message id a report can be named by: " + recipient + ", " + messageId);
        }
        return recipient + "-" + messageId + (overdue ? "-overdue" : "") + ".xml";
    }
}
