package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.flow.DeliveryFailures.Kind;
import org.jukibus.link.PeerUnreachableException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which failed deliveries wait for as long as their cause lasts and which are dead-lettered, and when. */
class DeliveryFailuresTest {

    @Test
    void the_store_the_disk_a_peer_or_a_named_transient_failure_wait_anything_else_is_a_bug() {
        assertThat(DeliveryFailures.classify(new FileSystemException("outbox/transfer-in", null, "No space left on device")))
                .isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new RuntimeCamelException(new UncheckedIOException(new IOException("closed")))))
                .isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SQLException("HikariDataSource has been closed"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new CannotGetJdbcConnectionException("no connection"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new CannotCreateTransactionException("store down"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new PeerUnreachableException("peer central is down", null))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new TransientFailure("CA_UNREACHABLE", "no answer", null))).isEqualTo(Kind.TRANSIENT);

        assertThat(DeliveryFailures.classify(new PermanentFailure("SENDER_MISMATCH", "x"))).isEqualTo(Kind.PERMANENT);
        // the first exception that names a kind decides: a permanent refusal wrapping an I/O error stays permanent
        assertThat(DeliveryFailures.classify(new RuntimeCamelException(new PermanentFailure("BAD", "x"))))
                .isEqualTo(Kind.PERMANENT);

        assertThat(DeliveryFailures.classify(new NullPointerException())).isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.classify(new IllegalStateException("bug", new IllegalArgumentException())))
                .isEqualTo(Kind.UNCLASSIFIED);
    }

    @Test
    void the_cause_is_the_reason_or_the_class_that_gave_the_kind_never_the_varying_message() {
        assertThat(DeliveryFailures.cause(new RuntimeCamelException(new TransientFailure("CA_UNREACHABLE", "at 12:00", null))))
                .isEqualTo("CA_UNREACHABLE");
        assertThat(DeliveryFailures.cause(new RuntimeCamelException("wrapped", new SQLException("pool closed"))))
                .isEqualTo("SQLException");
        assertThat(DeliveryFailures.cause(new IllegalStateException("bug"))).isEqualTo("IllegalStateException");
    }

    @Test
    void a_transient_failure_waits_past_max_attempts_a_bug_is_dead_lettered_there_a_refusal_at_once() {
        DeliveryFailures failures = new DeliveryFailures(8, -1);

        assertThat(failures.exhausted(attempt(1, new PermanentFailure("BAD", "x")))).isTrue();
        assertThat(failures.exhausted(attempt(7, new IllegalStateException("bug")))).isFalse();
        assertThat(failures.exhausted(attempt(8, new IllegalStateException("bug")))).isTrue();
        assertThat(failures.exhausted(attempt(8, new SQLException("store down")))).isFalse();
        assertThat(failures.exhausted(attempt(100_000, new IOException("outbox unwritable")))).isFalse();
        assertThat(failures.mostAttempts()).as("the broker must never move a message itself").isEqualTo(-1);
    }

    @Test
    void an_operator_may_bound_the_wait_on_a_transient_failure() {
        DeliveryFailures failures = new DeliveryFailures(8, 20);

        assertThat(failures.exhausted(attempt(19, new IOException("outbox unwritable")))).isFalse();
        assertThat(failures.exhausted(attempt(20, new IOException("outbox unwritable")))).isTrue();
        assertThat(failures.exhausted(attempt(8, new IllegalStateException("bug")))).isTrue();
        assertThat(failures.mostAttempts()).isEqualTo(20);
    }

    static final CamelContext CAMEL = new DefaultCamelContext();

    static Exchange attempt(int deliveryCount, Exception failure) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getIn().setHeader("JMSXDeliveryCount", deliveryCount);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }
}
