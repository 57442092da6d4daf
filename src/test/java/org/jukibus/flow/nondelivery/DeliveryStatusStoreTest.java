package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.PermanentFailure;
import org.jukibus.flow.FlowMetrics;
import org.jukibus.flow.PurgeCutoff;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * The sender's end against a real store: who may report a message as not delivered, the NonDelivery
 * files it gets, the overdue report (once, and a late receipt still closes the message).
 */
class DeliveryStatusStoreTest extends SenderEndFixture {

    static final String SHINJUKU = "131041";
    static final String PREFECTURE = "13";
    static final String OSAKA = "271004";

    final NoticeHandler handler = new NoticeHandler(sent, files, clock);
    final XmlMapper xml = new XmlMapper();

    @Test
    void a_notice_from_the_node_the_message_went_to_writes_a_non_delivery_file_and_closes_the_message() throws Exception {
        String id = sentTo(PREFECTURE, "transfer-out");

        handler.deliver(notice(id, PREFECTURE, id, "UNKNOWN_PERSON"), null);

        String file = Files.readString(report(PREFECTURE + "-" + id + ".xml"), StandardCharsets.UTF_8);
        assertThat(file).contains("<Status>NOT_DELIVERED</Status>").contains("<ReportedBy>RECIPIENT</ReportedBy>")
                .contains("<ReasonCode>UNKNOWN_PERSON</ReasonCode>").contains("<Recipient>13</Recipient>");
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);

