package org.jukibus.management;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.QueueSweep;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.OwedNoticeGiver;
import org.jukibus.flow.PeerForwarder;
import org.jukibus.flow.SentPayloads;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.operators.Permission;
import org.jukibus.core.NodeMBean;
import org.jukibus.core.NodeMBeanBase;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * A node's dead-letter queue ({@code jukibus.dlq}) for operators: list and show with the reason,
 * replay after the cause is fixed, purge with confirmation. Bodies stay as they arrived (encrypted
 * to this node); only headers, size and a digest are shown.
 *
 * <p>Replay takes the dead letter off the queue and puts a fresh copy on the queue it failed on,
 * in one local transaction, as the node itself (the delivery route accepts node-local producers):
 * without the old broker duplicate id, which would make the broker drop it, and without the
 * reject headers.
 *
 * <p>Resend is for a message of this node that could not leave it (from {@code jukibus.outbound}): it expired
 * (reason EXPIRED: its recipient could not take it for the whole outage window), or its recipient was not in the
 * directory or was revoked (UNKNOWN_RECIPIENT, RECIPIENT_REVOKED; an answer that could not be sealed at all, such as a
 * transfer-out confirmation to a prefecture the directory did not list). Its envelope, if it has one, is encrypted to the
 * recipient's old key, so it is sealed again from the payload this node kept ({@link SentPayloads}) as a fresh
 * envelope, with a new message id and created-at, the same business content, to the recipient the directory lists now.
 */
public final class DeadLetterQueue extends NodeMBeanBase<DeadLetterOperations> implements DeadLetterOperations {

