package org.jukibus.flow;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jukibus.store.StoreProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Tells a store slow for everyone from a statement slow for its own message. A statement the store cancelled on its
 * statement or lock timeout ({@link DeliveryFailures#storeTimeout}) is an outage: the message waits and its queue is
 * suspended, up to the outage window. But a statement may be slow because of the message itself (a lock another stuck
 * session holds on exactly its row, a pathological value): that message, at the head of its queue, then held up
 * everything behind it for 30 days while the store served everything else (review-outage3 M3).
 * <p>
 * So after each such timeout the store is asked a trivial query ({@link StoreProbe}). No prompt answer: the store is
 * slow or down for everyone, the message waits as before, uncounted. A prompt answer: the timeout is counted against
 * the message (its broker message id, the most recent {@value #COUNTED} messages; lost at a restart: more attempts,
 * never fewer), and at {@code jukibus.delivery.statement-timeout-attempts} such timeouts it is dead-lettered with the
 * timeout's reason ({@link DeliveryFailures#STORE_STATEMENT_TIMEOUT} or {@link DeliveryFailures#STORE_LOCK_TIMEOUT}),
 * naming the statement's kind and the timeout, and an ERROR; its queue moves on. Its sender is owed a notice, not told
 * (nonDelivery.NonDeliveryNotices: a transient failure), so that a replay after the fix can still deliver it.
 * <p>
 * What the probe cannot see: a lock held on a table every delivery needs (an operator's {@code LOCK TABLE} left open)
 * times out every message's statement while the store answers {@code SELECT}: each is dead-lettered after its bound
 * (loudly, nothing lost: replay them after ending that session), rather than all waiting silently.
 */
public final class SlowStatements {

    private static final Logger log = LoggerFactory.getLogger(SlowStatements.class);
    private static final int COUNTED = 10_000;
    /** The verb of the statement in Spring's message ({@code SQL [update …]}); never its values. */
    private static final Pattern VERB = Pattern.compile("SQL \\[\\s*([A-Za-z]+)");
    /** The table a statement worked on, in Spring's SQL text or PostgreSQL's context ({@code in relation "held"}). */
    private static final Pattern TABLE = Pattern.compile("(?i)\\b(?:into|update|from|relation)\\s+\"?([A-Za-z_][A-Za-z0-9_.]*)");

    private final Supplier<StoreProbe.Answer> probe;
    private final int attempts;
    private final Counter ofTheStore;
    private final Counter ofTheMessage;
    private final Map<String, Integer> counted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > COUNTED;
        }
    };

    /**
     * @param probe    asks the store a trivial query ({@link StoreProbe#ask})
     * @param attempts timeouts of one message's statement, while the store answers, before it is dead-lettered; below
     *                 1: never (every timeout waits as an outage, the store is not asked)
     */
    public SlowStatements(Supplier<StoreProbe.Answer> probe, int attempts, MeterRegistry registry) {
        this.probe = probe;
        this.attempts = attempts;
        String name = "jukibus.delivery.statement.timeouts";
        String description = "deliveries whose store statement timed out: verdict store (the store did not answer a trivial"
                + " query promptly: an outage, the message waits) or message (it did: counted against the message)";
        this.ofTheStore = Counter.builder(name).description(description).tag("verdict", "store").register(registry);
        this.ofTheMessage = Counter.builder(name).description(description).tag("verdict", "message").register(registry);
    }

    /**
     * A delivery of broker message {@code messageId} failed on {@code cause} (a store timeout): null if it waits, else
     * the failure to dead-letter it with, its statement having timed out {@code attempts} times while the store answered.
     */
    TransientFailure ofThisMessage(String messageId, String cause, Throwable failure) {
        if (attempts < 1) {
            return null;
        }
        StoreProbe.Answer answer = probe.get();
        if (!answer.prompt()) {
            ofTheStore.increment();
            log.debug("message {}: {} and the store does not answer promptly either: an outage, it waits", messageId, cause);
            return null;
        }
        ofTheMessage.increment();
        int timeouts;
        synchronized (counted) {
            timeouts = counted.merge(messageId, 1, Integer::sum);
            if (timeouts >= attempts) {
                counted.remove(messageId);
            }
        }
        String timeout = DeliveryFailures.STORE_LOCK_TIMEOUT.equals(cause)
                ? "lock_timeout " + answer.lockTimeout() : "statement_timeout " + answer.statementTimeout();
        String what = statementKind(failure) + " timed out (" + timeout + ") " + timeouts + " time(s) while the store answered"
                + " a trivial query promptly";
        if (timeouts < attempts) {
            log.warn("message {}: {}: slow for this message alone, it is dead-lettered at {} such timeouts", messageId, what, attempts);
            return null;
        }
        return TransientFailure.ofThisMessage(cause, what + "; slow for this message alone: find the cause, then replay it", failure);
    }

    /**
     * The ERROR for a message dead-lettered with {@code failure} from {@link #ofThisMessage}: logged by the dead-letter
     * path ({@link DeliveryFailures#deadLetterCause}), where it is dead-lettered, not when it was decided.
     */
    static void deadLettered(String messageId, Throwable failure) {
        log.error("message {}: {}; dead-lettered so that its queue moves on (a lock held on its rows, a statement too large:"
                + " pg_stat_activity, pg_blocking_pids())", messageId, failure.getMessage());
    }

    /** What an operator may be shown of the statement: its verb and table, never its text (it may carry values). */
    static String statementKind(Throwable failure) {
        String verb = null;
        String table = null;
        for (Throwable t = failure; t != null && (verb == null || table == null); t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            Matcher v = VERB.matcher(message);
            if (verb == null && v.find()) {
                verb = v.group(1).toUpperCase(java.util.Locale.ROOT);
            }
            Matcher m = TABLE.matcher(message);
            if (table == null && m.find()) {
                table = m.group(1);
            }
        }
        return (verb == null ? "a statement" : "a statement " + verb) + (table == null ? "" : " on " + table);
    }
}
