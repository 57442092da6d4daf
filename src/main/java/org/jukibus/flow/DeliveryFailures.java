package org.jukibus.flow;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.jukibus.audit.OperationLogUnwritable;
import org.jukibus.broker.DiskFullRefusal;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.link.PeerUnreachableException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * What a failed attempt at a message means, and whether it is dead-lettered now (routes/common/error-handling.yaml,
 * {@code delivery-retries}). Three kinds:
 * <ul>
 *   <li>{@link Kind#PERMANENT}: the envelope was rejected or a {@link PermanentFailure}: no retry can cure it; it is
 *       dead-lettered at once with its reason and its sender told. A verified, schema-valid payload that Jackson
 *       cannot read is not here: it may as well be this node's bug (a model changed by an upgrade) as the sender's,
 *       and a final non-delivery notice for a message an operator later replays would give it two outcomes.</li>
 *   <li>{@link Kind#TRANSIENT}: something this node depends on is unavailable and will be back, and says so: a
 *       {@link TransientFailure} (the legacy outbox unwritable, the certification authority, a message in flight), the
 *       operation log unwritable, a peer unreachable, a connection refused or timed out, the store down or busy ({@link #isTransient}). The message
 *       waits on the broker and is tried again with backoff ({@code jukibus.delivery.transient-max-attempts}, -1 = no
 *       limit); {@link FailedAttempts} makes the wait visible. An {@link #outage} also suspends the queue's delivery
 *       ({@link DeliverySuspension}), so that its backlog does not wait out redelivery delays in memory. Dead-lettering it after a minute of attempts left every
 *       message of an hour's outage undelivered until an operator replayed each.</li>
 *   <li>{@link Kind#UNCLASSIFIED}: anything else (a bug, a constraint violation, an I/O error nothing names): retried
 *       {@code jukibus.delivery.max-attempts} times (it may be a race) and then dead-lettered as
 *       {@code RETRIES_EXHAUSTED} with the exception as its detail, to be replayed after the fix; waiting for ever on
 *       a bug would hide it. Its attempts are counted apart from the broker's delivery count, which every transient
 *       rollback raises too: after a 4-day outage of the store that count is in the thousands, and the first deadlock
 *       or race after it would otherwise dead-letter the message at once.</li>
 * </ul>
 * The kind is that of the first exception in the cause chain that names one.
 */
public final class DeliveryFailures {

    public enum Kind { PERMANENT, TRANSIENT, UNCLASSIFIED }

    /** The reason of a dead letter that failed for a reason nothing names, as often as allowed. */
    public static final String RETRIES_EXHAUSTED = "RETRIES_EXHAUSTED";

    /**
     * The reason of a dead letter that failed transiently until its envelope was older than the outage window: no
     * attempt can deliver it any more (its sender would dead-letter it as EXPIRED by then), so its sender is told.
     */
    public static final String TRANSIENT_EXPIRED = "TRANSIENT_EXPIRED";

    private final int maxAttempts;
    private final int transientMaxAttempts;
    private final Duration outageWindow;
    private final Clock clock;
    private final SlowStatements slowStatements;

    /**
     * @param maxAttempts          attempts at an unclassified failure before it is dead-lettered
     * @param transientMaxAttempts attempts at a transient failure before it is dead-lettered; below 1: no number, it
     *                             waits until its envelope is older than {@code outageWindow}
     * @param outageWindow         {@code jukibus.envelope.outage-window}: the longest a transient failure waits, counted
     *                             from its envelope's creation
     * @param slowStatements       tells a store timeout of one message's statement from the store slow for everyone
     */
    public DeliveryFailures(int maxAttempts, int transientMaxAttempts, Duration outageWindow, Clock clock,
                            SlowStatements slowStatements) {
        this.maxAttempts = maxAttempts;
        this.transientMaxAttempts = transientMaxAttempts;
        this.outageWindow = outageWindow;
        this.clock = clock;
        this.slowStatements = slowStatements;
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
     * True if {@code failure} is an outage of something every delivery of the queue needs, so that the queue's other
     * messages would fail the same way ({@link DeliverySuspension} then stops its delivery): a transient failure other
     * than one of this message alone. Not an outage: a {@link TransientFailure#ofThisMessage} (a copy in flight, a batch
     * ahead of its send) and the store's concurrency victims (serialization failure, deadlock): the store is up, this
     * transaction lost a race, and a peer's own messages can make it lose one. A statement the store cancelled
     * ({@link #storeTimeout}: its statement or lock timeout, minutes long) is an outage: the store is too slow or a
     * lock is held for longer than any delivery takes, and every other message would wait on the same; if the store
     * still answers promptly, the timeout is counted against the message instead, which {@link #exhausted} dead-letters
     * after a few ({@link SlowStatements}).
     */
    public static boolean outage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Kind kind = kindOf(t);
            if (kind == Kind.PERMANENT) {
                return false;
            }
            if (kind == Kind.TRANSIENT) {
                return !raceLost(t);
            }
        }
        return false;
    }

    private static boolean raceLost(Throwable t) {
        if (t instanceof TransientFailure transientFailure) {
            return !transientFailure.outage();
        }
        if (storeTimeout(t) != null) {
            return false;
        }
        if (t instanceof ConcurrencyFailureException || t instanceof SQLTransactionRollbackException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            return state.equals("40001") || state.equals("40P01");
        }
        return false;
    }

    /** The cause of a statement the store cancelled on its statement timeout (57014). */
    public static final String STORE_STATEMENT_TIMEOUT = "STORE_STATEMENT_TIMEOUT";
    /** The cause of a statement that waited out the store's lock timeout (55P03). */
    public static final String STORE_LOCK_TIMEOUT = "STORE_LOCK_TIMEOUT";

    /**
     * {@link #STORE_STATEMENT_TIMEOUT} or {@link #STORE_LOCK_TIMEOUT} if {@code t} (or a cause of it: Spring wraps the
     * driver's exception) is a statement the store cancelled on its timeout, else null. The node's connections wait
     * minutes for either (store.StoreSettings: statement 50 min, lock 10 min), so neither is a race this message lost:
     * the store is slow or something holds a lock for good, and a message that failed on it is no worse than the next.
     * Before, a cancelled statement was a failure nothing names: a store slow for an hour dead-lettered its messages
     * {@code RETRIES_EXHAUSTED}, and a legacy file went to {@code error/}.
     */
    static String storeTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return switch (sql.getSQLState()) {
                    case "57014" -> STORE_STATEMENT_TIMEOUT;
                    case "55P03" -> STORE_LOCK_TIMEOUT;
                    default -> null;
                };
            }
        }
        return null;
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
            if (t instanceof OperationLogUnwritable) {
                return OperationLogUnwritable.REASON;
            }
            if (storeTimeout(t) != null) {
                return storeTimeout(t);
            }
            if (kindOf(t) != Kind.UNCLASSIFIED) {
                return t.getClass().getSimpleName();
            }
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName();
    }

    /**
     * The reason a dead letter carries for {@code failure}: a refusal's or a named failure's own, else
     * {@code RETRIES_EXHAUSTED}.
     */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EnvelopeRejectedException rejected) {
                return rejected.reason().name();
            }
            if (t instanceof PermanentFailure permanent) {
                return permanent.reason();
            }
            if (t instanceof TransientFailure transientFailure) {
                return transientFailure.reason();
            }
            if (t instanceof OperationLogUnwritable) {
                return OperationLogUnwritable.REASON;
            }
            if (kindOf(t) == Kind.TRANSIENT) {
                break;
            }
        }
        return RETRIES_EXHAUSTED;
    }

    private static Kind kindOf(Throwable t) {
        if (t instanceof EnvelopeRejectedException || t instanceof PermanentFailure) {
            return Kind.PERMANENT;
        }
        if (isTransient(t)) {
            return Kind.TRANSIENT;
        }
        return Kind.UNCLASSIFIED;
    }

    /**
     * Only what names an outage: a {@link TransientFailure} (the legacy outbox unwritable, the certification authority,
     * a copy in flight), the operation log unwritable ({@link OperationLogUnwritable}: a full disk must not dead-letter
     * every message it fails), a peer unreachable, a send the broker refused at its disk bound ({@link DiskFullRefusal}),
     * a connection refused or timed out, and a store that is down, restarting, out of connections or resources, that
     * cancelled a statement on its statement or lock timeout, or that chose this transaction as a deadlock or
     * serialization victim.
     * A constraint violation or a duplicate key is no outage and is not here.
     */
    private static boolean isTransient(Throwable t) {
        return t instanceof TransientFailure || t instanceof OperationLogUnwritable || t instanceof PeerUnreachableException
                || DiskFullRefusal.refused(t)
                || t instanceof ConnectException || t instanceof SocketTimeoutException
                || t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
                || t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
                || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                || (t instanceof SQLException sql && transientState(sql.getSQLState()));
    }

    /**
     * SQL state classes 08 (connection), 53 (insufficient resources), 57P (operator intervention: shutdown), 57014 (a
     * statement cancelled: the store's statement timeout, {@link #storeTimeout}), and the victims of concurrency: 40001
     * (serialization failure), 40P01 (deadlock detected), 55P03 (lock not available: the lock timeout).
     */
    private static boolean transientState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("57014") || state.equals("40001") || state.equals("40P01") || state.equals("55P03"));
    }

    /**
     * The route's {@code onWhen}: true when the failed attempt in {@code exchange} was the last one its kind allows.
     * A transient failure of a verified envelope created longer than the outage window ago is the last: it is
     * dead-lettered as a {@link PermanentFailure} {@link #TRANSIENT_EXPIRED} (with the failure as its cause), so that
     * the dead letter carries that reason and its sender is told, as the sender's own EXPIRED would be. Without a
     * verified envelope (it failed before it was opened) the broker's backstop bounds it. A store timeout of this
     * message's own statement ({@link SlowStatements}) is the last at its bound: it is dead-lettered as a
     * {@link TransientFailure#ofThisMessage} with the timeout's reason, so that its queue moves on.
     * <p>
     * Decided once per failed attempt: Camel asks this once for every exception in the failure's cause chain (its
     * exception policy goes through the chain, and a policy for {@code java.lang.Exception} matches each), so a Spring
     * exception with its driver's cause was counted twice and dead-lettered at the wrong attempt, or never. The verdict
     * is kept in the exchange property {@link #VERDICT} for the failure it was given for (an ordinary property: Camel
     * copies it back from the copy of the exchange a {@code method} predicate runs on), and a later question about the
     * same failure gets it again, uncounted. What it is dead-lettered with is set by {@link #deadLetterCause}, the
     * first step of the dead-letter path: a property Camel does not copy back ({@link Exchange#EXCEPTION_CAUGHT}) set
     * here would never reach the steps.
     */
    public boolean exhausted(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Verdict given = exchange.getProperty(VERDICT, Verdict.class);
        if (given != null && given.failure() == failure) {
            return given.last();
        }
        Verdict verdict = decide(exchange, failure);
        exchange.setProperty(VERDICT, verdict);
        return verdict.last();
    }

    /**
     * The first step of the dead-letter path ({@code delivery-retries}): the failure the message is dead-lettered with
     * becomes {@link Exchange#EXCEPTION_CAUGHT}, so that the dead letter's reason and detail
     * ({@link DeadLetters#label}), its sender's notice and the queue's suspension ({@link DeliverySuspension}, which
     * reads it at the exchange's completion) see what {@link #exhausted} decided.
     */
    public void deadLetterCause(Exchange exchange) {
        Verdict verdict = exchange.getProperty(VERDICT, Verdict.class);
        if (verdict == null || verdict.failure() != exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)
                || verdict.deadLettered() == null) {
            return;
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, verdict.deadLettered());
        if (verdict.slowStatement()) {
            SlowStatements.deadLettered(exchange.getIn().getHeader("JMSMessageID", String.class), verdict.deadLettered());
        }
    }

    /** The exchange property that holds {@link #exhausted}'s verdict on the exchange's failure. */
    public static final String VERDICT = "JukibusFailureVerdict";

    /**
     * {@link #exhausted}'s verdict on {@code failure}: {@code last} if it is dead-lettered; {@code deadLettered} the
     * failure it is dead-lettered with instead of {@code failure} (null: {@code failure} itself); {@code slowStatement}
     * if that is a statement slow for this message alone.
     */
    record Verdict(Throwable failure, boolean last, Throwable deadLettered, boolean slowStatement) {
    }

    private Verdict decide(Exchange exchange, Throwable failure) {
        Integer attempt = exchange.getIn().getHeader("JMSXDeliveryCount", Integer.class);
        int attempts = attempt == null ? 1 : attempt;
        return switch (classify(failure)) {
            case PERMANENT -> new Verdict(failure, true, null, false);
            // a message given back untried when its route stopped (DeliverySuspension) is never the last attempt
            case TRANSIENT -> givenBack(failure) ? new Verdict(failure, false, null, false) : transientVerdict(exchange, failure, attempts);
            case UNCLASSIFIED -> new Verdict(failure, unclassifiedAttempt(exchange, attempts) >= maxAttempts, null, false);
        };
    }

    private Verdict transientVerdict(Exchange exchange, Throwable failure, int attempts) {
        TransientFailure slow = slowForThisMessage(exchange, failure);
        if (slow != null) {
            return new Verdict(failure, true, slow, true);
        }
        PermanentFailure expired = pastWindow(exchange, failure);
        if (expired != null) {
            return new Verdict(failure, true, expired, false);
        }
        return new Verdict(failure, transientMaxAttempts > 0 && attempts >= transientMaxAttempts, null, false);
    }

    /** Unclassified failures per broker message id, the most recent {@value #COUNTED} messages; lost at a restart (more attempts, never fewer). */
    private final Map<String, Integer> unclassified = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > COUNTED;
        }
    };
    private static final int COUNTED = 10_000;

    /** This failure's number among the message's unclassified ones; the delivery count if the message has no id. */
    private int unclassifiedAttempt(Exchange exchange, int deliveryCount) {
        String id = exchange.getIn().getHeader("JMSMessageID", String.class);
        if (id == null) {
            return deliveryCount;
        }
        synchronized (unclassified) {
            int attempt = unclassified.merge(id, 1, Integer::sum);
            if (attempt >= maxAttempts) {
                unclassified.remove(id);
            }
            return attempt;
        }
    }

    /**
     * The failure to dead-letter the message with if the failure is a store timeout ({@link #storeTimeout}) that
     * {@link SlowStatements} counts against this message for the last time, else null.
     */
    private TransientFailure slowForThisMessage(Exchange exchange, Throwable failure) {
        String timedOut = cause(failure);
        String id = exchange.getIn().getHeader("JMSMessageID", String.class);
        if (id == null || !(STORE_STATEMENT_TIMEOUT.equals(timedOut) || STORE_LOCK_TIMEOUT.equals(timedOut))) {
            return null;
        }
        return slowStatements.ofThisMessage(id, timedOut, failure);
    }

    private static boolean givenBack(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFailure transientFailure && DeliverySuspension.STOPPING.equals(transientFailure.reason())) {
                return true;
            }
        }
        return false;
    }

    private static boolean inFlight(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFailure transientFailure && InboundDelivery.IN_FLIGHT.equals(transientFailure.reason())) {
                return true;
            }
        }
        return false;
    }

    /** The failure to dead-letter it with if its envelope was created longer than the outage window ago, else null. */
    private PermanentFailure pastWindow(Exchange exchange, Throwable failure) {
        Delivered delivered = exchange.getProperty(InboundDelivery.DELIVERED, Delivered.class);
        if (delivered == null || delivered.header().createdAt() == null || inFlight(failure)) {
            return null; // another copy in flight decides what its sender hears, never this one (InboundDelivery)
        }
        Instant created = delivered.header().createdAt();
        if (!created.isBefore(clock.instant().minus(outageWindow))) {
            return null;
        }
        return new PermanentFailure(TRANSIENT_EXPIRED, "created " + created
                + ", failed transiently past the outage window of " + outageWindow + ": " + failure.getMessage(), failure);
    }

    /** The most attempts the node makes before it dead-lettered a message itself; -1: no number (a transient failure waits). */
    public int mostAttempts() {
        return transientMaxAttempts > 0 ? Math.max(maxAttempts, transientMaxAttempts) : -1;
    }

    /** The attempts at a failure nothing classifies before the node dead-letters it: counted even while transient ones wait by time. */
    public int unclassifiedAttempts() {
        return maxAttempts;
    }

    /** The longest a transient failure waits, from its envelope's creation: the outage window. */
    public Duration longestWait() {
        return outageWindow;
    }
}
