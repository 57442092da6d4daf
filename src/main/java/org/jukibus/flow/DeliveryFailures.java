package org.jukibus.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

import org.apache.camel.Exchange;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.link.PeerUnreachableException;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * What a failed attempt at a message means, and whether it is dead-lettered now (routes/common/error-handling.yaml,
 * {@code delivery-retries}). Three kinds:
 * <ul>
 *   <li>{@link Kind#PERMANENT}: the envelope was rejected or a {@link PermanentFailure}: no retry can cure it; it is
 *       dead-lettered at once with its reason (the {@code dead-letters} route configuration).</li>
 *   <li>{@link Kind#TRANSIENT}: something this node depends on is unavailable and will be back: a
 *       {@link TransientFailure} (the certification authority, a message in flight), a peer unreachable, a file or disk
 *       error (an unwritable or full outbox: {@link IOException}), the store ({@link SQLException}, Spring's
 *       {@link DataAccessException}, a transaction that cannot begin, a closed pool). The message waits on the broker
 *       and is tried again with backoff for as long as the cause lasts ({@code jukibus.delivery.transient-max-attempts},
 *       -1 = no limit); {@link FailedAttempts} makes the wait visible. Dead-lettering it after a minute of attempts
 *       left every message of an hour's outage undelivered until an operator replayed each.</li>
 *   <li>{@link Kind#UNCLASSIFIED}: anything else is a fault of this node's code or of the message that nothing
 *       names (a bug): retried {@code jukibus.delivery.max-attempts} times (the bug may be a race) and then
 *       dead-lettered as {@code RETRIES_EXHAUSTED} with the exception as its detail, to be replayed after the fix;
 *       waiting for ever on a bug would hide it.</li>
 * </ul>
 * The kind is that of the first exception in the cause chain that names one.
 */
public final class DeliveryFailures {

    public enum Kind { PERMANENT, TRANSIENT, UNCLASSIFIED }

    private final int maxAttempts;
    private final int transientMaxAttempts;

    /**
     * @param maxAttempts          attempts at an unclassified failure before it is dead-lettered
     * @param transientMaxAttempts attempts at a transient failure before it is dead-lettered; below 1: none, it waits
     */
    public DeliveryFailures(int maxAttempts, int transientMaxAttempts) {
        this.maxAttempts = maxAttempts;
        this.transientMaxAttempts = transientMaxAttempts;
    }

    public static Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Kind kind = kindOf(t);
            if (kind != Kind.UNCLASSIFIED) {
                return kind;
            }
        }
        return Kind.UNCLASSIFIED;
    }

    /**
     * What an operator and a metric call the cause: a {@link TransientFailure}'s or {@link PermanentFailure}'s reason,
     * else the class of the exception that gave the kind, else of the failure itself (its message varies with every
     * attempt, its class does not).
     */
    public static String cause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFailure transientFailure) {
                return transientFailure.reason();
            }
            if (t instanceof PermanentFailure permanent) {
                return permanent.reason();
            }
            if (kindOf(t) != Kind.UNCLASSIFIED) {
                return t.getClass().getSimpleName();
            }
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName();
    }

    private static Kind kindOf(Throwable t) {
        if (t instanceof EnvelopeRejectedException || t instanceof PermanentFailure) {
            return Kind.PERMANENT;
        }
        if (t instanceof TransientFailure || t instanceof PeerUnreachableException || t instanceof IOException
                || t instanceof UncheckedIOException || t instanceof SQLException || t instanceof DataAccessException
                || t instanceof TransactionException) {
            return Kind.TRANSIENT;
        }
        return Kind.UNCLASSIFIED;
    }

    /** The route's {@code onWhen}: true when the failed attempt in {@code exchange} was the last one its kind allows. */
    public boolean exhausted(Exchange exchange) {
        Integer attempt = exchange.getIn().getHeader("JMSXDeliveryCount", Integer.class);
        int attempts = attempt == null ? 1 : attempt;
        return switch (classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))) {
            case PERMANENT -> true;
            case TRANSIENT -> transientMaxAttempts > 0 && attempts >= transientMaxAttempts;
            case UNCLASSIFIED -> attempts >= maxAttempts;
        };
    }

    /** The most attempts the node makes before it dead-lettered a message itself; -1: none (a transient failure waits). */
    public int mostAttempts() {
        return transientMaxAttempts > 0 ? Math.max(maxAttempts, transientMaxAttempts) : -1;
    }
}