        // the dead letter is replayed at the prefecture and goes through: its receipt makes it delivered
        assertThat(sent.delivered(id, PREFECTURE, UUID.randomUUID().toString(), clock.instant())).isTrue();
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
    }

    /** The same notice a second time (a recipient that tells again) leaves the file of the first as it was. */
    @Test
    void a_second_identical_notice_does_not_rewrite_the_non_delivery_file() throws Exception {
        String id = sentTo(PREFECTURE, "transfer-out");
        Delivered first = notice(id, PREFECTURE, id, "UNKNOWN_PERSON");
        handler.deliver(first, null);
        Path file = report(PREFECTURE + "-" + id + ".xml");
        String written = Files.readString(file, StandardCharsets.UTF_8);
        Files.delete(file); // as the legacy system takes it

        handler.deliver(new Delivered(first.flow(), first.header(), first.payload()), null);

        assertThat(file).as("no second file for the legacy system").doesNotExist();
        assertThat(written).contains("<Status>NOT_DELIVERED</Status>");
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
    }

    /** Issue 14 I: a hostile recipient's notice text reaches the sender's file bounded, cleaned and labelled as its claim. */
    @Test
    void a_recipients_notice_text_is_bounded_cleaned_and_labelled_and_its_reason_code_is_one_of_ours() throws Exception {
        String id = sentTo(PREFECTURE, "transfer-out");
        String hostile = "<Status>DELIVERED</Status>\n\u009b31m\u202eevil" + "x".repeat(5000); // markup, C1 control, RTL override
        NonDeliveryNotice notice = new NonDeliveryNotice(id, "transfer-out", PREFECTURE, "PAY_THE_RANSOM", hostile,
                clock.instant().toString());
        EnvelopeHeader header = new EnvelopeHeader(UUID.randomUUID().toString(), NonDeliveryNotice.TYPE, PREFECTURE, SHINJUKU,
                clock.instant(), id);

        handler.deliver(new Delivered(NonDeliveryFlow.FLOW, header, xml.writeValueAsBytes(notice)), null);

        NonDelivery file = xml.readValue(Files.readAllBytes(report(PREFECTURE + "-" + id + ".xml")), NonDelivery.class);
        assertThat(file.reasonCode()).isEqualTo("UNDELIVERABLE");
        assertThat(file.detail()).startsWith("recipient 13 says: ").contains("[reason code given: PAY_THE_RANSOM]")
                .doesNotContain("<").doesNotContain(">").doesNotContain("\n").doesNotContain("\u009b").doesNotContain("\u202e")
                .hasSizeLessThanOrEqualTo(RecipientClaim.MAX_DETAIL);
        assertThat(file.status()).isEqualTo(NonDelivery.NOT_DELIVERED);
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
    }

    @Test
    void a_notice_from_a_third_node_about_another_nodes_message_is_refused_and_writes_nothing() throws Exception {
        String id = sentTo(PREFECTURE, "transfer-out");

        assertThatThrownBy(() -> handler.deliver(notice(id, OSAKA, id, "UNKNOWN_PERSON"), null))
                .isInstanceOfSatisfying(PermanentFailure.class, e -> assertThat(e.reason()).isEqualTo("UNSOLICITED"));
        assertThatThrownBy(() -> handler.deliver(notice(UUID.randomUUID().toString(), PREFECTURE, null, "UNKNOWN_PERSON"), null))
                .isInstanceOfSatisfying(PermanentFailure.class, e -> assertThat(e.reason()).isEqualTo("ANSWER_MISMATCH"));
        String never = UUID.randomUUID().toString();
        assertThatThrownBy(() -> handler.deliver(notice(never, PREFECTURE, never, "UNKNOWN_PERSON"), null))
                .isInstanceOfSatisfying(PermanentFailure.class, e -> assertThat(e.reason()).isEqualTo("UNSOLICITED"));

        assertThat(report(PREFECTURE + "-" + id + ".xml")).doesNotExist();
        assertThat(report(PREFECTURE + "-" + never + ".xml")).doesNotExist();
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.PENDING);
        // nor may the third node close it as delivered
        assertThat(sent.delivered(id, OSAKA, UUID.randomUUID().toString(), clock.instant())).isFalse();
    }

    @Test
    void a_message_without_a_receipt_is_reported_overdue_once_and_a_late_receipt_still_closes_it() throws Exception {
        List<AuditEvent> audit = new ArrayList<>();
        OverdueReceipts overdue = new OverdueReceipts(sent, files, Duration.ofHours(4), clock, FlowMetrics.none(), audit::add);
        String id = sentTo("131059", "transfer-in");
        String unanswered = UUID.randomUUID().toString(); // a count list awaits no answer: never overdue
        sent.record(unanswered, "update-count-list", SHINJUKU, clock.instant(), false);

        clock.move(Duration.ofHours(3));
        overdue.report();
        assertThat(report("131059-" + id + "-overdue.xml")).doesNotExist();

        clock.move(Duration.ofHours(2));
        overdue.report();
        assertThat(Files.readString(report("131059-" + id + "-overdue.xml"), StandardCharsets.UTF_8)).contains("<Status>OVERDUE</Status>")
                .contains("<SentAt>2026-11-21T00:00:00Z</SentAt>");
        assertThat(report(SHINJUKU + "-" + unanswered + "-overdue.xml")).doesNotExist();
        assertThat(audit).filteredOn(e -> id.equals(e.messageId())).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(AuditKind.RECEIPT_OVERDUE));

        Files.delete(report("131059-" + id + "-overdue.xml")); // the legacy system took it
        clock.move(Duration.ofDays(3));
        overdue.report();
        assertThat(report("131059-" + id + "-overdue.xml")).as("reported once").doesNotExist();

        assertThat(sent.delivered(id, "131059", UUID.randomUUID().toString(), clock.instant())).isTrue();
        assertThat(sent.find(id, "131059").orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
    }

    @Test
    void what_became_of_a_message_is_forgotten_once_it_was_queued_longer_than_the_window_ago() {
        String old = sentTo(PREFECTURE, "transfer-out");
        assertThat(sent.delivered(old, PREFECTURE, UUID.randomUUID().toString(), clock.instant())).isTrue();
        clock.move(Duration.ofDays(31));
        String recent = sentTo(PREFECTURE, "transfer-out");
        assertThat(sent.purge(clock.instant().minus(Duration.ofDays(30)))).isPositive();
        assertThat(sent.find(old, PREFECTURE)).isEmpty();
        assertThat(sent.find(recent, PREFECTURE)).isPresent();
    }

    /**
     * An open message outlives the window's purge: a non-delivery notice that comes back after the window (its message
     * arrived just inside it and failed later; the notice waited in the recipient's outbound queue) still writes the
     * legacy system's NonDelivery file instead of being refused as UNSOLICITED. Gone a window later.
     */
    @Test
    void an_open_message_is_kept_past_the_window_so_a_late_notice_still_reaches_the_legacy_system() throws Exception {
        String pending = sentTo(PREFECTURE, "transfer-out");
        String overdue = sentTo(PREFECTURE, "transfer-out");
        assertThat(sent.markOverdue(overdue, PREFECTURE, clock.instant())).isTrue();
        clock.move(Duration.ofDays(40));

        sent.purge(clock.instant().minus(Duration.ofDays(30)));

        handler.deliver(notice(pending, PREFECTURE, pending, "UNKNOWN_PERSON"), null);
        assertThat(Files.readString(report(PREFECTURE + "-" + pending + ".xml"), StandardCharsets.UTF_8)).contains("<Status>NOT_DELIVERED</Status>");
        assertThat(sent.find(overdue, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.OVERDUE);

        clock.move(Duration.ofDays(21));
        sent.purge(clock.instant().minus(Duration.ofDays(30)));
        assertThat(sent.find(overdue, PREFECTURE)).as("awaits an answer: never forgotten open").isPresent();
        assertThat(report(PREFECTURE + "-" + overdue + ".xml")).doesNotExist();
    }

    /**
     * M3: a message awaiting an answer that is still open two windows after it was queued gets its final word before its
     * row goes: a NonDelivery file NOT_DELIVERED (reason UNANSWERED, by this node), an operation log entry, the metric;
     * then it is forgotten. An open message nobody answers (a count list) is forgotten then with an operation log entry
     * of its own and no file.
     */
    @Test
    void an_open_message_awaiting_an_answer_is_reported_not_delivered_before_it_is_forgotten() throws Exception {
        List<AuditEvent> audit = new ArrayList<>();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        UnansweredMessages unanswered = new UnansweredMessages(sent, files, clock, new FlowMetrics(registry, clock, List.of()), audit::add,
                monotonic());
        String overdue = sentTo(PREFECTURE, "transfer-out");
        assertThat(sent.markOverdue(overdue, PREFECTURE, clock.instant())).isTrue();
        String answered = sentTo(PREFECTURE, "transfer-out");
        String batch = UUID.randomUUID().toString();
        sent.record(batch, "update-count-list", PREFECTURE, clock.instant(), false);
        clock.move(Duration.ofDays(40));
        String recent = sentTo(PREFECTURE, "transfer-out");

        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        assertThat(sent.find(overdue, PREFECTURE).orElseThrow().state()).as("one window: still open").isEqualTo(SentMessages.State.OVERDUE);
        assertThat(report(PREFECTURE + "-" + overdue + ".xml")).doesNotExist();

        clock.move(Duration.ofDays(21));
        assertThat(sent.delivered(answered, PREFECTURE, UUID.randomUUID().toString(), clock.instant())).isTrue();
        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));

        NonDelivery file = xml.readValue(Files.readAllBytes(report(PREFECTURE + "-" + overdue + ".xml")), NonDelivery.class);
        assertThat(file.status()).isEqualTo(NonDelivery.NOT_DELIVERED);
        assertThat(file.reportedBy()).isEqualTo(NonDelivery.BY_SENDER);
        assertThat(file.reasonCode()).isEqualTo(UnansweredMessages.UNANSWERED);
        assertThat(file.recipient()).isEqualTo(PREFECTURE);
        assertThat(file.detail()).contains("ask the recipient");
        assertThat(audit).filteredOn(e -> overdue.equals(e.messageId())).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(AuditKind.MESSAGE_UNANSWERED));
        assertThat(registry.get("jukibus.flow.unanswered").tag("flow", "transfer-out").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(sent.find(overdue, PREFECTURE).orElseThrow().state()).as("told, closed").isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(sent.find(batch, PREFECTURE)).as("awaits no answer: forgotten, with its own word").isEmpty();
        assertThat(audit).filteredOn(e -> batch.equals(e.messageId())).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(AuditKind.MESSAGE_NO_FAILURE_REPORTED));
        assertThat(report(PREFECTURE + "-" + batch + ".xml")).doesNotExist();
        assertThat(report(PREFECTURE + "-" + answered + ".xml")).as("delivered: no report").doesNotExist();
        assertThat(sent.find(recent, PREFECTURE)).isPresent();

        // a receipt its recipient held (it could not seal to this node) still comes within the next window
        assertThat(sent.delivered(overdue, PREFECTURE, UUID.randomUUID().toString(), clock.instant())).isTrue();
        String unanswered2 = sentTo(PREFECTURE, "transfer-out");
        clock.move(Duration.ofDays(61));
        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        assertThat(sent.find(unanswered2, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
        clock.move(Duration.ofDays(31));
        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        assertThat(sent.find(unanswered2, PREFECTURE)).as("forgotten a window after its final word").isEmpty();
        assertThat(sent.find(overdue, PREFECTURE)).isEmpty();
    }

    /**
     * Killed (here: failing) after the final NonDelivery file was written and before the close commits: the message is
     * still open, so the next purge tells it again, into the same file name (the legacy system de-duplicates by message
     * id); the final word is never lost, and the row goes only once it was told.
     */
    @Test
    void a_failure_between_the_final_report_and_the_close_tells_again_under_the_same_name() throws Exception {
        String id = sentTo(PREFECTURE, "transfer-out");
        clock.move(Duration.ofDays(61));
        List<AuditEvent> recorded = new ArrayList<>();
        PurgeCutoff cutoff = monotonic();
        UnansweredMessages dying = new UnansweredMessages(sent, files, clock, FlowMetrics.none(), e -> {
            if (id.equals(e.messageId())) {
                throw new IllegalStateException("killed");
            }
        }, cutoff);

        assertThatThrownBy(() -> dying.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60))))
                .hasMessageContaining("killed");
        assertThat(report(PREFECTURE + "-" + id + ".xml")).exists();
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).as("still open").isEqualTo(SentMessages.State.PENDING);

        Files.delete(report(PREFECTURE + "-" + id + ".xml")); // the legacy system took the first copy
        new UnansweredMessages(sent, files, clock, FlowMetrics.none(), recorded::add, cutoff)
                .purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        assertThat(xml.readValue(Files.readAllBytes(report(PREFECTURE + "-" + id + ".xml")), NonDelivery.class).messageId()).isEqualTo(id);
        try (var names = Files.list(report(""))) {
            assertThat(names.filter(f -> f.getFileName().toString().contains(id))).hasSize(1);
        }
        assertThat(recorded).filteredOn(e -> id.equals(e.messageId())).hasSize(1);
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
    }

    /**
     * This node's own message expired on its outbound queue while the legacy outbox could not be written: the failure
     * rolls the dead-lettering back (the forwarder's broker transaction), so the redelivered message is reported again
     * once the outbox is writable, rather than the report being lost with a line in the log.
     */
    @Test
    void an_own_dead_letter_whose_non_delivery_file_cannot_be_written_fails_and_is_reported_when_tried_again() throws Exception {
        String id = sentTo(PREFECTURE, "transfer-out");
        Path blockedRoot = Files.createTempDirectory(legacy, "blocked");
        Files.createDirectories(blockedRoot.resolve("outbox"));
        Files.writeString(blockedRoot.resolve("outbox").resolve("non-delivery"), "a file where the folder belongs");
        NonDeliveryNotices blocked = new NonDeliveryNotices(null, sent,
                new NonDeliveryFiles(new LegacyOutbox(blockedRoot, new TransferLedger(store, clock))), noticeId -> false, null, SHINJUKU, clock);

        assertThatThrownBy(() -> blocked.onDeadLetter(ownDeadLetter(id))).hasMessageContaining(id);
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).as("still open").isEqualTo(SentMessages.State.PENDING);

        Files.delete(blockedRoot.resolve("outbox").resolve("non-delivery")); // the operator freed the outbox
        blocked.onDeadLetter(ownDeadLetter(id));
        assertThat(Files.readString(blockedRoot.resolve("outbox").resolve("non-delivery").resolve(PREFECTURE + "-" + id + ".xml"), StandardCharsets.UTF_8))
                .contains("<Status>NOT_DELIVERED</Status>").contains("<ReasonCode>EXPIRED</ReasonCode>");
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
    }

    private static org.apache.camel.Exchange ownDeadLetter(String messageId) {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        exchange.getIn().setHeader(org.jukibus.flow.Headers.FLOW, "transfer-out");
        exchange.getIn().setHeader(org.jukibus.flow.Headers.REJECT_REASON, "EXPIRED");
        exchange.getIn().setHeader(org.jukibus.flow.Headers.DEAD_LETTERED_FROM, NonDeliveryNotices.OUTBOUND);
        exchange.getIn().setHeader(org.jukibus.flow.Headers.MESSAGE_ID, messageId);
        exchange.getIn().setHeader(org.jukibus.flow.Headers.RECIPIENT, PREFECTURE);
        return exchange;
    }

    /** A receipt names the digest of the envelope its recipient received: it closes the message only if that is what was sent. */
    @Test
    void a_receipt_closes_the_message_only_if_it_names_the_digest_of_the_envelope_sent() throws Exception {
        DeliveryStatus status = new DeliveryStatus(sent, org.jukibus.flow.Flows.standard(), clock);
        byte[] envelope = "<Envelope>as sent</Envelope>".getBytes(StandardCharsets.UTF_8);
        String matching = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        String older = UUID.randomUUID().toString();
        for (String id : List.of(matching, other)) {
            sent.record(id, "transfer-in", OSAKA, clock.instant(), true, org.jukibus.audit.Sha256.hex(envelope));
        }
        sent.record(older, "transfer-in", OSAKA, clock.instant(), true);

        status.acknowledged(receipt(matching, org.jukibus.audit.Sha256.hex(envelope)));
        status.acknowledged(receipt(other, org.jukibus.audit.Sha256.hex("<Envelope>something else</Envelope>".getBytes(StandardCharsets.UTF_8))));
        status.acknowledged(receipt(older, null)); // a receipt from a node that names no digest: taken as before

        assertThat(sent.find(matching, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.DELIVERED);
        assertThat(sent.find(other, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.PENDING);
        assertThat(sent.find(older, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.DELIVERED);
    }

    /** The single-receipt path of the same: a receipt for the envelope sealed before a crash sealed the file again. */
    @Test
    void a_receipt_for_an_envelope_sealed_before_a_crash_under_the_same_id_closes_the_message() throws Exception {
        DeliveryStatus status = new DeliveryStatus(sent, org.jukibus.flow.Flows.standard(), clock);
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, Duration.ofDays(30), Duration.ofDays(14));
        org.w3c.dom.Document payload = org.jukibus.xml.SecureXml.parse("<p/>".getBytes(StandardCharsets.UTF_8));
        byte[] first = "<Envelope>first seal, then killed</Envelope>".getBytes(StandardCharsets.UTF_8);
        byte[] second = "<Envelope>sealed again at restart</Envelope>".getBytes(StandardCharsets.UTF_8);
        String resealed = UUID.randomUUID().toString();
        sealed.keep(resealed, OSAKA, null, payload, first, clock.instant());
        sealed.keep(resealed, OSAKA, null, payload, second, clock.instant());
        sent.record(resealed, "transfer-in", OSAKA, clock.instant(), true, org.jukibus.audit.Sha256.hex(second));

        status.acknowledged(receipt(resealed, org.jukibus.audit.Sha256.hex(first)));

        assertThat(sent.find(resealed, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.DELIVERED);
    }

    /**
     * A legacy input's status is opened with its payload and envelope digest, before the send, all or none: a node or
     * store killed right after the send cannot leave a sent message without a status (a false overdue report later).
     */
    @Test
    void a_legacy_inputs_status_is_opened_before_the_send_in_the_transaction_that_keeps_its_payload() throws Exception {
        DeliveryStatus status = new DeliveryStatus(sent, org.jukibus.flow.Flows.standard(), clock);
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, Duration.ofDays(30), Duration.ofDays(14));
        org.jukibus.flow.FlowDefinition transferIn = org.jukibus.flow.Flows.standard().byName("transfer-in");
        org.w3c.dom.Document payload = org.jukibus.xml.SecureXml.parse("<p/>".getBytes(StandardCharsets.UTF_8));
        byte[] first = "<Envelope>sealed, then killed before the send</Envelope>".getBytes(StandardCharsets.UTF_8);
        byte[] second = "<Envelope>sealed again when the file is picked up again</Envelope>".getBytes(StandardCharsets.UTF_8);
        String id = UUID.randomUUID().toString();
        Instant at = clock.instant();

        sealed.keep(id, OSAKA, null, payload, first, at, (c, digest) -> status.open(c, id, transferIn, OSAKA, digest, at));
        assertThat(sent.find(id, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.PENDING);
        assertThat(sent.envelopeDigest(id, OSAKA)).contains(org.jukibus.audit.Sha256.hex(first));

        // picked up again after a crash: the record is reused, not refused on its key; either envelope's receipt closes it
        clock.move(Duration.ofMinutes(30));
        sealed.keep(id, OSAKA, null, payload, second, clock.instant(),
                (c, digest) -> status.open(c, id, transferIn, OSAKA, digest, clock.instant()));
        assertThat(sent.find(id)).hasSize(1);
        assertThat(sent.find(id, OSAKA).orElseThrow().queuedAt()).as("counted from the send that happens now, not the one"
                + " a crash cut short: no overdue report a minute after a late restart").isEqualTo(clock.instant());
        status.acknowledged(receipt(id, org.jukibus.audit.Sha256.hex(second)));
        assertThat(sent.find(id, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.DELIVERED);

        // the status cannot be written: nothing of the message is kept either, and the send does not happen (the input fails)
        String refused = UUID.randomUUID().toString();
        assertThatThrownBy(() -> sealed.keep(refused, OSAKA, null, payload, first, at, (c, digest) -> {
            status.open(c, refused, transferIn, OSAKA, digest, at);
            throw new java.sql.SQLException("disk full", "53100");
        })).hasMessageContaining("disk full");
        assertThat(sent.find(refused)).isEmpty();
        assertThat(sealed.find(refused)).isEmpty();
        assertThat(sealed.lastSealed(refused, OSAKA)).isEmpty();
    }

    /** A send that failed after the status was opened: closed as not sent, no overdue report; a receipt after all still counts. */
    @Test
    void a_message_whose_send_failed_is_closed_as_not_sent_and_a_receipt_after_all_still_marks_it_delivered() throws Exception {
        DeliveryStatus status = new DeliveryStatus(sent, org.jukibus.flow.Flows.standard(), clock);
        String id = sentTo(OSAKA, "transfer-in");

        status.notSent(id, OSAKA, "the broker refused the send");

        assertThat(sent.find(id, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(new JdbcTemplate(store).queryForObject("SELECT reason FROM delivery_status WHERE message_id = ?", String.class, id))
                .isEqualTo("NOT_SENT: the broker refused the send");
        // a real exception's message is longer than the column: closed all the same, not left open for a false overdue report
        String long_ = sentTo(OSAKA, "transfer-in");
        status.notSent(long_, OSAKA, "AMQ229102: Address \"jukibus.outbound\" is full. Message encode size = 6,012B and more");
        assertThat(sent.find(long_, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(sent.overdue(clock.instant().plus(Duration.ofDays(365)), 1000)).extracting(SentMessages.Sent::messageId)
                .doesNotContain(id);
        status.acknowledged(receipt(id, null));
        assertThat(sent.find(id, OSAKA)).get().extracting(SentMessages.Sent::state).isEqualTo(SentMessages.State.DELIVERED);
    }

    /** The input of a failed send dropped again after the fix: sent this time, tracked again (overdue if never receipted). */
    @Test
    void a_message_closed_as_not_sent_is_open_again_when_its_input_is_sent_after_all() throws Exception {
        DeliveryStatus status = new DeliveryStatus(sent, org.jukibus.flow.Flows.standard(), clock);
        org.jukibus.flow.FlowDefinition transferIn = org.jukibus.flow.Flows.standard().byName("transfer-in");
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, Duration.ofDays(30), Duration.ofDays(14));
        String id = UUID.randomUUID().toString();
        org.w3c.dom.Document payload = org.jukibus.xml.SecureXml.parse("<p/>".getBytes(StandardCharsets.UTF_8));
        Instant at = clock.instant();
        sealed.keep(id, OSAKA, null, payload, "first".getBytes(), at, (c, digest) -> status.open(c, id, transferIn, OSAKA, digest, at));
        status.notSent(id, OSAKA, "the broker refused the send");

        clock.move(Duration.ofHours(2));
        Instant again = clock.instant();
        sealed.keep(id, OSAKA, null, payload, "second".getBytes(), again,
                (c, digest) -> status.open(c, id, transferIn, OSAKA, digest, again));

        SentMessages.Sent reopened = sent.find(id, OSAKA).orElseThrow();
        assertThat(reopened.state()).isEqualTo(SentMessages.State.PENDING);
        assertThat(reopened.queuedAt()).isEqualTo(again);
        assertThat(sent.envelopeDigest(id, OSAKA)).contains(org.jukibus.audit.Sha256.hex("second".getBytes()));
        assertThat(sent.overdue(again.plus(Duration.ofDays(1)), 1000)).extracting(SentMessages.Sent::messageId).contains(id);
    }

    /**
     * One message id sent to two nodes (a resend to a second node, a fan-out): each recipient's final word is a file of
     * its own. Named by the id alone, the second report replaced the first in the folder before the legacy system took
     * it, and one outcome was lost.
     */
    @Test
    void two_recipients_of_one_message_id_each_get_their_own_non_delivery_file() throws Exception {
        String id = UUID.randomUUID().toString();
        sent.record(id, "transfer-out", PREFECTURE, clock.instant(), true);
        sent.record(id, "transfer-out", OSAKA, clock.instant(), true);

        handler.deliver(notice(id, PREFECTURE, id, "UNKNOWN_PERSON"), null);
        handler.deliver(notice(id, OSAKA, id, "PARTY_MISMATCH"), null);

        List<NonDelivery> reports = new ArrayList<>();
        try (var names = Files.list(report(""))) {
            for (Path f : names.filter(f -> f.getFileName().toString().contains(id)).toList()) {
                reports.add(xml.readValue(Files.readAllBytes(f), NonDelivery.class));
            }
        }
        assertThat(reports).extracting(NonDelivery::recipient, NonDelivery::reasonCode)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(PREFECTURE, "UNKNOWN_PERSON"),
                        org.assertj.core.groups.Tuple.tuple(OSAKA, "PARTY_MISMATCH"));
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(sent.find(id, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
    }

    /**
     * A message nobody answers (an update-count list) is kept two windows for a failure notice, then forgotten only with
     * its own operation log entry: one whose entry cannot be written stays (and is forgotten with it next round), never
     * gone without a word. Without a notice it gets no file: such a flow's legacy system hears of failures only.
     */
    @Test
    void an_open_message_nobody_answers_is_forgotten_only_with_an_operation_log_entry() throws Exception {
        String countList = UUID.randomUUID().toString();
        sent.record(countList, "update-count-list", OSAKA, clock.instant(), false);
        clock.move(Duration.ofDays(61));
        PurgeCutoff cutoff = monotonic();
        UnansweredMessages failing = new UnansweredMessages(sent, files, clock, FlowMetrics.none(), e -> {
            throw new IllegalStateException("operation log unwritable");
        }, cutoff);

        assertThatThrownBy(() -> failing.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60))))
                .hasMessageContaining("operation log unwritable");
        assertThat(sent.find(countList, OSAKA)).as("no word, no forgetting").isPresent();

        List<AuditEvent> audit = new ArrayList<>();
        new UnansweredMessages(sent, files, clock, FlowMetrics.none(), audit::add, cutoff)
                .purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        assertThat(sent.find(countList, OSAKA)).isEmpty();
        assertThat(audit).filteredOn(e -> countList.equals(e.messageId())).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(AuditKind.MESSAGE_NO_FAILURE_REPORTED);
            assertThat(e.flow()).isEqualTo("update-count-list");
        });
        try (var names = Files.list(report(""))) {
            assertThat(names.filter(f -> f.getFileName().toString().contains(countList))).as("no file").isEmpty();
        }
    }

    /**
     * A legacy outbox that cannot be written holds back the NonDelivery files of messages awaiting an answer (they stay
     * open, told next round), not the end of those nobody answers, which needs the operation log only.
     */
    @Test
    void an_unwritable_outbox_does_not_hold_back_the_end_of_messages_nobody_answers() throws Exception {
        String awaiting = sentTo(PREFECTURE, "transfer-out");
        String countList = UUID.randomUUID().toString();
        sent.record(countList, "update-count-list", PREFECTURE, clock.instant(), false);
        clock.move(Duration.ofDays(61));
        Path blockedRoot = Files.createTempDirectory(legacy, "blocked");
        Files.createDirectories(blockedRoot.resolve("outbox"));
        Files.writeString(blockedRoot.resolve("outbox").resolve("non-delivery"), "a file where the folder belongs");
        List<AuditEvent> audit = new ArrayList<>();
        UnansweredMessages blocked = new UnansweredMessages(sent,
                new NonDeliveryFiles(new LegacyOutbox(blockedRoot, new TransferLedger(store, clock))), clock, FlowMetrics.none(),
                audit::add, monotonic());

        assertThatThrownBy(() -> blocked.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60))));

        assertThat(sent.find(awaiting, PREFECTURE).orElseThrow().state()).as("told next round").isEqualTo(SentMessages.State.PENDING);
        assertThat(sent.find(countList, PREFECTURE)).isEmpty();
        assertThat(audit).filteredOn(e -> countList.equals(e.messageId())).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(AuditKind.MESSAGE_NO_FAILURE_REPORTED));
    }

    /**
     * A message queued again between the round's query and its lock (its input picked up after a crash, which counts it
     * from this send) was just sent: the lock checks its age again, so it is neither told UNANSWERED nor forgotten.
     */
    @Test
    void a_message_queued_again_since_the_rounds_query_gets_no_final_word() throws Exception {
        String id = sentTo(PREFECTURE, "transfer-out");
        Instant roundCutoff = clock.instant();
        clock.move(Duration.ofMinutes(1));
        sent.record(id, "transfer-out", PREFECTURE, clock.instant(), true); // queued again, after the round's cutoff
        String countList = UUID.randomUUID().toString();
        sent.record(countList, "update-count-list", PREFECTURE, clock.instant(), false);
        List<String> told = new ArrayList<>();

        assertThat(sent.closeAfter(id, PREFECTURE, roundCutoff, UnansweredMessages.UNANSWERED, clock.instant(),
                m -> told.add(m.messageId()))).isFalse();
        assertThat(sent.forgetAfter(countList, PREFECTURE, roundCutoff, m -> told.add(m.messageId()))).isFalse();

        assertThat(told).isEmpty();
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.PENDING);
        assertThat(sent.find(countList, PREFECTURE)).isPresent();
    }

    /**
     * A host clock set 70 days ahead (more than two windows): the purge's cutoff moves on no faster than twice the time
     * that passed, so no open message, queued a minute before the jump, is told NOT_DELIVERED (UNANSWERED) for good.
     */
    @Test
    void a_host_clock_far_ahead_does_not_tell_every_open_message_unanswered() throws Exception {
        new JdbcTemplate(store).update("DELETE FROM purge_cutoff WHERE purge = 'delivery_status'"); // as on a node that purged before
        List<AuditEvent> audit = new ArrayList<>();
        UnansweredMessages unanswered = new UnansweredMessages(sent, files, clock, FlowMetrics.none(), audit::add);
        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        String awaiting = sentTo(PREFECTURE, "transfer-out");
        String countList = UUID.randomUUID().toString();
        sent.record(countList, "update-count-list", PREFECTURE, clock.instant(), false);

        clock.move(Duration.ofDays(70));
        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));

        assertThat(report(PREFECTURE + "-" + awaiting + ".xml")).as("no false final word").doesNotExist();
        assertThat(sent.find(awaiting, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.PENDING);
        assertThat(sent.find(countList, PREFECTURE)).isPresent();
        assertThat(audit).filteredOn(e -> awaiting.equals(e.messageId()) || countList.equals(e.messageId())).isEmpty();
        // its receipt after the jump still makes it delivered
        assertThat(sent.delivered(awaiting, PREFECTURE, UUID.randomUUID().toString(), clock.instant())).isTrue();
    }

    /**
     * The clock jumps 70 days ahead and stays there: the final word comes two windows after the message was queued by
     * the time that really passed (monotonic), not earlier, however far the clock is ahead.
     */
    @Test
    void after_a_clock_jump_the_final_word_comes_no_earlier_than_two_windows_of_elapsed_time() throws Exception {
        long[] nanos = {0};
        PurgeCutoff cutoff = PurgeCutoff.neverEarly("test-" + UUID.randomUUID(), () -> nanos[0]);
        UnansweredMessages unanswered = new UnansweredMessages(sent, files, clock, FlowMetrics.none(), e -> { }, cutoff);
        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        String id = sentTo(PREFECTURE, "transfer-out");

        clock.move(Duration.ofDays(70)); // the jump, kept: 70 days on the clock at once
        for (int day = 1; day <= 59; day++) {
            nanos[0] += Duration.ofDays(1).toNanos();
            unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        }
        assertThat(report(PREFECTURE + "-" + id + ".xml")).as("59 days passed: not yet").doesNotExist();
        assertThat(sent.find(id, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.PENDING);

        nanos[0] += Duration.ofDays(1).plusHours(1).toNanos(); // two windows and an hour after it was queued
        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));
        assertThat(xml.readValue(Files.readAllBytes(report(PREFECTURE + "-" + id + ".xml")), NonDelivery.class).reasonCode())
                .isEqualTo(UnansweredMessages.UNANSWERED);
    }

    private org.apache.camel.Exchange receipt(String answering, String digest) throws Exception {
        org.jukibus.flow.Receipt receipt = new org.jukibus.flow.Receipt(answering, clock.instant().toString(), OSAKA,
                org.jukibus.flow.Receipt.DELIVERED, null, digest);
        EnvelopeHeader header = new EnvelopeHeader(UUID.randomUUID().toString(), org.jukibus.flow.Receipt.TYPE, OSAKA, SHINJUKU,
                clock.instant(), answering);
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        exchange.setProperty(org.jukibus.flow.InboundDelivery.DELIVERED,
                new Delivered(org.jukibus.flow.Flows.RECEIPT, header, xml.writeValueAsBytes(receipt)));
        return exchange;
    }

    /**
     * A purge cutoff of its own (no other test's stored cutoff) whose monotonic time passes as this test's clock moves:
     * a test that moves the clock 61 days means 61 days passed.
     */
    private PurgeCutoff monotonic() {
        return PurgeCutoff.neverEarly("test-" + UUID.randomUUID(), () -> clock.millis() * 1_000_000);
    }

    private String sentTo(String recipient, String flow) {
        String id = UUID.randomUUID().toString();
        sent.record(id, flow, recipient, clock.instant(), true);
        return id;
    }

    private Delivered notice(String about, String from, String correlationId, String reason) throws Exception {
        NonDeliveryNotice notice = new NonDeliveryNotice(about, "transfer-out", from, reason,
                NonDeliveryFlow.reasonText(reason), clock.instant().toString());
        EnvelopeHeader header = new EnvelopeHeader(UUID.randomUUID().toString(), NonDeliveryNotice.TYPE, from, SHINJUKU,
                clock.instant(), correlationId);
        return new Delivered(NonDeliveryFlow.FLOW, header, xml.writeValueAsBytes(notice));
    }
}
