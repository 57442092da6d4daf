package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jukibus.store.StoreProbe;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What {@link SlowStatements} counts against a message, and what it shows of the statement. With real PostgreSQL:
 * StoreTimeoutOutagesTest.
 */
class SlowStatementsTest {

    private static final StoreProbe.Answer PROMPT = new StoreProbe.Answer(true, "50min", "10min");
    private static final Throwable LOCK_TIMEOUT = new CannotAcquireLockException("PreparedStatementCallback; SQL [update keyed"
            + " set n = n + 1 where id = ?]; ERROR: canceling statement due to lock timeout",
            new SQLException("ERROR: canceling statement due to lock timeout", "55P03"));

    @Test
    void each_message_is_dead_lettered_at_its_own_third_timeout_while_the_store_answers() {
        SlowStatements slow = new SlowStatements(() -> PROMPT, 3, new SimpleMeterRegistry());
        for (int n = 1; n <= 2; n++) {
            assertThat(slow.ofThisMessage("ID:a", DeliveryFailures.STORE_LOCK_TIMEOUT, LOCK_TIMEOUT)).isNull();
            assertThat(slow.ofThisMessage("ID:b", DeliveryFailures.STORE_LOCK_TIMEOUT, LOCK_TIMEOUT)).isNull();
        }
        TransientFailure dead = slow.ofThisMessage("ID:a", DeliveryFailures.STORE_LOCK_TIMEOUT, LOCK_TIMEOUT);
        assertThat(dead).isNotNull();
        assertThat(dead.reason()).isEqualTo(DeliveryFailures.STORE_LOCK_TIMEOUT);
        assertThat(dead.outage()).as("its queue moves on").isFalse();
        assertThat(dead.getMessage()).contains("a statement UPDATE on keyed").contains("lock_timeout 10min").contains("3 time(s)");
        assertThat(dead.getCause()).isSameAs(LOCK_TIMEOUT);
        assertThat(slow.ofThisMessage("ID:b", DeliveryFailures.STORE_LOCK_TIMEOUT, LOCK_TIMEOUT)).as("b's own third").isNotNull();
    }

    @Test
    void a_timeout_while_the_store_does_not_answer_is_not_counted() {
        AtomicInteger asked = new AtomicInteger();
        Supplier<StoreProbe.Answer> twoPromptThenDownThenPrompt = () -> {
            int n = asked.incrementAndGet();
            return n <= 2 || n > 7 ? PROMPT : StoreProbe.Answer.NONE;
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SlowStatements slow = new SlowStatements(twoPromptThenDownThenPrompt, 3, registry);
        for (int n = 1; n <= 7; n++) {
            assertThat(slow.ofThisMessage("ID:a", DeliveryFailures.STORE_STATEMENT_TIMEOUT, LOCK_TIMEOUT)).as("try " + n).isNull();
        }
        TransientFailure dead = slow.ofThisMessage("ID:a", DeliveryFailures.STORE_STATEMENT_TIMEOUT, LOCK_TIMEOUT);
        assertThat(dead).as("its third timeout while the store answered").isNotNull();
        assertThat(dead.getMessage()).contains("statement_timeout 50min");
        assertThat(registry.get("jukibus.delivery.statement.timeouts").tag("verdict", "store").counter().count()).isEqualTo(5.0);
        assertThat(registry.get("jukibus.delivery.statement.timeouts").tag("verdict", "message").counter().count()).isEqualTo(3.0);
    }

    @Test
    void below_one_attempt_the_store_is_not_asked_and_every_timeout_waits() {
        AtomicInteger asked = new AtomicInteger();
        SlowStatements slow = new SlowStatements(() -> {
            asked.incrementAndGet();
            return PROMPT;
        }, -1, new SimpleMeterRegistry());
        for (int n = 1; n <= 5; n++) {
            assertThat(slow.ofThisMessage("ID:a", DeliveryFailures.STORE_LOCK_TIMEOUT, LOCK_TIMEOUT)).isNull();
        }
        assertThat(asked).hasValue(0);
    }

    @Test
    void the_statement_is_named_by_its_verb_and_table_never_its_values() {
        // pgjdbc's batch message carries the values (SeenMessages inserts in batches)
        Throwable batch = new java.io.IOException("cannot record delivered message m-1 in the store",
                new java.sql.BatchUpdateException("Batch entry 0 insert into seen_message (sender, message_id) values"
                        + " ('131059', 'resident-6200000000') was aborted: ERROR: canceling statement due to lock timeout",
                        "55P03", new int[0]));
        assertThat(SlowStatements.statementKind(batch)).isEqualTo("a statement on seen_message");
        Throwable raw = new SQLException("ERROR: canceling statement due to lock timeout\n  Where: while locking tuple (0,1)"
                + " in relation \"keyed\"", "55P03");
        assertThat(SlowStatements.statementKind(raw)).isEqualTo("a statement on keyed");
        assertThat(SlowStatements.statementKind(new SQLException("canceling statement due to statement timeout", "57014")))
                .isEqualTo("a statement");
    }
}
