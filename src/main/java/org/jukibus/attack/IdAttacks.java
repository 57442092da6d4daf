package org.jukibus.attack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.jukibus.flow.Headers;
import org.jukibus.core.NodeRole;

/**
 * Attacks on the ids a client puts on its messages, which the target's broker and node use for
 * de-duplication and dead letters: the duplicate id ({@code _AMQ_DUPL_ID}) of another peer's next
 * message, message ids (JMSMessageID) left out or chosen by the sender so that dead letters collide,
 * a replay passed off as a broker redelivery by reusing the first copy's message id, and another peer's message
 * id sent first so that the target's answer to that peer would collide with its answer to the attacker. Each must
 * leave every message accounted for: delivered, or in the dead-letter queue with its reason.
 */
final class IdAttacks {

    /** How long a retried send gets to show up, if the broker failed to drop it. */
    private static final Duration RESEND_WAIT = Duration.ofSeconds(5);

    private final AttackTarget t;
    private final Optional<String> notApplicable;
    private final TargetWatch watch;

    /** @param notApplicable why the transfer-in notices these attacks send cannot be used, as for the envelope attacks */
    IdAttacks(AttackTarget target, TargetWatch watch, Optional<String> notApplicable) {
        this.t = target;
        this.notApplicable = notApplicable;
        this.watch = watch;
    }

    List<Attack> catalogue() {
        List<Attack> a = new ArrayList<>();
        a.add(attack("duplicate-id-poisoning",
                "send junk with the duplicate id of another municipality's next notice, then that notice", this::poisoning));
        a.add(attack("answer-id-theft",
                "send a notice with another municipality's next message id, then that notice: its receipt must still go out",
                this::answerIdTheft));
        a.add(attack("dead-letter-id-collision",
                "send 4 refused messages: 2 without a message id, 2 with the same one of the sender's choosing", this::collision));
        a.add(attack("replay-as-redelivery",
                "send a delivered notice again with the message id of its first copy, as a broker redelivery has",
                this::replayAsRedelivery));
        return a;
    }

    private Attack attack(String name, String what, Attack.Run run) {
        return new Attack(name, "broker", what, () -> notApplicable.isPresent() ? Outcome.notRun(notApplicable.get()) : run.execute());
    }

    private Outcome poisoning() throws Exception {
        Optional<String> victimProblem = victimProblem();
        if (victimProblem.isPresent()) {
            return Outcome.notRun(victimProblem.get());
        }
        String victim = t.victim.identity().code();
        // the victim's next id is known to the attacker (jukibus derives ids; here it is simply chosen)
        String id = UUID.randomUUID().toString();
        byte[] notice = new EnvelopeForgery(t.victim).genuine(id, t.target.code(), t.target.certificate(), Instant.now());

        TargetWatch.Before before = watch.before();
        try (Connection c = t.connectAsAttacker()) {
            send(c, "attack-sim: junk with another node's duplicate id".getBytes(StandardCharsets.UTF_8), id, newId());
        }
        TargetWatch.Settled junk = watch.settle(before, TargetWatch.SETTLE);
        if (junk.kind() != TargetWatch.Settled.Kind.DEAD_LETTERED) {
            return Outcome.notRun("the attacker's junk was not dead-lettered (" + junk.outcome().detail() + ")");
        }
        before = watch.before();
        try (Connection c = t.connectAsVictim()) {
            send(c, notice, id, newId()); // as the victim's node sends it: duplicate id = envelope id (PeerLink)
        }
        TargetWatch.Settled real = watch.settle(before, TargetWatch.SETTLE);
        switch (real.kind()) {
            case NOTHING:
                return Outcome.notRefused(victim + "'s notice vanished: dropped as a duplicate of the attacker's junk");
            case DEAD_LETTERED:
                return Outcome.notRun(victim + "'s own notice was dead-lettered (" + real.reason() + ": " + real.detail() + ")");
            default:
                break;
        }
        // positive control of the duplicate id: the victim's own resend with it is dropped, as a retried send must be
        before = watch.before();
        try (Connection c = t.connectAsVictim()) {
            send(c, notice, id, newId());
        }
        TargetWatch.Settled resend = watch.settle(before, RESEND_WAIT);
        String retry = resend.kind() == TargetWatch.Settled.Kind.NOTHING
                ? "its resend with the same id was dropped, as a retry must be"
                : "but its resend with the same id was not de-duplicated (" + resend.outcome().detail() + ")";
        return Outcome.refused("junk dead-lettered " + junk.reason() + "; " + victim
                + "'s notice with the same duplicate id delivered; " + retry);
    }

