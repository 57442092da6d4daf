package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.audit.AuditEvent;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.flow.transferin.TransferInFlow;
import org.junit.jupiter.api.Test;

/** The reason a dead letter carries, by the failure that put it there. */
class DeadLettersTest {

    private final List<AuditEvent> recorded = new ArrayList<>();
    private final SecurityEvents securityEvents = new SecurityEvents();
    private final DeadLetters deadLetters = new DeadLetters(Clock.systemUTC(), FlowMetrics.none(), recorded::add, securityEvents);

    @Test
    void retries_run_out_on_a_transient_failure_that_names_its_reason_keep_that_reason() {
        Exchange exchange = failed(new TransientFailure("CA_UNREACHABLE", "no answer", null));

        deadLetters.label(exchange);

        assertThat(exchange.getIn().getHeader(Headers.REJECT_REASON)).isEqualTo("CA_UNREACHABLE");
        assertThat(exchange.getIn().getHeader(Headers.REJECT_DETAIL, String.class)).contains("no answer");
        assertThat(recorded).singleElement().satisfies(e -> assertThat(e.detail()).contains("reason CA_UNREACHABLE"));
    }

    /**
     * The operation log's disk full: the message still goes to the dead-letter queue with its reason (the branch used
     * to fail here, and the message went round until the broker's last resort), and the missing line is on it.
     */
    @Test
    void a_dead_letter_whose_operation_log_line_cannot_be_written_is_labelled_all_the_same_and_says_so() {
        DeadLetters unlogged = new DeadLetters(Clock.systemUTC(), FlowMetrics.none(), event -> {
            throw new java.io.UncheckedIOException("the operation log in /var/lib/jukibus/log cannot be written: No space left on device",
                    new java.io.IOException("No space left on device"));
        }, securityEvents);
        Exchange exchange = failed(new PermanentFailure("CA_REFUSED", "HTTP 400"));
        exchange.getIn().setHeader(Headers.MESSAGE_ID, "m-1");

        unlogged.label(exchange);

        assertThat(exchange.getIn().getHeader(Headers.REJECT_REASON)).isEqualTo("CA_REFUSED");
        assertThat(exchange.getIn().getHeader(Headers.OPERATION_LOG_MISSING, String.class)).contains("No space left on device");
        assertThat(exchange.getIn().getHeader(Headers.DUPLICATE_ID, String.class)).startsWith("dlq:");
        Exchange logged = failed(new PermanentFailure("CA_REFUSED", "HTTP 400"));
        deadLetters.label(logged);
        assertThat(logged.getIn().getHeaders()).doesNotContainKey(Headers.OPERATION_LOG_MISSING);
    }

    @Test
    void any_other_failure_whose_retries_ran_out_is_retries_exhausted() {
        Exchange exchange = failed(new java.io.IOException("disk full"));

        deadLetters.label(exchange);

        assertThat(exchange.getIn().getHeader(Headers.REJECT_REASON)).isEqualTo("RETRIES_EXHAUSTED");
    }

    /** It may be this node's bug as well as the sender's: dead-lettered for an operator, the sender not told it failed. */
    @Test
    void a_verified_payload_that_cannot_be_read_is_retries_exhausted_not_a_refusal() {
        Exchange exchange = failed(new org.apache.camel.RuntimeCamelException(DeliveryFailuresTest.readError()));

        deadLetters.label(exchange);

        assertThat(exchange.getIn().getHeader(Headers.REJECT_REASON)).isEqualTo("RETRIES_EXHAUSTED");
    }

    @Test
    void a_permanent_failure_keeps_its_reason() {
        Exchange exchange = failed(new PermanentFailure("CA_REFUSED", "HTTP 400"));

        deadLetters.label(exchange);

        assertThat(exchange.getIn().getHeader(Headers.REJECT_REASON)).isEqualTo("CA_REFUSED");
    }

