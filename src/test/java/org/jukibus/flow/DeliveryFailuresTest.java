package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.MalformedInputException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.audit.OperationLogUnwritable;
import org.jukibus.flow.DeliveryFailures.Kind;
import org.jukibus.link.PeerUnreachableException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** Which failed deliveries wait for as long as their cause lasts and which are dead-lettered, and when. */
class DeliveryFailuresTest {

    /**
     * An outage suspends the queue's delivery (DeliverySuspension): what every delivery needs is out. A transient failure
     * of one message (a copy in flight, a receipt batch ahead of its send, a lost race in the store) is none: a peer can
     * cause it with its own messages, and it must not stop other peers' messages.
     */
    @Test
    void an_outage_is_a_transient_failure_of_what_every_delivery_needs_not_of_one_message() {
        assertThat(DeliveryFailures.outage(new TransientFailure(LegacyOutbox.UNWRITABLE, "outbox/transfer-in",
                new FileSystemException("outbox/transfer-in", null, "No space left on device")))).isTrue();
        assertThat(DeliveryFailures.outage(new RuntimeCamelException(new TransientFailure(InboundDelivery.EVIDENCE_UNWRITABLE,
                "evidence", null)))).isTrue();
        assertThat(DeliveryFailures.outage(new TransientFailure("CA_UNREACHABLE", "no answer", null))).isTrue();
        assertThat(DeliveryFailures.outage(new CannotGetJdbcConnectionException("no connection",
                new SQLTransientConnectionException("HikariPool: connection is not available")))).isTrue();
        assertThat(DeliveryFailures.outage(new CannotCreateTransactionException("store down"))).isTrue();
        assertThat(DeliveryFailures.outage(new SQLException("connection refused", "08001"))).isTrue();
        assertThat(DeliveryFailures.outage(new SQLException("admin shutdown", "57P01"))).isTrue();
        assertThat(DeliveryFailures.outage(new SQLException("too many connections", "53300"))).isTrue();
        assertThat(DeliveryFailures.outage(new RuntimeCamelException(new ConnectException("Connection refused")))).isTrue();
        // the operation log's disk full or folder gone: every delivery records, so every delivery would fail alike
        assertThat(DeliveryFailures.outage(new RuntimeCamelException(new OperationLogUnwritable("the operation log in home/audit"
                + " cannot be written", new FileSystemException("home/audit", null, "No space left on device"))))).isTrue();

        // transient, but of this message alone
        assertThat(DeliveryFailures.outage(TransientFailure.ofThisMessage(InboundDelivery.IN_FLIGHT, "copy in flight", null))).isFalse();
        assertThat(DeliveryFailures.classify(TransientFailure.ofThisMessage(InboundDelivery.IN_FLIGHT, "copy in flight", null)))
                .as("it still waits").isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.outage(new SQLException("deadlock detected", "40P01"))).isFalse();
        assertThat(DeliveryFailures.outage(new SQLException("serialization failure", "40001"))).isFalse();
        assertThat(DeliveryFailures.outage(new CannotAcquireLockException("no state: a lock lost to another"))).isFalse();
        // the store's lock and statement timeouts (minutes) are no race: StoreTimeoutOutagesTest
        assertThat(DeliveryFailures.outage(new SQLException("canceling statement due to lock timeout", "55P03"))).isTrue();
        assertThat(DeliveryFailures.outage(new SQLException("canceling statement due to statement timeout", "57014"))).isTrue();
        // no transient failure at all
        assertThat(DeliveryFailures.outage(new PermanentFailure("SENDER_MISMATCH", "x"))).isFalse();
        assertThat(DeliveryFailures.outage(new PermanentFailure(DeliveryFailures.TRANSIENT_EXPIRED, "x",
                new TransientFailure(LegacyOutbox.UNWRITABLE, "outbox", null)))).as("the first kind in the chain decides").isFalse();
        assertThat(DeliveryFailures.outage(new NullPointerException())).isFalse();
        assertThat(DeliveryFailures.outage(new DuplicateKeyException("duplicate key"))).isFalse();
        assertThat(DeliveryFailures.outage(null)).isFalse();
    }

    @Test
    void only_what_names_an_outage_waits_a_refusal_is_permanent_anything_else_is_a_bug() {
        assertThat(DeliveryFailures.classify(new TransientFailure(LegacyOutbox.UNWRITABLE, "outbox/transfer-in",
                new FileSystemException("outbox/transfer-in", null, "No space left on device")))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SQLException("connection refused", "08001"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SQLException("too many connections", "53300"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SQLException("admin shutdown", "57P01"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SQLException("serialization failure", "40001"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SQLTransientConnectionException("HikariPool: connection is not available")))
                .isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new CannotGetJdbcConnectionException("no connection"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new CannotCreateTransactionException("store down"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new CannotAcquireLockException("lock timeout"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new RuntimeCamelException(new ConnectException("Connection refused"))))
                .isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SocketTimeoutException("Read timed out"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new PeerUnreachableException("peer central is down", null))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new TransientFailure("CA_UNREACHABLE", "no answer", null))).isEqualTo(Kind.TRANSIENT);

        assertThat(DeliveryFailures.classify(new PermanentFailure("SENDER_MISMATCH", "x"))).isEqualTo(Kind.PERMANENT);
        // the first exception that names a kind decides: a permanent refusal wrapping an I/O error stays permanent
        assertThat(DeliveryFailures.classify(new RuntimeCamelException(new PermanentFailure("BAD", "x"))))
                .isEqualTo(Kind.PERMANENT);
        // a schema-valid payload Jackson cannot read may be this node's bug as well as the sender's: bounded, no notice
        JsonProcessingException unreadable = readError();
        assertThat(DeliveryFailures.classify(unreadable)).isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.classify(new UncheckedIOException(new MalformedInputException(1)))).isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.reason(new RuntimeCamelException(unreadable))).isEqualTo(DeliveryFailures.RETRIES_EXHAUSTED);
        // concurrency victims wait: a deadlock, a lock not available
        assertThat(DeliveryFailures.classify(new SQLException("deadlock detected", "40P01"))).isEqualTo(Kind.TRANSIENT);
        assertThat(DeliveryFailures.classify(new SQLException("could not obtain lock", "55P03"))).isEqualTo(Kind.TRANSIENT);

        assertThat(DeliveryFailures.classify(new NullPointerException())).isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.classify(new IllegalStateException("bug", new IllegalArgumentException())))
                .isEqualTo(Kind.UNCLASSIFIED);
        // no outage: a constraint, a duplicate key, a plain SQL or I/O error wait no longer than a bug
        assertThat(DeliveryFailures.classify(new DataIntegrityViolationException("not null",
                new SQLException("null value in column", "23502")))).isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.classify(new DuplicateKeyException("duplicate key"))).isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.classify(new SQLException("HikariDataSource has been closed"))).isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.classify(new FileSystemException("home/audit", null, "No space left on device")))
                .isEqualTo(Kind.UNCLASSIFIED);
        assertThat(DeliveryFailures.reason(new DuplicateKeyException("duplicate key")))
                .isEqualTo(DeliveryFailures.RETRIES_EXHAUSTED);
    }

    @Test
    void the_cause_is_the_reason_or_the_class_that_gave_the_kind_never_the_varying_message() {
        assertThat(DeliveryFailures.cause(new RuntimeCamelException(new TransientFailure("CA_UNREACHABLE", "at 12:00", null))))
                .isEqualTo("CA_UNREACHABLE");
        assertThat(DeliveryFailures.cause(new RuntimeCamelException("wrapped", new SQLException("pool closed", "08006"))))
                .isEqualTo("SQLException");
        assertThat(DeliveryFailures.cause(new IllegalStateException("bug"))).isEqualTo("IllegalStateException");
        OperationLogUnwritable audit = new OperationLogUnwritable("cannot be written", new IOException("No space left on device"));
        assertThat(DeliveryFailures.cause(new RuntimeCamelException(audit))).isEqualTo(OperationLogUnwritable.REASON);
        assertThat(DeliveryFailures.reason(audit)).as("a dead letter past the window names it too").isEqualTo(OperationLogUnwritable.REASON);
        assertThat(DeliveryFailures.classify(audit)).isEqualTo(Kind.TRANSIENT);
    }

    static JsonProcessingException readError() {
        try {
            new XmlMapper().readValue("<Notice><count>many</count></Notice>", Counted.class);
            throw new AssertionError("read");
        } catch (JsonProcessingException e) {
            return e;
        }
    }

    record Counted(int count) {
    }

    @Test
    void a_transient_failure_waits_past_max_attempts_a_bug_is_dead_lettered_there_a_refusal_at_once() {
        DeliveryFailures failures = failures(8, -1);

        assertThat(failures.exhausted(attempt(1, new PermanentFailure("BAD", "x")))).isTrue();
        assertThat(failures.exhausted(attempt(7, new IllegalStateException("bug")))).isFalse();
        assertThat(failures.exhausted(attempt(8, new IllegalStateException("bug")))).isTrue();
        assertThat(failures.exhausted(attempt(8, new SQLException("store down", "08006")))).isFalse();
        assertThat(failures.exhausted(attempt(100_000, outboxUnwritable()))).isFalse();
        assertThat(failures.exhausted(attempt(1, readError()))).as("a payload that cannot be read: bounded like a bug").isFalse();
        assertThat(failures.mostAttempts()).as("the broker must never move a message itself").isEqualTo(-1);
    }

    @Test
    void an_operator_may_bound_the_wait_on_a_transient_failure() {
        DeliveryFailures failures = failures(8, 20);

        assertThat(failures.exhausted(attempt(19, outboxUnwritable()))).isFalse();
        assertThat(failures.exhausted(attempt(20, outboxUnwritable()))).isTrue();
        assertThat(failures.exhausted(attempt(8, new IllegalStateException("bug")))).isTrue();
        assertThat(failures.mostAttempts()).isEqualTo(20);
        // a message a suspended queue's consumer held untried and gave back when its route stopped is no attempt
        assertThat(failures.exhausted(attempt(20, TransientFailure.ofThisMessage(DeliverySuspension.STOPPING,
                "given back", null)))).isFalse();
    }

    @Test
    void a_transient_failure_of_an_envelope_older_than_the_outage_window_is_dead_lettered_and_its_sender_told() {
        DeliveryFailures failures = failures(8, -1);
        Exchange recent = attempt(50_000, outboxUnwritable());
        recent.setProperty(InboundDelivery.DELIVERED, delivered(NOW.minus(Duration.ofDays(29))));
        assertThat(failures.exhausted(recent)).isFalse();

        Exchange old = attempt(3, outboxUnwritable());
        old.setProperty(InboundDelivery.DELIVERED, delivered(NOW.minus(Duration.ofDays(30)).minusSeconds(1)));
        assertThat(failures.exhausted(old)).isTrue();
        failures.deadLetterCause(old); // the dead-letter path's first step
        Throwable caught = old.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        assertThat(DeliveryFailures.reason(caught)).isEqualTo(DeliveryFailures.TRANSIENT_EXPIRED);
        assertThat(caught).hasRootCauseInstanceOf(IOException.class).hasMessageContaining("OUTBOX_UNWRITABLE");
        assertThat(DeliveryFailures.classify(caught)).as("final: its sender is told (NonDeliveryNotices.isFinal)")
                .isEqualTo(Kind.PERMANENT);
    }

    @Test
    void an_error_thrown_by_a_bean_reaches_the_route_as_an_exception_and_is_bounded_like_a_bug() {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.setException(new NoClassDefFoundError("org/jukibus/Missing")); // what Camel does with a bean's Error
        Exchange failed = attempt(8, exchange.getException());

        assertThat(failed.getProperty(Exchange.EXCEPTION_CAUGHT)).isInstanceOf(Exception.class);
        assertThat(failures(8, -1).exhausted(failed)).isTrue();
        assertThat(failures(8, -1).exhausted(attempt(7, exchange.getException()))).isFalse();
    }

    static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");

    static DeliveryFailures failures(int maxAttempts, int transientMaxAttempts) {
        // a store that never answers the probe: every store timeout is an outage, as before flow.SlowStatements
        return new DeliveryFailures(maxAttempts, transientMaxAttempts, Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC),
                new SlowStatements(() -> org.jukibus.store.StoreProbe.Answer.NONE, 3,
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    }

    static Delivered delivered(Instant createdAt) {
        return new Delivered(org.jukibus.flow.Flows.RECEIPT, new org.jukibus.envelope.EnvelopeHeader("m-1", "Receipt",
                "271004", "131041", createdAt, null), new byte[0]);
    }

    static TransientFailure outboxUnwritable() {
        return new TransientFailure(LegacyOutbox.UNWRITABLE, "outbox/transfer-in", new IOException("Not a directory"));
    }

    static final CamelContext CAMEL = new DefaultCamelContext();

    static Exchange attempt(int deliveryCount, Exception failure) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getIn().setHeader("JMSXDeliveryCount", deliveryCount);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    /** The broker's delivery count rises with every transient rollback: a bug's attempts are counted apart. */
    @Test
    void a_message_that_waited_through_an_outage_gets_its_full_attempts_at_a_later_bug() {
        DeliveryFailures failures = failures(8, -1);
        for (int i = 1; i < 8; i++) {
            Exchange failed = attempt(5_000 + i, new IllegalStateException("race"));
            failed.getIn().setHeader("JMSMessageID", "ID:after-the-outage");
            assertThat(failures.exhausted(failed)).as("unclassified failure %d after 5,000 transient ones", i).isFalse();
        }
        Exchange eighth = attempt(5_008, new IllegalStateException("race"));
        eighth.getIn().setHeader("JMSMessageID", "ID:after-the-outage");
        assertThat(failures.exhausted(eighth)).isTrue();
    }

    /** Another copy in flight decides what the sender hears: this one never becomes TRANSIENT_EXPIRED. */
    @Test
    void a_copy_in_flight_past_the_outage_window_is_not_expired() {
        DeliveryFailures failures = failures(8, -1);
        Exchange inFlight = attempt(50_000, new TransientFailure(InboundDelivery.IN_FLIGHT, "another copy", null));
        inFlight.setProperty(InboundDelivery.DELIVERED, delivered(NOW.minus(Duration.ofDays(40))));
        assertThat(failures.exhausted(inFlight)).isFalse();
    }
}
