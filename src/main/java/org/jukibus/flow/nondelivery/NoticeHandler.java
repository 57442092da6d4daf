package org.jukibus.flow.nondelivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.PermanentFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * The sender's end of the 不達通知 flow: a {@link NonDeliveryNotice} is accepted only about a message this
 * node recorded sending ({@link SentMessages}) to the very node that signed the notice, and about nothing
 * else — a peer holding a valid certificate cannot make this node report another peer's message as lost.
 * An accepted notice becomes a {@link NonDelivery} file in {@code legacy/outbox/non-delivery/}; a refused one
 * goes to the dead-letter queue (UNSOLICITED, or ANSWER_MISMATCH when the notice names another message
 * than its envelope answers). Notices get no receipt and no notice of their own.
 */
public final class NoticeHandler implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(NoticeHandler.class);
    private static final XmlMapper XML = new XmlMapper();

    private final SentMessages sent;
    private final NonDeliveryFiles files;
    private final Clock clock;

    public NoticeHandler(SentMessages sent, NonDeliveryFiles files, Clock clock) {
        this.sent = sent;
        this.files = files;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(NonDeliveryFlow.FLOW.name());
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        EnvelopeHeader header = message.header();
        NonDeliveryNotice notice = XML.readValue(message.payload(), NonDeliveryNotice.class);
        SentMessages.Sent original = accepted(notice, header, sent);
        if (original.state() == SentMessages.State.DELIVERED) {
            // the notice waited longer than the receipt that followed a replay: the message did arrive
            log.info("non-delivery notice {} about {} came after its receipt; nothing to report", header.messageId(),
                    original.messageId());
            return;
        }
        if (original.state() == SentMessages.State.NOT_DELIVERED
                && sent.closedBy(original.messageId(), header.sender()).filter(header.messageId()::equals).isPresent()) {
            // the same notice again (its id is made from the message's: the recipient told it a second time, e.g. about a
            // dead letter made before its marks): the legacy system has its file, rewriting it would be a second outcome
            log.info("non-delivery notice {} about {} came a second time; its NonDelivery file was written the first time",
                    header.messageId(), original.messageId());
            return;
        }
        Instant now = clock.instant();
        files.write(new NonDelivery(original.messageId(), original.flow(), original.recipient(), NonDelivery.NOT_DELIVERED,
                NonDelivery.BY_RECIPIENT, RecipientClaim.reasonCode(notice.reasonCode()),
                RecipientClaim.detail(header.sender(), notice.reasonCode(), notice.detail()), original.queuedAt().toString(),
                notice.deadLetteredAt()));
        sent.close(original.messageId(), header.sender(), SentMessages.State.NOT_DELIVERED, header.messageId(),
                RecipientClaim.reasonCode(notice.reasonCode()), now);
        log.warn("{} message {} was not delivered by {}: {}", original.flow(), original.messageId(), header.sender(),
                RecipientClaim.reasonCode(notice.reasonCode()));
    }

    /** The sent message the notice is about, if it may speak about it. */
    static SentMessages.Sent accepted(NonDeliveryNotice notice, EnvelopeHeader header, SentMessages sent) throws PermanentFailure {
        if (!notice.messageId().equals(header.correlationId()) || !header.sender().equals(notice.recipient())) {
            throw new PermanentFailure("ANSWER_MISMATCH", "non-delivery notice " + header.messageId() + " from "
                    + header.sender() + " names message " + notice.messageId() + " and recipient " + notice.recipient()
                    + " but answers " + header.correlationId());
        }
        return sent.find(notice.messageId(), header.sender())
                .orElseThrow(() -> new PermanentFailure("UNSOLICITED", "non-delivery notice " + header.messageId()
                        + " from " + header.sender() + " is about message " + notice.messageId()
                        + ", which this node did not send to " + header.sender()));
    }
}
