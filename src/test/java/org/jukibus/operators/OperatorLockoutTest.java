package org.jukibus.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.jukibus.clock.MovableClock;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * The lockout while the store cannot be reached: logins go on (operators see the node during a store outage), wrong
 * PINs are still counted and lock, a lock known once is never lifted by a failed read, and what was counted meanwhile
 * is added to the store when it is back.
 */
class OperatorLockoutTest {

    static final int MAX = 3;
    final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
    final FakeStore store = new FakeStore();
    final OperatorLockout lockout = new OperatorLockout(store, MAX, clock);

    @Test
    void with_the_store_up_it_counts_locks_and_resets_in_the_store() {
        lockout.load();
        assertThat(lockout.failed("op1", clock.instant())).isEqualTo(1);
        lockout.succeeded("op1");
        assertThat(store.rows.get("op1").failedAttempts()).isZero();
        for (int i = 1; i <= MAX; i++) {
            assertThat(lockout.failed("op1", clock.instant())).isEqualTo(i);
        }
        assertThat(lockout.lockedAt("op1")).isPresent();
        assertThat(store.rows.get("op1").lockedAt()).isNotNull();
    }

    @Test
    void a_lock_in_the_store_stays_while_the_store_is_down() {
        store.rows.put("locked", new StoredLockouts.Row(MAX, Instant.parse("2026-12-01T00:00:00Z")));
        lockout.load();
        store.down = true;
        assertThat(lockout.lockedAt("locked")).contains(Instant.parse("2026-12-01T00:00:00Z"));
        clock.move(Duration.ofMinutes(5)); // asked again: still down
        assertThat(lockout.lockedAt("locked")).as("a failed read never unlocks").isPresent();
        assertThat(lockout.lockedAt("other")).isEmpty();
        assertThat(lockout.outage()).contains("connection refused");
    }

    @Test
    void wrong_pins_while_the_store_is_down_count_from_the_stored_count_lock_and_are_added_when_it_is_back() {
        store.rows.put("op1", new StoredLockouts.Row(1, null));
        lockout.load();
        store.down = true;
        assertThat(lockout.failed("op1", clock.instant())).as("on top of the stored one").isEqualTo(2);
        assertThat(lockout.lockedAt("op1")).isEmpty();
        Instant lockedAt = clock.instant();
        assertThat(lockout.failed("op1", lockedAt)).isEqualTo(MAX);
        assertThat(lockout.lockedAt("op1")).as("locked without the store").contains(lockedAt);

        store.down = false;
        clock.move(Duration.ofSeconds(OperatorLockout.RETRY_SECONDS));
        assertThat(lockout.lockedAt("op1")).as("the lock went into the store").contains(lockedAt);
        assertThat(store.rows.get("op1")).isEqualTo(new StoredLockouts.Row(MAX, lockedAt));
        assertThat(lockout.outage()).isNull();
        // only the officer's unlock ends it
        assertThat(lockout.unlock("op1", lockedAt)).isTrue();
        assertThat(lockout.lockedAt("op1")).isEmpty();
    }

    @Test
    void a_right_pin_while_the_store_is_down_forgets_only_what_was_counted_here() {
        store.rows.put("op1", new StoredLockouts.Row(1, null));
        lockout.load();
        store.down = true;
        lockout.failed("op1", clock.instant());
        lockout.succeeded("op1");
        assertThat(lockout.failed("op1", clock.instant())).as("the stored wrong PIN still counts").isEqualTo(2);
        store.down = false;
        clock.move(Duration.ofMinutes(1));
        assertThat(lockout.lockedAt("op1")).isEmpty();
        assertThat(store.rows.get("op1").failedAttempts()).as("never lower than the wrong PINs typed since the last reset")
                .isEqualTo(2);
    }

    @Test
    void an_unlock_waits_for_the_store() {
        Instant at = Instant.parse("2026-12-01T00:00:00Z");
        store.rows.put("locked", new StoredLockouts.Row(MAX, at));
        lockout.load();
        store.down = true;
        assertThatThrownBy(() -> lockout.unlock("locked", at)).isInstanceOf(DataAccessException.class);
        assertThat(lockout.lockedAt("locked")).isPresent();
        assertThat(store.rows.get("locked").lockedAt()).isEqualTo(at);
    }