    @Test
    void envelope_rejections_and_sender_mismatches_are_counted_as_refused_messages_business_refusals_are_not() {
        for (RejectionReason reason : RejectionReason.values()) {
            deadLetters.label(failed(new EnvelopeRejectedException(reason, "test")));
        }
        Exchange mismatch = failed(new PermanentFailure(InboundDelivery.SENDER_MISMATCH, "signed by 131059, put there by 131016"));
        mismatch.getIn().setHeader(Headers.VALIDATED_USER, "131016");
        deadLetters.label(mismatch);
        assertThat(securityEvents.drain()).isEqualTo(new SecurityEvents.Counts(0, 0, RejectionReason.values().length + 1));

        deadLetters.label(failed(new PermanentFailure("PARTY_MISMATCH", "not the party")));
        deadLetters.label(failed(new PermanentFailure("CA_REFUSED", "HTTP 400")));
        deadLetters.label(failed(new TransientFailure("CA_UNREACHABLE", "no answer", null)));
        deadLetters.label(failed(new java.io.IOException("disk full")));
        assertThat(securityEvents.drain()).isEqualTo(new SecurityEvents.Counts(0, 0, 0));
    }

    /** A peer's own Jukibus headers on what it put on the broker must not pass for the dead letter's ids. */
    @Test
    void an_inbound_dead_letter_carries_the_verified_envelopes_ids_never_those_its_producer_set() {
        Exchange unverified = failed(new EnvelopeRejectedException(RejectionReason.BAD_SIGNATURE, "test"));
        lieAbout(unverified);
        deadLetters.label(unverified);

        assertThat(unverified.getIn().getHeaders()).doesNotContainKeys(Headers.MESSAGE_ID, Headers.SENDER,
                Headers.RECIPIENT, Headers.ADDRESS, Headers.CREATED_AT, Headers.CREATED_AT_MILLIS, "JukibusAnything");
        assertThat(unverified.getIn().getHeader(Headers.FLOW)).isEqualTo("change-info");
        assertThat(recorded.get(0).messageId()).isNull();
        assertThat(recorded.get(0).recipient()).isNull();

        Exchange opened = failed(new PermanentFailure("WRONG_PREFECTURE", "not ours"));
        opened.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE,
                new EnvelopeHeader("own-id", "TransferInNotice", "131016", "131041", Instant.EPOCH, null), new byte[0]));
        lieAbout(opened);
        deadLetters.label(opened);

        assertThat(opened.getIn().getHeader(Headers.MESSAGE_ID)).isEqualTo("own-id");
        assertThat(opened.getIn().getHeader(Headers.SENDER)).isEqualTo("131016");
        assertThat(opened.getIn().getHeader(Headers.RECIPIENT)).isEqualTo("131041");
        // what the owed-notice round's selector compares: the verified created-at, never the producer's
        assertThat(opened.getIn().getHeader(Headers.CREATED_AT_MILLIS)).isEqualTo(Instant.EPOCH.toEpochMilli());
        assertThat(opened.getIn().getHeaders()).doesNotContainKeys(Headers.ADDRESS, "JukibusAnything");
        assertThat(recorded.get(1).messageId()).isEqualTo("own-id");
    }

    /** Issue 14 G: a replayed message dead-lettered again keeps its replay chain; a peer cannot forge one. */
    @Test
    void a_replay_dead_lettered_again_keeps_the_dead_letter_it_was_made_from() {
        Exchange replayed = failed(new PermanentFailure("UNKNOWN_PERSON", "still unknown"));
        replayed.getIn().setHeader(Headers.VALIDATED_USER, NodeSecurityManager.LOCAL_USER);
        replayed.getIn().setHeader(Headers.REPLAY_OF, "ID:first-dead-letter");
        deadLetters.label(replayed);
        assertThat(replayed.getIn().getHeader(Headers.REPLAY_OF)).isEqualTo("ID:first-dead-letter");

        Exchange forged = failed(new PermanentFailure("UNKNOWN_PERSON", "unknown"));
        forged.getIn().setHeader(Headers.VALIDATED_USER, "131059");
        forged.getIn().setHeader(Headers.REPLAY_OF, "ID:someone-elses");
        deadLetters.label(forged);
        assertThat(forged.getIn().getHeaders()).doesNotContainKey(Headers.REPLAY_OF);
    }

    /**
     * Review M2: a replay of a dead letter whose sender is owed a notice, refused before its signature verified (the
     * sender's certificate renewed meanwhile), keeps whom the notice is owed to and about which message (this node
     * set them at the first dead-lettering), so that it is still told, not purged silently. A peer's are dropped.
     */
    @Test
    void an_owed_replay_refused_unverified_keeps_whom_the_notice_is_owed_to() {
        Exchange replayed = failed(new EnvelopeRejectedException(RejectionReason.BAD_SIGNATURE, "renewed certificate"));
        replayed.getIn().setHeader(Headers.VALIDATED_USER, NodeSecurityManager.LOCAL_USER);
        replayed.getIn().setHeader(Headers.SENDER_NOTICE, "OWED");
        replayed.getIn().setHeader(Headers.SENDER, "131016");
        replayed.getIn().setHeader(Headers.MESSAGE_ID, "owed-id");
        replayed.getIn().setHeader(Headers.CREATED_AT, "2026-11-01T00:00:00Z");
        replayed.getIn().setHeader(Headers.CREATED_AT_MILLIS, Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
        deadLetters.label(replayed);
        assertThat(replayed.getIn().getHeader(Headers.SENDER_NOTICE)).isEqualTo("OWED");
        assertThat(replayed.getIn().getHeader(Headers.SENDER)).isEqualTo("131016");
        assertThat(replayed.getIn().getHeader(Headers.MESSAGE_ID)).isEqualTo("owed-id");
        assertThat(replayed.getIn().getHeader(Headers.CREATED_AT)).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(replayed.getIn().getHeader(Headers.CREATED_AT_MILLIS)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());

        Exchange forged = failed(new EnvelopeRejectedException(RejectionReason.BAD_SIGNATURE, "forged"));
        forged.getIn().setHeader(Headers.VALIDATED_USER, "131059");
        forged.getIn().setHeader(Headers.SENDER_NOTICE, "OWED");
        lieAbout(forged);
        deadLetters.label(forged);
        assertThat(forged.getIn().getHeaders()).doesNotContainKeys(Headers.SENDER_NOTICE, Headers.SENDER, Headers.MESSAGE_ID);
    }

    /** What a hostile producer sets on its message: another peer's message id, sender and recipient. */
    /** Who put the message on the broker, as the broker authenticated it: a peer's own claim is not kept. */
    @Test
    void a_dead_letter_records_its_authenticated_producer_never_one_a_peer_set() {
        Exchange exchange = failed(new TransientFailure("OUTBOX_UNWRITABLE", "disk full", null));
        exchange.getIn().setHeader(Headers.VALIDATED_USER, "131016");
        exchange.getIn().setHeader(Headers.PRODUCER, "131059");
        deadLetters.label(exchange);
        assertThat(exchange.getIn().getHeader(Headers.PRODUCER)).isEqualTo("131016");

        Exchange nobody = failed(new TransientFailure("OUTBOX_UNWRITABLE", "disk full", null));
        nobody.getIn().setHeader(Headers.PRODUCER, "131059");
        deadLetters.label(nobody);
        assertThat(nobody.getIn().getHeader(Headers.PRODUCER)).isNull();
    }

    /**
     * M5: letters refused before their signature verified are kept up to their producer's bound and marked unopened;
     * past it they are not kept (the route skips jukibus.dlq) and leave no operation log line; a verified refusal and
     * another producer's letters are never affected.
     */
    @Test
    void unopened_letters_past_their_producers_bound_are_not_kept_others_are() {
        DeadLetters bounded = new DeadLetters(Clock.systemUTC(), FlowMetrics.none(), recorded::add, securityEvents,
                new UnopenedDeadLetters(new UnopenedDeadLetters.Bound(2, Long.MAX_VALUE, java.time.Duration.ofDays(1)),
                        Clock.systemUTC(), FlowMetrics.none()));
        int kept = 0;
        for (int i = 0; i < 5; i++) {
            Exchange junk = failed(new EnvelopeRejectedException(RejectionReason.MALFORMED, "not xml"));
            junk.getIn().setHeader(Headers.VALIDATED_USER, "131016");
            bounded.label(junk);
            assertThat(junk.getIn().getHeader(Headers.UNOPENED)).isEqualTo(true);
            kept += Boolean.FALSE.equals(junk.getProperty(Headers.DEAD_LETTER_KEPT)) ? 0 : 1;
        }
        assertThat(kept).isEqualTo(2);
        assertThat(recorded).hasSize(2);
        assertThat(securityEvents.drain().messagesRefused()).as("every refusal still counted").isEqualTo(5);

        Exchange honest = failed(new EnvelopeRejectedException(RejectionReason.UNKNOWN_SENDER, "not in the directory"));
        honest.getIn().setHeader(Headers.VALIDATED_USER, "131059");
        bounded.label(honest);
        assertThat(honest.getProperties()).doesNotContainKey(Headers.DEAD_LETTER_KEPT);

        Exchange verified = failed(new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, "payload"));
        verified.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE,
                new EnvelopeHeader("id-9", "TransferInNotice", "131016", "131041", Instant.EPOCH, null), new byte[0]));
        verified.getIn().setHeader(Headers.VALIDATED_USER, "131016");
        bounded.label(verified);
        assertThat(verified.getProperties()).doesNotContainKey(Headers.DEAD_LETTER_KEPT);
        assertThat(verified.getIn().getHeaders()).doesNotContainKey(Headers.UNOPENED);
    }

    /**
     * Review H1/M1: past its producer's bytes a refused letter is kept as a record (headers, reason, SHA-256, size) with
     * no body, signed ones too (their own, larger budget), and still has its operation log line.
     */
    @Test
    void past_the_producers_bytes_a_refused_letter_signed_or_not_is_kept_as_a_record_without_its_body() {
        DeadLetters bounded = new DeadLetters(Clock.systemUTC(), FlowMetrics.none(), recorded::add, securityEvents,
                new UnopenedDeadLetters(new UnopenedDeadLetters.Bound(100, 4, 6, java.time.Duration.ofDays(1)),
                        Clock.systemUTC(), FlowMetrics.none()));
        Exchange first = failed(new EnvelopeRejectedException(RejectionReason.MALFORMED, "not xml"));
        first.getIn().setHeader(Headers.VALIDATED_USER, "131016");
        bounded.label(first);
        assertThat(first.getIn().getBody(byte[].class)).containsExactly(1, 2, 3);
        Exchange second = failed(new EnvelopeRejectedException(RejectionReason.MALFORMED, "not xml"));
        second.getIn().setHeader(Headers.VALIDATED_USER, "131016");
        bounded.label(second);
        assertThat(second.getProperties()).doesNotContainKey(Headers.DEAD_LETTER_KEPT);
        assertThat(second.getIn().getBody(byte[].class)).isEmpty();
        assertThat(second.getIn().getHeader(Headers.NOT_KEPT_SHA256)).isEqualTo(org.jukibus.audit.Sha256.hex(new byte[] {1, 2, 3}));
        assertThat(second.getIn().getHeader(Headers.NOT_KEPT_BYTES)).isEqualTo(3L);
        assertThat(second.getIn().getHeader(Headers.REJECT_REASON)).isEqualTo("MALFORMED");
        assertThat(recorded).hasSize(2);

        // a signed refusal (a sender mismatch: verified, put there by another producer) has its own budget: 6 bytes
        for (int i = 0; i < 3; i++) {
            Exchange signed = failed(new PermanentFailure(InboundDelivery.SENDER_MISMATCH, "signed by 131059"));
            signed.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE,
                    new EnvelopeHeader("id-" + i, "TransferInNotice", "131059", "131041", Instant.EPOCH, null), new byte[0]));
            signed.getIn().setHeader(Headers.VALIDATED_USER, "131016");
            bounded.label(signed);
            assertThat(signed.getIn().getBody(byte[].class)).hasSize(i < 2 ? 3 : 0);
            assertThat(signed.getIn().getHeaders()).doesNotContainKey(Headers.UNOPENED);
        }
    }

    /**
     * analysis-merge11 H1: a copy this node put back after a clock-ahead hold is produced by this node, whose own letters
     * are never bounded; its refusal is charged to the signer it was held for, so a peer cannot pass signed junk dated
     * just ahead through the hold to be kept whole for years. A stamp on a message a peer produced counts for nothing.
     */
    @Test
    void a_copy_put_back_after_a_clock_ahead_hold_is_charged_to_the_signer_it_was_held_for() {
        DeadLetters bounded = new DeadLetters(Clock.systemUTC(), FlowMetrics.none(), recorded::add, securityEvents,
                new UnopenedDeadLetters(new UnopenedDeadLetters.Bound(100, 4, 6, java.time.Duration.ofDays(1)),
                        Clock.systemUTC(), FlowMetrics.none()));
        for (int i = 0; i < 3; i++) {
            Exchange copy = failed(new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, "payload"));
            copy.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE,
                    new EnvelopeHeader("held-" + i, "TransferInNotice", "131059", "131041", Instant.EPOCH, null), new byte[0]));
            copy.getIn().setHeader(Headers.VALIDATED_USER, org.jukibus.broker.NodeSecurityManager.LOCAL_USER);
            copy.getIn().setHeader(ClockAheadRelease.HELD_FOR, "131059");
            bounded.label(copy);
            assertThat(copy.getIn().getBody(byte[].class)).as("copy %d: the signer's 6 bytes, then records", i)
                    .hasSize(i < 2 ? 3 : 0);
        }
        for (int i = 0; i < 3; i++) {
            Exchange own = failed(new EnvelopeRejectedException(RejectionReason.SCHEMA_INVALID, "payload"));
            own.setProperty(InboundDelivery.DELIVERED, new Delivered(TransferInFlow.NOTICE,
                    new EnvelopeHeader("own-" + i, "TransferInNotice", "131059", "131041", Instant.EPOCH, null), new byte[0]));
            own.getIn().setHeader(Headers.VALIDATED_USER, org.jukibus.broker.NodeSecurityManager.LOCAL_USER);
            bounded.label(own);
            assertThat(own.getIn().getBody(byte[].class)).as("this node's own replay, unstamped: never bounded").hasSize(3);
        }
        Exchange forged = failed(new EnvelopeRejectedException(RejectionReason.MALFORMED, "not xml"));
        forged.getIn().setHeader(Headers.VALIDATED_USER, "131016");
        forged.getIn().setHeader(ClockAheadRelease.HELD_FOR, "131099");
        bounded.label(forged);
        assertThat(forged.getIn().getBody(byte[].class)).as("a peer's stamp charges nobody else: its own 4 bytes").hasSize(3);
    }

    private static void lieAbout(Exchange exchange) {
        exchange.getIn().setHeader(Headers.MESSAGE_ID, "victims-id");
        exchange.getIn().setHeader(Headers.SENDER, "131059");
        exchange.getIn().setHeader(Headers.RECIPIENT, "131059");
        exchange.getIn().setHeader(Headers.ADDRESS, "jukibus.inbound.transfer-in");
        exchange.getIn().setHeader(Headers.CREATED_AT, "2099-01-01T00:00:00Z");
        exchange.getIn().setHeader(Headers.CREATED_AT_MILLIS, Instant.parse("2099-01-01T00:00:00Z").toEpochMilli());
        exchange.getIn().setHeader("JukibusAnything", "x");
    }

    private static Exchange failed(Exception cause) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Headers.FLOW, "change-info");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        exchange.getIn().setBody(new byte[] {1, 2, 3});
        return exchange;
    }
}
