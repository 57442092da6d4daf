package org.jukibus.flow.transferout;

import java.time.Clock;
import java.util.List;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.PermanentFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * The prefecture's side of 第6の3(2): a transfer-out confirmation from one of its municipalities is
 * noted against the person's identity record in the prefecture's store (nothing goes to a legacy
 * outbox: the store is the prefecture's record). Handler of the {@code transfer-out} flow on
 * prefecture nodes. Refusals are permanent and go to the dead-letter queue with their reason:
 * <ul>
 *   <li>{@code WRONG_PREFECTURE}: the sender lies in another prefecture by the directory (the broker
 *       lets any municipality send here; only the directory knows where it lies);</li>
 *   <li>{@code PARTY_MISMATCH}: OldMunicipality is not the node that signed the envelope, or
 *       Prefecture is not this node ({@link Delivered#requireSound()}, which the shared delivery runs
 *       for every flow before this handler);</li>
 *   <li>{@code UNKNOWN_PERSON}: no current identity record for the resident code; replay the dead
 *       letter once the person's identity record has arrived.</li>
 * </ul>
 * The reject details name message ids and codes, never the person: dead-letter headers are stored
 * readable on the broker.
 */
public final class TransferOutRecorder implements FlowHandler {

    public static final String WRONG_PREFECTURE = "WRONG_PREFECTURE";
    public static final String UNKNOWN_PERSON = "UNKNOWN_PERSON";

    private static final Logger log = LoggerFactory.getLogger(TransferOutRecorder.class);
    private static final XmlMapper XML = new XmlMapper();

    private final String self;
    private final NodeDirectory directory;
    private final TransferOutAnnotations annotations;
    private final Clock clock;

    /** @param self this prefecture's 2-digit code */
    public TransferOutRecorder(String self, NodeDirectory directory, TransferOutAnnotations annotations, Clock clock) {
        this.self = self;
        this.directory = directory;
        this.annotations = annotations;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(TransferOutFlow.NAME);
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        String messageId = message.header().messageId();
        String sender = message.header().sender();
        TransferOutConfirmation confirmation = XML.readValue(message.payload(), TransferOutConfirmation.class);

        String senderPrefecture = directory.byCode(sender).map(NodeEntry::prefecture).orElse(null);
        if (!self.equals(senderPrefecture)) {
            throw new PermanentFailure(WRONG_PREFECTURE, "confirmation " + messageId + " from " + sender
                    + ", a municipality of prefecture " + senderPrefecture + ", not of " + self);
        }
        switch (annotations.record(confirmation, messageId, clock.instant())) {
            case RECORDED -> log.info("transfer-out confirmation {} from {} noted", messageId, sender);
            case ALREADY_RECORDED -> log.info("transfer-out confirmation {} from {} was noted before", messageId, sender);
            case UNKNOWN_PERSON -> throw new PermanentFailure(UNKNOWN_PERSON, "no current identity record at prefecture "
                    + self + " for the person of confirmation " + messageId + " from " + sender
                    + "; replay this dead letter once the identity record has arrived");
        }
    }
}
