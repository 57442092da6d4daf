package org.jukibus.operators;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The lockout table in the node's store ({@code operator_lockout}): what {@link OperatorLockout} keeps so that a lock
 * survives a restart. Every method throws a {@link org.springframework.dao.DataAccessException} when the store cannot
 * be reached; the lockout decides what that means.
 */
class StoredLockouts {

    /** One operator's row: the consecutive wrong PINs and, if locked, since when. */
    record Row(int failedAttempts, Instant lockedAt) {
        static final Row NONE = new Row(0, null);
    }

    private final JdbcTemplate jdbc;

    StoredLockouts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every operator with a row (a handful: the operators registered with this node). */
    Map<String, Row> all() {
        Map<String, Row> rows = new HashMap<>();
        jdbc.query("SELECT operator_id, failed_attempts, locked_at FROM operator_lockout", rs -> {
            Timestamp locked = rs.getTimestamp(3);
            rows.put(rs.getString(1), new Row(rs.getInt(2), locked == null ? null : locked.toInstant()));
        });
        return rows;
    }

    Row read(String operator) {
        return jdbc.query("SELECT failed_attempts, locked_at FROM operator_lockout WHERE operator_id = ?", rs -> {
            if (!rs.next()) {
                return Row.NONE;
            }
            Timestamp locked = rs.getTimestamp(2);
            return new Row(rs.getInt(1), locked == null ? null : locked.toInstant());
        }, operator);
    }

    /** Adds {@code failures} wrong PINs and locks at {@code max} (or when {@code lockAt} is given); returns the row after. */
    Row addFailures(String operator, int failures, int max, Instant lockAt, Instant now) {
        Integer n = jdbc.queryForObject("""
                INSERT INTO operator_lockout (operator_id, failed_attempts) VALUES (?, ?)
                ON CONFLICT (operator_id) DO UPDATE SET failed_attempts = operator_lockout.failed_attempts + excluded.failed_attempts
                RETURNING failed_attempts""", Integer.class, operator, failures);
        int count = n == null ? failures : n;
        if (count >= max || lockAt != null) {
            jdbc.update("UPDATE operator_lockout SET locked_at = COALESCE(locked_at, ?) WHERE operator_id = ?",
                    Timestamp.from(lockAt != null ? lockAt : now), operator);
        }
        return read(operator);
    }

    /** A successful login: the count starts again, unless locked. */
    void reset(String operator) {
        jdbc.update("UPDATE operator_lockout SET failed_attempts = 0 WHERE operator_id = ? AND locked_at IS NULL", operator);
    }

    boolean unlock(String operator, Instant lockedAt) {
        return jdbc.update("UPDATE operator_lockout SET locked_at = NULL, failed_attempts = 0 WHERE operator_id = ? AND locked_at = ?",
                operator, Timestamp.from(lockedAt)) == 1;
    }
}