    /**
     * Issue 14 A: the target derives the id of its receipt from the message id it answers; were the sender not part
     * of it, the receipt to the attacker would take the id the receipt to the victim needs, and the target's own
     * outbound address would drop that one as a duplicate, silently. Watched as the target's outbound queue's count
     * of messages added (a dropped duplicate adds none).
     */
    private Outcome answerIdTheft() throws Exception {
        Optional<String> victimProblem = victimProblem();
        if (victimProblem.isPresent()) {
            return Outcome.notRun(victimProblem.get());
        }
        String victim = t.victim.identity().code();
        String id = UUID.randomUUID().toString(); // the victim's next id, known to the attacker
        byte[] stolen = new EnvelopeForgery(t.attacker).genuine(id, t.target.code(), t.target.certificate(), Instant.now());
        byte[] real = new EnvelopeForgery(t.victim).genuine(id, t.target.code(), t.target.certificate(), Instant.now());

        TargetWatch.Before before = watch.before();
        long added = watch.outboundAdded();
        try (Connection c = t.connectAsAttacker()) {
            send(c, stolen, id, newId());
        }
        TargetWatch.Settled first = watch.settle(before, TargetWatch.SETTLE);
        if (first.kind() != TargetWatch.Settled.Kind.DELIVERED || !watch.awaitOutboundAdded(added)) {
            return Outcome.notRun("the attacker's notice was not delivered and receipted (" + first.outcome().detail() + ")");
        }
        before = watch.before();
        added = watch.outboundAdded();
        try (Connection c = t.connectAsVictim()) {
            send(c, real, id, newId());
        }
        TargetWatch.Settled second = watch.settle(before, TargetWatch.SETTLE);
        if (second.kind() != TargetWatch.Settled.Kind.DELIVERED) {
            return Outcome.notRefused(victim + "'s notice with the attacker's message id was not delivered ("
                    + second.outcome().detail() + ")");
        }
        return watch.awaitOutboundAdded(added)
                ? Outcome.refused(victim + "'s notice with the same message id delivered and receipted under an id of its own")
                : Outcome.notRefused(victim + "'s notice was delivered but its receipt never reached the outbound queue:"
                + " dropped as a duplicate of the receipt to the attacker");
    }

    private Optional<String> victimProblem() {
        if (t.victim == null) {
            return Optional.of("give --victim-keystore (a second municipal node, whose notice the attacker tries to make a duplicate)");
        }
        String victim = t.victim.identity().code();
        if (t.victim.identity().role() != NodeRole.MUNICIPAL || victim.equals(t.target.code())
                || victim.equals(t.attacker.identity().code())) {
            return Optional.of("the victim must be a municipal node other than the target and the attacking node");
        }
        return Optional.empty();
    }

    private Outcome collision() throws Exception {
        TargetWatch.Before before = watch.before();
        Object chosen = newId();
        try (Connection c = t.connectAsAttacker()) {
            for (Object messageId : new Object[] {null, null, chosen, chosen}) {
                send(c, ("attack-sim: message id " + messageId).getBytes(StandardCharsets.UTF_8), null, messageId);
            }
        }
        List<JsonNode> dead = watch.awaitDeadLetters(before, 4);
        List<String> reasons = dead.stream().map(d -> d.path("reason").asText("")).filter(r -> !r.isEmpty()).toList();
        return reasons.size() == 4
                ? Outcome.refused("4 dead letters, each with its reason " + reasons)
                : Outcome.notRefused(reasons.size() + " of 4 dead-lettered with a reason within " + TargetWatch.SETTLE.toSeconds()
                + " s: the others loop through failed transactions or were lost");
    }

    private Outcome replayAsRedelivery() throws Exception {
        byte[] notice = new EnvelopeForgery(t.attacker).genuine(t.target.code(), t.target.certificate(), Instant.now());
        Object chosen = newId();
        TargetWatch.Before before = watch.before();
        try (Connection c = t.connectAsAttacker()) {
            send(c, notice, null, chosen);
            TargetWatch.Settled first = watch.settle(before, TargetWatch.SETTLE);
            if (first.kind() != TargetWatch.Settled.Kind.DELIVERED) {
                return Outcome.notRun("the first copy was not delivered (" + first.outcome().detail() + ")");
            }
            before = watch.before();
            send(c, notice, null, chosen);
        }
        TargetWatch.Settled copy = watch.settle(before, TargetWatch.SETTLE);
        return switch (copy.kind()) {
            case DEAD_LETTERED -> Outcome.refused("dead-lettered " + copy.reason() + ": " + copy.detail());
            case DELIVERED -> Outcome.notRefused("delivered twice");
            case NOTHING -> Outcome.notRefused("taken for a broker redelivery: neither delivered again nor dead-lettered");
        };
    }

    private static Object newId() {
        return UUIDGenerator.getInstance().generateUUID();
    }

    /**
     * Sends to the target's transfer-in queue as a client may: with {@code duplicateId} (or none) and with the
     * message id (the Artemis user id behind JMSMessageID) {@code messageId}, or none when null.
     */
    private static void send(Connection c, byte[] body, String duplicateId, Object messageId) throws JMSException {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = s.createProducer(s.createQueue(EnvelopeAttacks.INBOUND));
        producer.setDisableMessageID(true); // the client's own message id below, or none
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(body);
        if (duplicateId != null) {
            m.setStringProperty(Headers.DUPLICATE_ID, duplicateId);
        }
        ((ActiveMQMessage) m).getCoreMessage().setUserID(messageId);
        producer.send(m);
        s.close();
    }
}
