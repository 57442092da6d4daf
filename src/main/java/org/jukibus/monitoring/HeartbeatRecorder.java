package org.jukibus.monitoring;

import java.time.Clock;
import java.util.List;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.PermanentFailure;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * Central's handler of the {@code heartbeat} flow: a delivered heartbeat goes into the status
 * board (central's store), not into a legacy outbox; a heartbeat that reports security events is
 * answered with alerts to the node's prefecture and the node itself.
 * <p>
 * A heartbeat must speak for the node that signed it: a Node other than the signer is refused by
 * the shared party check of every delivery ({@code PARTY_MISMATCH}, {@link Delivered#requireSound}),
 * a Role other than the signer's directory entry here ({@code SENDER_MISMATCH}); both dead-lettered.
 */
public final class HeartbeatRecorder implements FlowHandler {

    public static final String SENDER_MISMATCH = InboundDelivery.SENDER_MISMATCH; // counted as an intrusion sign

    private static final XmlMapper XML = new XmlMapper();

    private final StatusBoard board;
    private final LifetimeAlerts lifetimes;
    private final NodeDirectory directory;
    private final Clock clock;

    public HeartbeatRecorder(StatusBoard board, LifetimeAlerts lifetimes, NodeDirectory directory, Clock clock) {
        this.board = board;
        this.lifetimes = lifetimes;
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(MonitoringFlows.HEARTBEAT.name());
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        board.record(heartbeat(message), message.header().messageId(), clock.instant());
    }

    /**
     * Central gets a heartbeat a minute from every node (about 2.6 million a day): recorded as seen for the two outage
     * windows, that was some 157 million rows for nothing. A heartbeat delivered again changes nothing: the board keeps a
     * node's latest by SentAt and ignores an older or equal one ({@link NodeStatusStore#recordHeartbeat}), security
     * events and their alerts are keyed by node and heartbeat id and counted against the totals central holds, lifetime
     * alerts by node, problem and day (a replay on a later day may raise that day's again from its stale state). And
     * only its signer can put it on central's broker (the producer check): a replay says nothing the node could not say
     * in a new heartbeat.
     */
    @Override
    public boolean replayChangesNothing() {
        return true;
    }

    @Override
    public List<Answer> answers(Delivered message) throws Exception {
        NodeHeartbeat heartbeat = heartbeat(message);
        List<Answer> alerts = new java.util.ArrayList<>(board.securityAlerts(heartbeat, message.header().messageId()));
        alerts.addAll(lifetimes.alerts(heartbeat));
        return alerts;
    }

    private NodeHeartbeat heartbeat(Delivered message) throws Exception {
        NodeHeartbeat heartbeat = XML.readValue(message.payload(), NodeHeartbeat.class);
        String sender = message.header().sender();
        NodeEntry entry = directory.byCode(sender).orElseThrow(() -> new PermanentFailure(SENDER_MISMATCH,
                "heartbeat " + message.header().messageId() + " from " + sender + ", who is not in the directory"));
        if (!sender.equals(heartbeat.node()) || !entry.role().id().equals(heartbeat.role())) {
            throw new PermanentFailure(SENDER_MISMATCH, "heartbeat " + message.header().messageId() + " signed by "
                    + sender + " (" + entry.role().id() + ") speaks for " + heartbeat.node() + " (" + heartbeat.role() + ")");
        }
        return heartbeat;
    }
}
