package org.jukibus.attack;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What became of the transfer-in notices the attacks put on the target, as its operators see it
 * through the management port: its dead letters (with their reasons) and its count of notices
 * delivered to the legacy outbox.
 */
final class TargetWatch {

    static final String FLOW = "transfer-in";
    /** How long the target gets to dead-letter or deliver one message. */
    static final Duration SETTLE = Duration.ofSeconds(60);
    /** How long the target gets to queue its answer (a receipt) once it delivered a message. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(20);

    private final AttackTarget t;
    private String deadLetterMBean;
    /**
     * Every dead letter any listing showed so far: a listing may leave one out (seen with the 4 MiB one), which
     * must not count as new when a later listing shows it again. One watch serves all attacks for that.
     */
    private final Set<String> known = new HashSet<>();

    TargetWatch(AttackTarget target) {
        this.t = target;
    }

    /** The target's state before a send, to compare with after it: the dead letters known then, the delivered count. */
    record Before(Set<String> deadLetters, double delivered) {
    }

    Before before() throws IOException, InterruptedException {
        deadLetters();
        return new Before(Set.copyOf(known), delivered());
    }

    /** What became of a message: dead-lettered (with the dead letter's reason and detail), delivered, or nothing seen. */
    record Settled(Kind kind, String reason, String detail) {
        enum Kind { DEAD_LETTERED, DELIVERED, NOTHING }

        Outcome outcome() {
            return switch (kind) {
                case DEAD_LETTERED -> Outcome.refused("dead-lettered " + reason + ": " + detail);
                case DELIVERED -> Outcome.notRefused("delivered to the target's legacy outbox");
                case NOTHING -> Outcome.notRefused(detail);
            };
        }
    }

    /** Whatever comes first after {@code before}: a new dead letter (refused), a delivery (not refused), or nothing. */
    Outcome settle(Before before) throws Exception {
        return settle(before, SETTLE).outcome();
    }

    Settled settle(Before before, Duration wait) throws Exception {
        Instant deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> dead = newDeadLetters(before);
            if (!dead.isEmpty()) {
                return new Settled(Settled.Kind.DEAD_LETTERED, dead.get(0).path("reason").asText("?"),
                        dead.get(0).path("detail").asText(""));
            }
            if (delivered() > before.delivered()) {
                return new Settled(Settled.Kind.DELIVERED, null, null);
            }
            Thread.sleep(250);
        }
        return new Settled(Settled.Kind.NOTHING, null,
                "neither dead-lettered nor delivered within " + wait.toSeconds() + " s: unaccounted for");
    }

    /** The dead letters that arrived since {@code before}, waiting up to {@link #SETTLE} for {@code count} of them. */
    List<JsonNode> awaitDeadLetters(Before before, int count) throws Exception {
        Instant deadline = Instant.now().plus(SETTLE);
        List<JsonNode> dead = newDeadLetters(before);
        while (dead.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            dead = newDeadLetters(before);
        }
        return dead;
    }

    private List<JsonNode> newDeadLetters(Before before) throws IOException, InterruptedException {
        List<JsonNode> fresh = new ArrayList<>();
        deadLetters().forEach((id, e) -> {
            if (!before.deadLetters().contains(id)) {
                fresh.add(e);
            }
        });
        return fresh;
    }

    private Map<String, JsonNode> deadLetters() throws IOException, InterruptedException {
        if (deadLetterMBean == null) {
            deadLetterMBean = t.management.deadLetterMBean();
        }
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode e : t.management.exec(deadLetterMBean, "list", FLOW)) {
            byId.put(e.path("id").asText(), e);
        }
        known.addAll(byId.keySet());
        return byId;
    }

    /**
     * How many messages the target's broker added to its outbound queue so far (Artemis' MessagesAdded): a message the
     * broker drops as a duplicate adds none. Read through the management port as the operator.
     */
    long outboundAdded() throws IOException, InterruptedException {
        String queue = "org.apache.activemq.artemis:broker=\"jukibus-" + t.target.code() + "\",component=addresses,"
                + "address=\"jukibus.outbound\",subcomponent=queues,routing-type=\"anycast\",queue=\"jukibus.outbound\"";
        return t.management.read(queue, "MessagesAdded").asLong();
    }

    /** Whether the outbound queue got at least one more message than {@code before} within {@link #ANSWER_WAIT}. */
    boolean awaitOutboundAdded(long before) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(ANSWER_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (outboundAdded() > before) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** The target's count of transfer-in notices delivered to its legacy outbox (its Prometheus counter). */
    private double delivered() throws IOException, InterruptedException {
        double sum = 0;
        for (String line : t.management.text("actuator/prometheus").split("\n")) {
            if (line.startsWith("jukibus_flow_received_total{") && line.contains("flow=\"" + FLOW + "\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
