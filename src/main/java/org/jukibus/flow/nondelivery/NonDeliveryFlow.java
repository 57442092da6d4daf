package org.jukibus.flow.nondelivery;

import java.util.List;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.FlowPackage;

import java.util.Map;
import java.util.Set;

import org.jukibus.flow.FlowDefinition;
import org.jukibus.flow.Flows;
import org.jukibus.flow.identity.IdentityFlow;
import org.jukibus.flow.specialtransfer.SpecialTransferFlow;
import org.jukibus.monitoring.MonitoringFlows;

/**
 * Delivery status back to the sender: the 不達通知 flow and which flows it covers.
 * <ul>
 *   <li><b>Tracked</b> flows: every message a node sends except receipts, notices and monitoring traffic
 *   (heartbeats, status alerts: sent again on their own, and nobody's legacy system waits for them). The
 *   sender records each ({@link SentMessages}); the recipient answers a dead-lettered one with a notice.</li>
 *   <li>Flows that <b>await an answer</b>, and so get an overdue report when none comes: those with a
 *   receipt ({@link FlowDefinition#receipt()}), and those whose own answer is their receipt — an identity
 *   update (the update-count list), a first transfer-in notice (the transfer-out certificate info). The other
 *   tracked flows (count lists, certificate info, change info) are answers or batches nobody acknowledges.</li>
 * </ul>
 * Any message from the recipient carrying the sent message's id as correlation id closes it.
 */
public final class NonDeliveryFlow extends FlowPackage {

    /** 不達通知: recipient → sender of a dead-lettered message; answered by nothing (no notice about a notice). */
    public static final FlowDefinition FLOW = new FlowDefinition(
            "non-delivery", NonDeliveryNotice.TYPE, null, null, null, false);

    private static final Set<String> UNTRACKED = Set.of(Flows.RECEIPT.name(), ReceiptBatchFlow.FLOW.name(), FLOW.name(),
            MonitoringFlows.HEARTBEAT.name(), MonitoringFlows.NODE_STATUS.name());

    /** Flows whose own answer (a message correlated to them) is their receipt. */
    private static final Set<String> ANSWERED = Set.of(IdentityFlow.UPDATE.name(), SpecialTransferFlow.FIRST_TRANSFER_IN.name());

    /** Fixed texts for the reasons a recipient gives; a dead letter's own detail may name a person, these never do. */
    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("UNKNOWN_PERSON", "the recipient holds no record of the person the message is about"),
            Map.entry("PARTY_MISMATCH", "the parties named in the message do not match the recipient's records"),
            Map.entry("SCHEMA_INVALID", "the message is not valid against its schema at the recipient"),
            Map.entry("MALFORMED", "the message could not be parsed at the recipient"),
            Map.entry("WRONG_PREFECTURE", "the message went to a prefecture that is not responsible for it"),
            Map.entry("UNSOLICITED", "the message answers nothing the recipient sent"),
            Map.entry("ANSWER_MISMATCH", "the message does not match what it answers"),
            Map.entry("OUT_OF_ORDER", "the message came out of order at the recipient"),
            Map.entry("UNKNOWN_RECIPIENT", "the recipient is not in the node directory"),
            Map.entry("RECIPIENT_REVOKED", "the recipient's certificate was revoked before the message left: not sent to it"),
            Map.entry("EXPIRED", "the message waited past the outage window and was not delivered"),
            // a notice says both clocks' times instead (NonDeliveryNotices#detail); this text is for anything else
            Map.entry("CLOCK_AHEAD", "the message was created ahead of the recipient's clock: one of the two clocks is wrong"),
            Map.entry("SENDER_CERTIFICATE_EXPIRED", "the message was signed with a key whose certificate had expired when it was created"),
            Map.entry("SENDER_CERTIFICATE_NOT_YET_VALID", "the message was signed with a key whose certificate was not yet valid when it was created"),
            // told only for a copy put back after a clock-ahead hold, whose sender was verified when it was held
            // (flow.InboundDelivery): the trust changed during the hold
            Map.entry("UNKNOWN_SENDER", "the sender was no longer in the recipient's node directory when the message could be delivered"),
            Map.entry("BAD_SIGNATURE", "the signature no longer verified against the sender's certificate at the recipient when the message could be delivered"),
            Map.entry("UNDECRYPTABLE", "the recipient's key no longer decrypted the message when it could be delivered"),
            Map.entry("TRANSIENT_EXPIRED", "the recipient could not process the message before the outage window passed"));

    /** Reason codes without a fixed text of their own (told as "could not be delivered"). */
    private static final Set<String> OTHER_REASONS = Set.of("RETRIES_EXHAUSTED", "UNDELIVERABLE", "PRODUCER_UNKNOWN",
            "SENDER_MISMATCH", "OTHER_PREFECTURE", "NOT_A_PREFECTURE", "NOT_SENDER", "UNKNOWN_UPDATE", "WRONG_CONFIRMER",
            "INVALID_RESIDENT_CODE", "SENDER_NOT_CENTRAL", "INVALID", "IN_FLIGHT",
            // a transient failure's own reason, told when its dead letter is purged (OwedNotices)
            "OUTBOX_UNWRITABLE", "EVIDENCE_UNWRITABLE", "CA_UNREACHABLE", "CA_HOLDERS_UNAVAILABLE");

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public NonDeliveryFlow() {
        super(List.of(FLOW),
                List.of(PayloadType.of("NonDeliveryNotice", "non-delivery.xsd", "urn:jukibus:non-delivery:1")),
                List.of(NonDeliveryConfiguration.class));
    }

    /** Whether the sender records messages of this flow and the recipient answers their failure with a notice. */
    public static boolean tracked(String flow) {
        return flow != null && !UNTRACKED.contains(flow);
    }

    /** Whether a message of this flow gets an overdue report when nothing answers it in time. */
    public static boolean awaitsAnswer(FlowDefinition flow) {
        return flow.receipt() || ANSWERED.contains(flow.name());
    }

    /** Whether {@code code} is a reason code of ours: one a jukibus recipient sends, so one the sender's file may carry. */
    public static boolean knownReason(String code) {
        return code != null && (REASONS.containsKey(code) || OTHER_REASONS.contains(code));
    }

    /** A short text for a reason code, never personal data. */
    public static String reasonText(String reasonCode) {
        return REASONS.getOrDefault(reasonCode, "the message could not be delivered (" + reasonCode + ")");
    }
}
