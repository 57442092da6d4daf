package org.jukibus.flow.transferout;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.transferin.TransferInNotice;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.jukibus.flow.transferin.TransferInFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * The old municipality's side of 第6の3(1): when its node delivers a transfer-in notice (転入通知) for
 * a person who moved away, it sends the transfer-out confirmation to its own prefecture at once,
 * in the same broker transaction as the delivery, so the confirmation is sent exactly when the
 * notice is delivered. Handler of the {@code transfer-in} flow on municipal nodes.
 *
 * <p>It lives in {@code flow.transferout}, not {@code flow.transferin}, because what it does is the transfer-out
 * confirmation (第6の3(1)): it makes a {@link TransferOutConfirmation} for the {@link TransferOutFlow#CONFIRMATION}
 * flow and is switched by that flow's settings ({@code jukibus.transfer-out.confirm-on-transfer-in}, the
 * {@code transfer-out} flow switch). Delivering the notice itself needs no handler: the shared delivery writes it to
 * the legacy outbox. So {@code flow.transferin} stays the flow with nothing but its definition, and only the
 * transfer-out package knows both payloads.
 */
public final class TransferOutConfirmer implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(TransferOutConfirmer.class);
    private static final XmlMapper XML = new XmlMapper();

    private final String self;
    private final NodeDirectory directory;
    private final Clock clock;
    private final boolean enabled;

    /**
     * @param self    this municipality's local government code
     * @param enabled {@code jukibus.transfer-out.confirm-on-transfer-in} and the transfer-out flow switched on:
     *                false leaves confirming to the legacy system
     */
    public TransferOutConfirmer(String self, NodeDirectory directory, Clock clock, boolean enabled) {
        this.self = self;
        this.directory = directory;
        this.clock = clock;
        this.enabled = enabled;
        log.info("transfer-out confirmations of {}: {}", self, enabled
                ? "sent by the node when it delivers a transfer-in notice"
                : "only from the legacy system (confirm-on-transfer-in is false or the transfer-out flow is switched off)");
    }

    @Override
    public List<String> flows() {
        return List.of(TransferInFlow.NOTICE.name());
    }

    /**
     * The confirmation to this municipality's prefecture. Its id is derived from the notice's, so
     * the copy sent again on a redelivery is dropped by the brokers and recorded once by the
     * prefecture. The envelope carries no correlation id: the prefecture never saw the notice, and
     * its id (in the cleartext header) must not be stored on the prefecture's broker (第3の3(3));
     * it travels encrypted in the payload instead.
     */
    @Override
    public List<Answer> answers(Delivered notice) throws Exception {
        if (!enabled) {
            return List.of();
        }
        Optional<NodeEntry> prefecture = prefectureNode();
        if (prefecture.isEmpty()) {
            // a network without prefecture nodes (a test network, a municipality-only trial): nobody to confirm to
            log.warn("no transfer-out confirmation for transfer-in notice {}: the directory lists no prefecture node for {}",
                    notice.header().messageId(), self);
            return List.of();
        }
        TransferInNotice in = XML.readValue(notice.payload(), TransferInNotice.class);
        TransferOutConfirmation confirmation = new TransferOutConfirmation(in.residentCode(), in.name(), in.birthDate(),
                in.newAddress(), in.transferInDate(), self, notice.header().sender(), prefecture.get().code(),
                notice.header().messageId(), clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        return List.of(new Answer(TransferOutFlow.CONFIRMATION, prefecture.get().code(),
                MessageIds.answerOf(TransferOutFlow.NAME, notice.header().sender(), notice.header().messageId()), null,
                SecureXml.parse(XML.writeValueAsBytes(confirmation))));
    }

    private Optional<NodeEntry> prefectureNode() {
        return directory.byCode(self).map(NodeEntry::prefecture).flatMap(directory::byCode)
                .filter(e -> e.role() == NodeRole.PREFECTURE);
    }
}