    public static final String QUEUE = "jukibus.dlq";
    /** Set on a replayed message: the dead letter it was made from. */
    public static final String REPLAY_OF = Headers.REPLAY_OF;
    /** Set on a resent message: the message id of the expired message it carries again. */
    public static final String RESEND_OF = "JukibusResendOf";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterQueue.class);
    private static final Pattern FLOW = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern ID = Pattern.compile("ID:[A-Za-z0-9:-]{1,128}");
    private static final Set<String> NOT_REPLAYED = Set.of(Headers.FLOW, Headers.REJECT_REASON, Headers.REJECT_DETAIL,
            Headers.REJECTED_AT, Headers.DEAD_LETTERED_FROM, Headers.ALREADY_DELIVERED, REPLAY_OF, RESEND_OF,
            // a replayed message waits afresh: its own backoff and age, not those of the forwarder's put-backs before
            org.jukibus.flow.ForwardRetries.ATTEMPTS, org.jukibus.flow.ForwardRetries.QUEUED_AT);
    private static final String OUTBOUND = "jukibus.outbound";
    /**
     * The reasons of this node's own messages that could not leave it and are sealed again from their kept payload: one
     * that waited past the outage window, one whose recipient was not in the directory (or was revoked) when it was to be
     * sealed or sent; sealed again, it goes to the recipient the directory lists now.
     */
    private static final Set<String> RESENDABLE = Set.of(PeerForwarder.EXPIRED, PeerForwarder.UNKNOWN_RECIPIENT,
            PeerForwarder.RECIPIENT_REVOKED);

    private final ConnectionFactory local;
    private final NodeBroker broker;
    private final OperationLog audit;
    private final OperatorPermissions permissions;
    private final NodeEnvelopes envelopes;
    private final SentPayloads sentPayloads;
    private final org.jukibus.flow.Flows flows;
    private final org.jukibus.flow.AnswerRecorder sentRecorder;
    private final OwedNoticeGiver owedNotices;

    /** @param permissions checks each operation against the logged-in operator's permissions for the flow */
    /**
     * @param sentRecorder records a resent message as sent (its delivery status), so its receipt, or a notice that it
     *                     was not delivered, closes it like any other message's
     * @param owedNotices  tells the senders owed a notice of the dead letters a purge removes
     */
    public DeadLetterQueue(String node, ConnectionFactory local, NodeBroker broker, OperationLog audit,
                           OperatorPermissions permissions, NodeEnvelopes envelopes, SentPayloads sentPayloads,
                           org.jukibus.flow.Flows flows, org.jukibus.flow.AnswerRecorder sentRecorder,
                           OwedNoticeGiver owedNotices) {
        super(node, "DeadLetters", DeadLetterOperations.class);
        this.owedNotices = owedNotices;
        this.flows = flows;
        this.sentRecorder = sentRecorder;
        this.envelopes = envelopes;
        this.sentPayloads = sentPayloads;
        this.local = local;
        this.broker = broker;
        this.audit = audit;
        this.permissions = permissions;
    }

    public static ObjectName objectName(String node) {
        return NodeMBean.name(node, "DeadLetters");
    }

    /** Registers this node's MBean with the platform MBean server (which Hawtio and Jolokia read). */
    public DeadLetterQueue register() throws Exception {
        registerAs(this);
        return this;
    }

    @Override
    public long getDepth() {
        return count(null);
    }

    /**
     * Dead letters of one flow (all of them, for null: the broker's count). Read by the gauge {@code jukibus_dlq_depth}
     * on every scrape and by the terminal's status page: counted now while the queue is in memory (at most the
     * broker's memory bound to go through); once it pages, as counted in the background at most {@link #COUNT_INTERVAL}
     * ago, since a count of one flow goes through the whole queue, page files included, which for thousands of 1 MiB
     * letters reads gigabytes from disk: never on such a request. (The broker's management count stops after the
     * queue's first 200 messages: cheap, but wrong on a long queue.)
     */
    public long count(String flow) {
        try {
            String selector = filter(flow);
            if (selector == null) {
                return control().getMessageCount();
            }
            QueueSweep sweep = sweep();
            return sweep.paging() ? byFlow.getOrDefault(flow, 0L) : sweep.count(selector);
        } catch (Exception e) {
            throw new IllegalStateException("cannot count " + QUEUE + ": " + e.getMessage(), e);
        }
    }

    /**
     * How often the dead letters of a paged queue are counted per flow in the background (and after a purge or replay
     * --all): each count reads the page files from disk once.
     */
    static final java.time.Duration COUNT_INTERVAL = java.time.Duration.ofMinutes(15);
    private volatile Map<String, Long> byFlow = Map.of();
    private org.jukibus.core.PeriodicJob counting;

    /** Counts the dead letters per flow now and then every {@link #COUNT_INTERVAL}, on a thread of its own. */
    public DeadLetterQueue startCounting() {
        counting = org.jukibus.core.PeriodicJob.start("dlq-count-" + getNode(), java.time.Duration.ZERO, COUNT_INTERVAL,
                this::countFlows);
        return this;
    }

    /** One pass over the whole queue, page files included, counting every flow at once; only while it pages. */
    private synchronized void countFlows() throws Exception {
        QueueSweep sweep = sweep();
        if (sweep.paging()) {
            byFlow = Map.copyOf(sweep.countBy(Headers.FLOW));
        }
    }

    private void countFlowsAfter(String operation) {
        try {
            countFlows();
        } catch (Exception e) {
            log.warn("dead letters not counted after {} (the next count in {}): {}", operation, COUNT_INTERVAL, e.toString());
        }
    }

    @Override
    public synchronized void close() throws javax.management.JMException {
        if (counting != null) {
            counting.close();
        }
        super.close();
    }

    @Override
    public List<Map<String, Object>> list(String flow) {
        permissions.require(Permission.DLQ_READ, flow);
        List<Map<String, Object>> out = new ArrayList<>();
        browse(filter(flow), m -> out.add(summary(m)));
        return out;
    }

    @Override
    public Map<String, Object> show(String id) {
        List<Map<String, Object>> found = new ArrayList<>();
        browse(byId(id), m -> {
            Map<String, Object> entry = summary(m);
            Map<String, Object> properties = new java.util.TreeMap<>();
            for (String name : Collections.list((java.util.Enumeration<String>) m.getPropertyNames())) {
                properties.put(name, String.valueOf(m.getObjectProperty(name)));
            }
            entry.put("properties", properties);
            byte[] body = body(m);
            entry.put("bodySha256", HexFormat.of().formatHex(sha256(body)));
            found.add(entry);
        });
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no dead letter " + id + " on node " + getNode());
        }
        permissions.require(Permission.DLQ_READ, (String) found.get(0).get("flow"));
        return found.get(0);
    }

    @Override
    public String replay(String id) {
        permissions.require(Permission.DLQ_REPLAY, flowOf(id));
        String target = replayOne(byId(id));
        if (target == null) {
            throw new IllegalArgumentException("no dead letter " + id + " on node " + getNode());
        }
        erased();
        log.warn("replayed dead letter {} to {} on request of {}", id, target, who());
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).detail("dlq replay " + id + " to " + target));
        return target;
    }

    @Override
    public String resend(String id) {
        String flow = flowOf(id);
        permissions.require(Permission.DLQ_REPLAY, flow);
        List<String> resent = new ArrayList<>();
        String target = takeOne(byId(id), dead -> {
            Fresh fresh = resealed(dead);
            resent.add(dead.getStringProperty(Headers.MESSAGE_ID) + " as " + fresh.headers().get(Headers.MESSAGE_ID)
                    + " for " + dead.getStringProperty(Headers.RECIPIENT));
            return fresh;
        });
        if (target == null) {
            throw new IllegalArgumentException("no dead letter " + id + " on node " + getNode());
        }
        erased();
        log.warn("resent dead letter {} (message {}) on request of {}", id, resent.get(0), who());
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).flow(flow)
                .detail("dlq resend " + id + ": message " + resent.get(0)));
        return resent.get(0);
    }

    /**
     * A message of this node that could not leave it ({@link #RESENDABLE}) sealed again from its kept payload: a fresh
     * envelope, new id and created-at.
     */
    private Fresh resealed(Message dead) throws Exception {
        String messageId = dead.getStringProperty(Headers.MESSAGE_ID);
        if (!RESENDABLE.contains(dead.getStringProperty(Headers.REJECT_REASON))
                || !OUTBOUND.equals(dead.getStringProperty(Headers.DEAD_LETTERED_FROM))) {
            throw new IllegalArgumentException("dead letter " + dead.getJMSMessageID() + " is not a message of this node"
                    + " that could not leave it (reason " + dead.getStringProperty(Headers.REJECT_REASON) + " from "
                    + dead.getStringProperty(Headers.DEAD_LETTERED_FROM) + "): only " + String.join(", ", new java.util.TreeSet<>(RESENDABLE))
                    + " from " + OUTBOUND + " is resent; replay it instead");
        }
        SentPayloads.Kept kept = sentPayloads.find(messageId).orElseThrow(() -> new IllegalArgumentException(
                "the payload of message " + messageId + " is not kept (a message this node made itself, such as a "
                        + "receipt or heartbeat, or one sealed longer than the outage window ago): nothing to seal again"));
        String type = dead.getStringProperty(Headers.TYPE);
        String freshId = MessageIds.madeFrom("resend", messageId + " " + dead.getJMSMessageID());
        Document payload = SecureXml.parse(kept.payload());
        byte[] envelope = envelopes.seal(type, kept.recipient(), freshId, kept.correlationId(), payload);
        java.time.Instant createdAt = envelopes.now();
        sentPayloads.keep(freshId, kept.recipient(), kept.correlationId(), payload, createdAt);
        sentRecorder.sealed(new org.jukibus.flow.Answer(flows.byName(dead.getStringProperty(Headers.FLOW)), kept.recipient(),
                freshId, kept.correlationId(), payload), envelope);
        return new Fresh(OUTBOUND, envelope, Map.of(Headers.MESSAGE_ID, freshId, Headers.DUPLICATE_ID, freshId,
                Headers.CREATED_AT, createdAt.toString(), RESEND_OF, messageId), Set.of(Headers.NOT_SEALED));
    }

    @Override
    public int replayAll(String flow) {
        permissions.require(Permission.DLQ_REPLAY, flow);
        String selector = filter(flow);
        int n = 0;
        long before;
        try {
            before = selector == null ? control().getMessageCount() : sweep().count(selector); // now, not the gauge's
        } catch (Exception e) {
            throw new IllegalStateException("cannot count " + QUEUE + ": " + e.getMessage(), e);
        }
        while (n < before && replayOne(selector) != null) {
            n++; // bounded by the count at the start: a replay that fails again comes back as a new dead letter
        }
        if (n < before) {
            // the rest are in page files, out of a selector's sight: from the queue's head, every other dead letter put
            // back at its tail as a copy (a replay that failed again meanwhile is a new dead letter there too: it may
            // be replayed once more, as the count at the start bounds it)
            try {
                n += sweep().walk(selector, (s, producer, dead) -> {
                    Fresh fresh = replayed(dead);
                    producer.send(s.createQueue(fresh.queue()), remade(s, dead, fresh));
                    return () -> { };
                }, 1).taken();
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("replay failed after " + n + " dead letters: " + e.getMessage(), e);
            }
        }
        if (n > 0) {
            erased();
            countFlowsAfter("replay --all");
        }
        log.warn("replayed {} dead letters{} on request of {}", n, flow == null || flow.isBlank() ? "" : " of " + flow, who());
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).flow(blankToNull(flow))
                .detail("dlq replay-all: " + n + " replayed"));
        return n;
    }

    @Override
    public int purge(String flow, boolean confirm) {
        permissions.require(Permission.DLQ_PURGE, flow);
        String selector = filter(flow);
        if (!confirm) {
            throw new IllegalArgumentException("purge removes dead letters for good: it needs confirmation");
        }
        int told;
        int removed;
        try {
            // a sender still owed its notice is told first: removed for good, the message can no longer be delivered
            told = owedNotices.tellAndRemove(selector);
            // not one owed that arrived meanwhile: it stays, for the next purge to tell
            String untold = selector == null ? OwedNoticeGiver.NOT_TELLABLE : "(" + selector + ") AND " + OwedNoticeGiver.NOT_TELLABLE;
            // page files included, with bounded memory: not the broker's removeMessages, which reads every paged letter
            // it passes back into memory (QueueSweep)
            QueueSweep.Swept swept = sweep().remove(untold);
            removed = told + swept.removed();
            if (!swept.complete()) {
                log.error("{} dead letters{} the purge was to remove are still on {} (another consumer held them while "
                        + "it ran): purge again", swept.left(), flow == null || flow.isBlank() ? "" : " of " + flow, QUEUE);
            }
            // owed dead letters it could not tell (their notice failed, another consumer held them) stay, owed, not removed untold
            long stay = sweep().count(selector == null ? OwedNoticeGiver.TELLABLE
                    : "(" + selector + ") AND " + OwedNoticeGiver.TELLABLE);
            if (stay > 0) {
                log.error("{} dead letters{} whose senders are owed a notice were not purged: the purge could not take "
                        + "them (their notice failed, or another consumer held them meanwhile); they stay owed, purge again",
                        stay, flow == null || flow.isBlank() ? "" : " of " + flow);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot purge " + QUEUE + ": " + e.getMessage(), e);
        }
        if (removed > 0) {
            erased();
            countFlowsAfter("a purge");
        }
        log.warn("purged {} dead letters{} from {} on request of {} ({} with the non-delivery notice their sender was owed)",
                removed, flow == null || flow.isBlank() ? "" : " of " + flow, QUEUE, who(), told);
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).flow(blankToNull(flow))
                .detail("dlq purge: " + removed + " removed for good, " + told + " of them told their sender"));
        return removed;
    }

    /**
     * After dead letters left the queue (purged, replayed, resent): their bytes, which may be a resident's data, leave
     * the broker's journal files too, as after the erasure of old dead letters. A failure is logged, not thrown: the
     * operation itself is done, and the next one (or the erasure) compacts again.
     */
    private void erased() {
        try {
            broker.compactJournal();
        } catch (Exception e) {
            log.error("the journal of {} was not compacted after dead letters left {}: their bytes stay in its files until "
                    + "the next compaction (the next purge, replay or erasure): {}", getNode(), QUEUE, e.toString());
        }
    }

    /** The flow of a dead letter, to check the operator's permission before touching it. */
    private String flowOf(String id) {
        List<String> flows = new ArrayList<>();
        browse(byId(id), m -> flows.add((String) summary(m).get("flow")));
        if (flows.isEmpty()) {
            throw new IllegalArgumentException("no dead letter " + id + " on node " + getNode());
        }
        return flows.get(0);
    }

    /**
     * What a dead letter becomes when it is taken off the queue: where it goes, its body, headers set over its own, and
     * headers of its own it does not keep (a resent answer is sealed now: {@link Headers#NOT_SEALED} goes).
     */
    private record Fresh(String queue, byte[] body, Map<String, String> headers, Set<String> dropped) {
    }

    private interface Remake {
        Fresh of(Message dead) throws Exception;
    }

    /** Takes the first dead letter matching the selector and re-sends it as it is; null when there is none. */
    private String replayOne(String selector) {
        return takeOne(selector, this::replayed);
    }

    /** A dead letter replayed: as it is, to the queue it failed on, with a duplicate id made from its own. */
    private Fresh replayed(Message dead) throws Exception {
        return new Fresh(originalQueue(dead), body(dead), Map.of(Headers.DUPLICATE_ID, "replay:" + dead.getJMSMessageID()),
                Set.of());
    }

    /**
     * Takes the first dead letter matching the selector off the queue and sends what {@code remake}
     * makes of it, with its Jukibus headers (but the reject headers), in one local transaction;
     * returns the queue it went to, null when there is none.
     */
    private String takeOne(String selector, Remake remake) {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try {
                MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE), selector);
                Message dead = consumer.receive(2000);
                consumer.close();
                if (dead == null) {
                    s.rollback();
                    return null;
                }
                Fresh fresh = remake.of(dead);
                s.createProducer(s.createQueue(fresh.queue())).send(remade(s, dead, fresh));
                s.commit();
                return fresh.queue();
            } catch (Exception e) {
                s.rollback();
                throw e;
            } finally {
                s.close();
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("replay failed: " + e.getMessage(), e);
        }
    }

    /** The message {@code fresh} makes of {@code dead}: its Jukibus headers (but the reject headers), and the fresh ones. */
    @SuppressWarnings("unchecked")
    private static BytesMessage remade(Session s, Message dead, Fresh fresh) throws JMSException {
        BytesMessage copy = s.createBytesMessage();
        copy.writeBytes(fresh.body());
        for (String name : Collections.list((java.util.Enumeration<String>) dead.getPropertyNames())) {
            if (name.startsWith("Jukibus") && !NOT_REPLAYED.contains(name) && !fresh.dropped().contains(name)) {
                copy.setObjectProperty(name, dead.getObjectProperty(name));
            }
        }
        copy.setStringProperty(REPLAY_OF, dead.getJMSMessageID());
        for (Map.Entry<String, String> h : fresh.headers().entrySet()) {
            copy.setStringProperty(h.getKey(), h.getValue());
        }
        return copy;
    }

    private String originalQueue(Message dead) throws JMSException {
        String from = dead.getStringProperty(Headers.DEAD_LETTERED_FROM);
        if (from != null && from.startsWith("jukibus.") && !from.equals(QUEUE)) {
            return from;
        }
        String flow = dead.getStringProperty(Headers.FLOW);
        if (flow != null && FLOW.matcher(flow).matches()) {
            return "jukibus.inbound." + flow;
        }
        throw new IllegalArgumentException("dead letter " + dead.getJMSMessageID() + " names no queue to replay it to");
    }

    private Map<String, Object> summary(Message m) throws Exception {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", m.getJMSMessageID());
        e.put("flow", m.getStringProperty(Headers.FLOW));
        e.put("reason", reasonOf(m));
        e.put("detail", m.getStringProperty(Headers.REJECT_DETAIL));
        e.put("rejectedAt", m.getStringProperty(Headers.REJECTED_AT));
        e.put("from", m.getStringProperty(Headers.DEAD_LETTERED_FROM));
        e.put("messageId", m.getStringProperty(Headers.MESSAGE_ID));
        e.put("replayOf", m.getStringProperty(REPLAY_OF));
        e.put("senderNotice", m.getStringProperty(Headers.SENDER_NOTICE));
        e.put("senderToldAt", m.getStringProperty(Headers.SENDER_TOLD_AT));
        e.put("senderNotTold", m.getStringProperty(Headers.SENDER_NOT_TOLD));
        e.put("bodyBytes", m instanceof BytesMessage b ? b.getBodyLength() : -1);
        return e;
    }

    /**
     * The node's reason; for a message the broker moved here itself (no reason of the node's): EXPIRED_AT_BROKER when its
     * time to live ran out (the expiry address, issue 14 C), else BROKER_MAX_DELIVERY (the broker's backstop, issue 14 D).
     */
    private static String reasonOf(Message m) throws JMSException {
        String reason = m.getStringProperty(Headers.REJECT_REASON);
        if (reason != null) {
            return reason;
        }
        return m.propertyExists("_AMQ_ACTUAL_EXPIRY") ? "EXPIRED_AT_BROKER" : "BROKER_MAX_DELIVERY";
    }

    private interface MessageVisitor {
        void visit(Message m) throws Exception;
    }

    private void browse(String selector, MessageVisitor visitor) {
        try (Connection c = local.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = s.createBrowser(s.createQueue(QUEUE), selector)) {
                for (Message m : Collections.list((java.util.Enumeration<Message>) browser.getEnumeration())) {
                    visitor.visit(m);
                }
            } finally {
                s.close();
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + QUEUE + ": " + e.getMessage(), e);
        }
    }

    /** Counts and removes on {@link #QUEUE}, page files included, with bounded memory. */
    private QueueSweep sweep() {
        return new QueueSweep(local, broker.server(), QUEUE);
    }

    private QueueControl control() {
        QueueControl control = (QueueControl) broker.server().getManagementService().getResource(ResourceNames.QUEUE + QUEUE);
        if (control == null) {
            throw new IllegalStateException("node " + getNode() + " has no queue " + QUEUE);
        }
        return control;
    }

    /** A selector for one flow, or null for all; flow names are checked so nothing else gets into the selector. */
    private static String filter(String flow) {
        if (flow == null || flow.isBlank()) {
            return null;
        }
        if (!FLOW.matcher(flow).matches()) {
            throw new IllegalArgumentException("not a flow name: " + flow);
        }
        return Headers.FLOW + " = '" + flow + "'";
    }

    private static String byId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a dead letter id (ID:...): " + id);
        }
        return "JMSMessageID = '" + id + "'";
    }

    private static byte[] body(Message m) throws JMSException {
        if (m instanceof BytesMessage b) {
            b.reset();
            byte[] bytes = new byte[(int) b.getBodyLength()];
            b.readBytes(bytes);
            return bytes;
        }
        throw new IllegalStateException("dead letter " + m.getJMSMessageID() + " is not a bytes message");
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The operation log's actor: {@code operator:<name>} after a web login (Hawtio, Jolokia), else {@code jmx}. */
    private static String actor() {
        return OperatorActor.current();
    }

    private static String blankToNull(String flow) {
        return flow == null || flow.isBlank() ? null : flow;
    }

    private static String who() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null ? "JMX (no web login)" : "operator " + a.getName();
    }
}
