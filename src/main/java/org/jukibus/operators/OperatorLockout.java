package org.jukibus.operators;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Consecutive failed PIN attempts and locks (standard 第4の4(8)), in the node's store ({@code operator_lockout}) so a
 * lock survives a restart. The counter goes back to zero on a successful login; a lock ends only by an unlock the
 * responsible officer signed ({@link OfficerUnlocks}).
 * <p>
 * <b>While the store cannot be reached</b> the operators must still see the node (metrics, health, Hawtio: a store
 * outage is exactly when they need them), so the lockout goes on from what this node knows, never from less:
 * <ul>
 *   <li>every row of the table is read once (at the start, when the store is up: the node's start needs it) and every
 *       later read or write is remembered, for the node's life: a lock known once stays
 *       until the store itself says it ended (an officer's unlock);</li>
 *   <li>a wrong PIN is counted here on top of the last stored count and locks at the same number; the count and the
 *       lock are added to the store once it answers (before anything else is read from it), so the stored count is
 *       never lower than the wrong PINs typed. A right PIN meanwhile forgets only the wrong PINs counted here, not the
 *       stored ones (the store cannot be reset now: the count stays higher, never lower);</li>
 *   <li>an unlock needs the store (the officer's file stays and is read again at the next login);</li>
 *   <li>a node that has not read the table since its start refuses every login while the store is down: it cannot
 *       know who is locked.</li>
 * </ul>
 * A failed store read therefore never unlocks anyone. After a failure the store is asked again only after
 * {@value #RETRY_SECONDS} s, so that a login does not wait out the pool's connection timeout each time. One WARN when
 * the lockout goes on without the store, one INFO when it is back (docs/security.md, "Lockout").
 */
public class OperatorLockout {

    private static final Logger log = LoggerFactory.getLogger(OperatorLockout.class);
    static final int RETRY_SECONDS = 30;
    private static final Duration RETRY = Duration.ofSeconds(RETRY_SECONDS);

    private final StoredLockouts store;
    private final int maxFailedAttempts;
    private final Clock clock;

    // guarded by this
    /** What this node knows of each operator, kept for its life. */
    private final Map<String, Known> known = new HashMap<>();
    /** Whether every row was read once since the start. */
    private boolean loaded;
    /** While the store is out: when to ask it again; null while it answers. */
    private Instant askAgainAt;
    private String outage;
    private int countedMeanwhile;
    /** A caller is asking the store now. */
    private boolean asking;
    /** Held while what was counted here is added to the store, so that no two callers add it twice. */
    private final Object merging = new Object();

    /** One operator as this node knows it: the last stored row, and what was counted here while the store was out. */
    private static final class Known {
        int stored;
        Instant lockedAt;
        int unmerged;
        boolean lockUnmerged;
    }

    public OperatorLockout(JdbcTemplate jdbc, int maxFailedAttempts, Clock clock) {
        this(new StoredLockouts(jdbc), maxFailedAttempts, clock);
    }

    OperatorLockout(StoredLockouts store, int maxFailedAttempts, Clock clock) {
        if (maxFailedAttempts < 1) {
            throw new IllegalArgumentException("jukibus.operators.max-failed-attempts must be at least 1");
        }
        this.store = store;
        this.maxFailedAttempts = maxFailedAttempts;
        this.clock = clock;
    }

    /** Reads every row now if the store answers (at the start); else at the first call that reaches it. */
    public void load() {
        fromStore(() -> true);
    }

    public int maxFailedAttempts() {
        return maxFailedAttempts;
    }

    /** When the operator was locked, if locked: the store's answer, else the last this node knows (never less). */
    public Optional<Instant> lockedAt(String operator) {
        StoredLockouts.Row row = fromStore(() -> store.read(operator));
        synchronized (this) {
            if (row != null) {
                remember(operator, row);
                return Optional.ofNullable(row.lockedAt()); // the store's word: an officer's unlock on another node counts
            }
            return Optional.ofNullable(knownOrRefuse(operator).lockedAt);
        }
    }

    /**
     * Counts a failed PIN attempt; locks the operator at the {@code max}th consecutive one.
     *
     * @return the consecutive failures so far (the operator is locked when it reaches {@link #maxFailedAttempts()})
     */
    public int failed(String operator, Instant at) {
        StoredLockouts.Row row = fromStore(() -> store.addFailures(operator, 1, maxFailedAttempts, null, at));
        synchronized (this) {
            if (row != null) {
                remember(operator, row);
                return row.failedAttempts();
            }
            Known k = knownOrRefuse(operator);
            k.unmerged++;
            countedMeanwhile++;
            int failures = k.stored + k.unmerged;
            if (failures >= maxFailedAttempts && k.lockedAt == null) {
                k.lockedAt = at;
                k.lockUnmerged = true;
            }
            return failures;
        }
    }

    /** A successful login: the count starts again (never called for a locked operator). */
    public void succeeded(String operator) {
        Boolean reset = fromStore(() -> {
            store.reset(operator);
            return true;
        });
        synchronized (this) {
            Known k = known.computeIfAbsent(operator, o -> new Known());
            k.unmerged = 0;
            if (reset != null && k.lockedAt == null) {
                k.stored = 0;
            }
        }
    }

    /**
     * Ends the lock that began at {@code lockedAt}; false if the operator is not locked (any more), or locked later.
     *
     * @throws DataAccessException while the store cannot be reached: an unlock is for the store to record
     */
    public boolean unlock(String operator, Instant lockedAt) {
        Boolean unlocked = fromStore(() -> store.unlock(operator, lockedAt));
        synchronized (this) {
            if (unlocked == null) {
                throw new DataAccessResourceFailureException("the store is unreachable (" + outage + "): the unlock of operator "
                        + operator + " waits until it is back");
            }
            if (unlocked) {
                Known k = known.computeIfAbsent(operator, o -> new Known());
                k.lockedAt = null;
                k.lockUnmerged = false;
                k.stored = 0;
            }
            return unlocked;
        }
    }

    /** Why the lockout goes on without the store, or null while the store answers. */
    public synchronized String outage() {
        return outage;
    }

    /**
     * The store's answer, after what was counted here meanwhile is added to it (and, after the start, every row read);
     * null if the store cannot be reached now. The store is asked without this object's lock: a store that is down
     * makes the pool wait its connection timeout (10 s), and every login, scrape and Hawtio request behind that lock
     * would wait as long. While the store is known out, one caller at a time asks it again (at most every
     * {@value #RETRY_SECONDS} s from the end of the last failure) and the others answer from what is known meanwhile.
     */
    private <T> T fromStore(Supplier<T> call) {
        synchronized (this) {
            if (outage != null) {
                Instant now = clock.instant();
                boolean waitMore = askAgainAt != null && now.isBefore(askAgainAt)
                        && now.isAfter(askAgainAt.minus(RETRY).minusSeconds(1)); // a clock moved back does not make it longer
                if (asking || waitMore) {
                    return null;
                }
            }
            asking = true;
        }
        try {
            mergeAndLoad();
            T answer = call.get();
            synchronized (this) {
                if (outage != null) {
                    log.info("operator lockout: the store answers again; {} wrong PIN(s) counted without it were added to it",
                            countedMeanwhile);
                    outage = null;
                    countedMeanwhile = 0;
                }
                askAgainAt = null;
            }
            return answer;
        } catch (DataAccessException e) {
            synchronized (this) {
                if (outage == null) {
                    log.warn("operator lockout: the store cannot be reached ({}); logins go on with the locks and wrong PINs"
                            + " this node knows, wrong PINs are counted here and added to the store when it is back", e.getMessage());
                }
                outage = e.getMostSpecificCause().getClass().getSimpleName() + ": " + e.getMostSpecificCause().getMessage();
                askAgainAt = clock.instant().plus(RETRY); // from the end of the failure, not its start
            }
            return null;
        } finally {
            synchronized (this) {
                asking = false;
            }
        }
    }

    /**
     * Adds the wrong PINs and locks counted here while the store was out, and reads every row once after the start. The
     * store is written outside the lock: what was counted meanwhile stays to be added next time.
     */
    private void mergeAndLoad() {
        synchronized (merging) {
            mergeAndLoadNow();
        }
    }

    private void mergeAndLoadNow() {
        Map<String, int[]> counted = new HashMap<>();
        Map<String, Instant> locks = new HashMap<>();
        boolean load;
        synchronized (this) {
            for (Map.Entry<String, Known> e : known.entrySet()) {
                Known k = e.getValue();
                if (k.unmerged > 0 || k.lockUnmerged) {
                    counted.put(e.getKey(), new int[] {k.unmerged});
                    locks.put(e.getKey(), k.lockUnmerged ? k.lockedAt : null);
                }
            }
            load = !loaded;
        }
        Instant now = clock.instant();
        for (Map.Entry<String, int[]> e : counted.entrySet()) {
            String operator = e.getKey();
            StoredLockouts.Row row = store.addFailures(operator, e.getValue()[0], maxFailedAttempts, locks.get(operator), now);
            synchronized (this) {
                Known k = known.get(operator);
                k.unmerged -= e.getValue()[0]; // those counted while this was written stay to be added
                if (locks.get(operator) != null) {
                    k.lockUnmerged = false;
                }
                remember(operator, row);
            }
        }
        if (load) {
            Map<String, StoredLockouts.Row> rows = store.all();
            synchronized (this) {
                if (!loaded) {
                    rows.forEach(this::remember);
                    loaded = true;
                }
            }
        }
    }

    /**
     * Remembers a row the store gave. A lock it shows is kept for the node's life; one it no longer shows is forgotten
     * only by this node's own {@link #unlock}: a row read before a lock another caller made meanwhile must not clear it.
     */
    private void remember(String operator, StoredLockouts.Row row) {
        Known k = known.computeIfAbsent(operator, o -> new Known());
        k.stored = row.failedAttempts();
        if (row.lockedAt() != null) {
            k.lockedAt = row.lockedAt();
        }
    }

    private Known knownOrRefuse(String operator) {
        if (!loaded) {
            throw new DataAccessResourceFailureException("the store is unreachable (" + outage + ") and this node has not read"
                    + " the operators' lockout since its start: no login until it is back");
        }
        return known.computeIfAbsent(operator, o -> new Known());
    }
}
