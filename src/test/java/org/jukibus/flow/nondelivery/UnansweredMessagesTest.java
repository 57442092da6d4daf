package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.flow.FlowMetrics;
import org.jukibus.flow.PurgeCutoff;
import org.junit.jupiter.api.Test;

/** The final words of the delivery-status purge: one report that cannot be made does not hold back the others. */
class UnansweredMessagesTest extends SenderEndFixture {

    static final String PREFECTURE = "13";

    /**
     * The oldest open message's report is refused for its own reason (a recipient code no file can be named by, which
     * the schema refuses too): before, it failed every hourly round and, read oldest first, held back every later
     * message's final word for good. Now it is closed with its word in the operation log, saying no file was made and
     * why, and the later message gets its NonDelivery file in the same round.
     */
    @Test
    void a_report_refused_for_its_own_reason_goes_aside_and_the_later_messages_get_their_final_word() throws Exception {
        String bad = UUID.randomUUID().toString();
        sent.record(bad, "transfer-out", "X", clock.instant(), true); // one character: no NodeCode
        clock.move(Duration.ofMinutes(1));
        String good = UUID.randomUUID().toString();
        sent.record(good, "transfer-out", PREFECTURE, clock.instant(), true);
        clock.move(Duration.ofDays(61));
        List<AuditEvent> audit = new ArrayList<>();
        UnansweredMessages unanswered = new UnansweredMessages(sent, files, clock, FlowMetrics.none(), audit::add,
                PurgeCutoff.neverEarly("test-" + UUID.randomUUID(), () -> clock.millis() * 1_000_000));

        unanswered.purge(clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(60)));

        assertThat(report(PREFECTURE + "-" + good + ".xml")).as("the later message is told").exists();
        assertThat(sent.find(good, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(sent.find(bad, "X").orElseThrow().state()).as("not told again every hour").isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(audit).filteredOn(e -> bad.equals(e.messageId())).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(AuditKind.MESSAGE_UNANSWERED);
            assertThat(e.detail()).contains("NO FILE MADE");
        });
        try (var names = Files.list(legacy.resolve("outbox").resolve(NonDeliveryFiles.FOLDER))) {
            assertThat(names.filter(f -> f.getFileName().toString().contains(bad))).as("no file for it").isEmpty();
        }
    }

    /** More refused reports than a batch holds: each goes aside once, the round ends, the later message is told. */
    @Test
    void more_refused_reports_than_a_batch_do_not_hold_back_the_next_batch() throws Exception {
        for (int i = 0; i < 501; i++) {
            sent.record(UUID.randomUUID().toString(), "transfer-out", "Y", clock.instant(), true);
        }
        clock.move(Duration.ofMinutes(1));
        String good = UUID.randomUUID().toString();
        sent.record(good, "transfer-out", PREFECTURE, clock.instant(), true);
        clock.move(Duration.ofDays(61));
        List<AuditEvent> audit = new ArrayList<>();

        int told = new UnansweredMessages(sent, files, clock, FlowMetrics.none(), audit::add)
                .tell(clock.instant().minus(Duration.ofDays(60)));

        assertThat(told).isEqualTo(502);
        assertThat(sent.find(good, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(audit).filteredOn(e -> e.detail().contains("NO FILE MADE")).hasSize(501);
    }

    /**
     * review-finalword L1: one name the legacy share refuses (here a folder of that name holding a file: the rename onto
     * it fails, as for a file held open or read-only) leaves that message open, to be told next round, and the later
     * message gets its file in the same round; the round still reports the failure.
     */
    @Test
    void a_file_that_cannot_be_written_under_its_name_leaves_its_message_open_and_the_later_ones_are_told() throws Exception {
        String blocked = UUID.randomUUID().toString();
        sent.record(blocked, "transfer-out", PREFECTURE, clock.instant(), true);
        Path taken = Files.createDirectories(report(PREFECTURE + "-" + blocked + ".xml"));
        Files.writeString(taken.resolve("held"), "the legacy system's");
        clock.move(Duration.ofMinutes(1));
        String good = UUID.randomUUID().toString();
        sent.record(good, "transfer-out", PREFECTURE, clock.instant(), true);
        clock.move(Duration.ofDays(61));
        UnansweredMessages unanswered = new UnansweredMessages(sent, files, clock, FlowMetrics.none(), e -> { });

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> unanswered.tell(clock.instant().minus(Duration.ofDays(60))))
                .isInstanceOf(org.jukibus.flow.TransientFailure.class);

        assertThat(sent.find(good, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
        assertThat(report(PREFECTURE + "-" + good + ".xml")).isRegularFile();
        assertThat(sent.find(blocked, PREFECTURE).orElseThrow().state()).as("told next round").isEqualTo(SentMessages.State.PENDING);

        Files.delete(taken.resolve("held"));
        Files.delete(taken);
        assertThat(unanswered.tell(clock.instant().minus(Duration.ofDays(60)))).isEqualTo(1);
        assertThat(sent.find(blocked, PREFECTURE).orElseThrow().state()).isEqualTo(SentMessages.State.NOT_DELIVERED);
    }
}
