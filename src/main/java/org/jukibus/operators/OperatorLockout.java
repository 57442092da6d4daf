package org.jukibus.operators;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Consecutive failed PIN attempts and locks (standard 第4の4(8)), in the node's store ({@code operator_lockout}) so a
 * lock survives a restart. The counter goes back to zero on a successful login; a lock ends only by an unlock the
 * responsible officer signed ({@link OfficerUnlocks}).
 */
public class OperatorLockout {

    private final JdbcTemplate jdbc;
    private final int maxFailedAttempts;

    public OperatorLockout(JdbcTemplate jdbc, int maxFailedAttempts) {
        if (maxFailedAttempts < 1) {
            throw new IllegalArgumentException("jukibus.operators.max-failed-attempts must be at least 1");
        }
        this.jdbc = jdbc;
        this.maxFailedAttempts = maxFailedAttempts;
    }

    public int maxFailedAttempts() {
        return maxFailedAttempts;
    }

    /** When the operator was locked, if locked. */
    public Optional<Instant> lockedAt(String operator) {
        List<Timestamp> at = jdbc.queryForList("SELECT locked_at FROM operator_lockout WHERE operator_id = ? AND locked_at IS NOT NULL",
                Timestamp.class, operator);
        return at.stream().findFirst().map(Timestamp::toInstant);
    }

    /**
     * Counts a failed PIN attempt; locks the operator at the {@code max}th consecutive one.
     *
     * @return the consecutive failures so far (the operator is locked when it reaches {@link #maxFailedAttempts()})
     */
    public int failed(String operator, Instant at) {
        Integer n = jdbc.queryForObject("""
                INSERT INTO operator_lockout (operator_id, failed_attempts) VALUES (?, 1)
                ON CONFLICT (operator_id) DO UPDATE SET failed_attempts = operator_lockout.failed_attempts + 1
                RETURNING failed_attempts""", Integer.class, operator);
        if (n != null && n >= maxFailedAttempts) {
            jdbc.update("UPDATE operator_lockout SET locked_at = COALESCE(locked_at, ?) WHERE operator_id = ?",
                    Timestamp.from(at), operator);
        }
        return n == null ? 0 : n;
    }

    /** A successful login: the count starts again (never called for a locked operator). */
    public void succeeded(String operator) {
        jdbc.update("UPDATE operator_lockout SET failed_attempts = 0 WHERE operator_id = ? AND locked_at IS NULL", operator);
    }

    /** Ends the lock that began at {@code lockedAt}; false if the operator is not locked (any more), or locked later. */
    public boolean unlock(String operator, Instant lockedAt) {
        return jdbc.update("UPDATE operator_lockout SET locked_at = NULL, failed_attempts = 0 WHERE operator_id = ? AND locked_at = ?",
                operator, Timestamp.from(lockedAt)) == 1;
    }
}