    @Test
    void a_node_that_never_read_the_lockout_refuses_logins_while_the_store_is_down() {
        store.rows.put("locked", new StoredLockouts.Row(MAX, Instant.parse("2026-12-01T00:00:00Z")));
        store.down = true;
        lockout.load();
        assertThatThrownBy(() -> lockout.lockedAt("locked")).isInstanceOf(DataAccessException.class);
        assertThatThrownBy(() -> lockout.lockedAt("other")).isInstanceOf(DataAccessException.class);
    }

    @Test
    void the_store_is_asked_again_only_after_a_while() {
        lockout.load();
        store.down = true;
        lockout.lockedAt("op1");
        int calls = store.calls;
        lockout.lockedAt("op1");
        lockout.failed("op1", clock.instant());
        assertThat(store.calls).as("no connection timeout per request").isEqualTo(calls);
        clock.move(Duration.ofSeconds(OperatorLockout.RETRY_SECONDS));
        lockout.lockedAt("op1");
        assertThat(store.calls).isGreaterThan(calls);
    }

    /**
     * A store that is down makes the pool wait its connection timeout: while one caller waits for it, the others
     * (logins, scrapes, Hawtio's every request) answer from what is known at once, and the next try comes
     * {@value OperatorLockout#RETRY_SECONDS} s after that wait ended, not after it began.
     */
    @Test
    void while_one_caller_waits_for_a_store_that_is_down_the_others_answer_at_once() throws Exception {
        store.rows.put("locked", new StoredLockouts.Row(MAX, Instant.parse("2026-12-01T00:00:00Z")));
        lockout.load();
        store.down = true;
        lockout.lockedAt("locked"); // the outage is known
        clock.move(Duration.ofSeconds(OperatorLockout.RETRY_SECONDS));
        store.slow = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService prober = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var probing = prober.submit(() -> lockout.lockedAt("other"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.waiting);
            var others = java.util.concurrent.CompletableFuture.supplyAsync(() -> lockout.lockedAt("locked"));
            assertThat(others).as("not held up by the caller waiting for the store")
                    .succeedsWithin(Duration.ofSeconds(2)).isEqualTo(java.util.Optional.of(Instant.parse("2026-12-01T00:00:00Z")));
            assertThat(lockout.failed("locked", clock.instant())).isEqualTo(MAX + 1);
            clock.move(Duration.ofSeconds(20)); // the pool's wait
            store.slow.countDown();
            assertThat(probing.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
        } finally {
            prober.shutdownNow();
        }
        int calls = store.calls;
        clock.move(Duration.ofSeconds(OperatorLockout.RETRY_SECONDS - 1));
        lockout.lockedAt("locked");
        assertThat(store.calls).as("asked again only 30 s after the last wait ended").isEqualTo(calls);
    }

    /** The table in memory; {@code down}: every call fails as a store that refuses connections does. */
    static final class FakeStore extends StoredLockouts {
        final Map<String, Row> rows = new HashMap<>();
        volatile boolean down;
        volatile int calls;
        /** While set, a call to a store that is down waits for it (the pool's connection timeout). */
        volatile java.util.concurrent.CountDownLatch slow;
        volatile boolean waiting;

        FakeStore() {
            super(null);
        }

        private void reach() {
            calls++;
            if (down && slow != null) {
                waiting = true;
                try {
                    slow.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                slow = null;
                waiting = false;
            }
            if (down) {
                throw new CannotGetJdbcConnectionException("connection refused");
            }
        }

        @Override
        Map<String, Row> all() {
            reach();
            return new HashMap<>(rows);
        }

        @Override
        Row read(String operator) {
            reach();
            return rows.getOrDefault(operator, Row.NONE);
        }

        @Override
        Row addFailures(String operator, int failures, int max, Instant lockAt, Instant now) {
            reach();
            Row before = rows.getOrDefault(operator, Row.NONE);
            int count = before.failedAttempts() + failures;
            Instant locked = before.lockedAt() != null ? before.lockedAt()
                    : count >= max || lockAt != null ? (lockAt != null ? lockAt : now) : null;
            rows.put(operator, new Row(count, locked));
            return rows.get(operator);
        }

        @Override
        void reset(String operator) {
            reach();
            Row before = rows.getOrDefault(operator, Row.NONE);
            if (before.lockedAt() == null) {
                rows.put(operator, new Row(0, null));
            }
        }

        @Override
        boolean unlock(String operator, Instant lockedAt) {
            reach();
            Row before = rows.get(operator);
            if (before == null || !lockedAt.equals(before.lockedAt())) {
                return false;
            }
            rows.put(operator, new Row(0, null));
            return true;
        }
    }

}
