package org.jukibus.flow.transferout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.jukibus.flow.transferout.TransferOutTestData.BUNKYO;
import static org.jukibus.flow.transferout.TransferOutTestData.SHINJUKU;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jukibus.clock.NodeClock;
import org.jukibus.directory.LiveDirectory;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.MessageIds;
import org.jukibus.xml.Schemas;
import org.jukibus.flow.transferin.TransferInFlow;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** The old municipality confirms each transfer-in notice it delivers to its own prefecture. */
class TransferOutConfirmerTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T00:30:00.123Z"), ZoneOffset.UTC);
    private final Delivered notice = TransferOutTestData.delivered(TransferInFlow.NOTICE, BUNKYO, SHINJUKU,
            TransferOutTestData.notice(BUNKYO, SHINJUKU));

    @Test
    void a_delivered_notice_is_answered_with_a_confirmation_to_the_own_prefecture() throws Exception {
        TransferOutConfirmer confirmer = new TransferOutConfirmer(SHINJUKU, TransferOutTestData.directory(true), clock, true);

        List<Answer> answers = confirmer.answers(notice);

        assertThat(answers).hasSize(1);
        Answer answer = answers.get(0);
        assertThat(answer.flow()).isEqualTo(TransferOutFlow.CONFIRMATION);
        assertThat(answer.recipient()).isEqualTo("13");
        assertThat(answer.messageId()).isEqualTo(MessageIds.answerOf("transfer-out", BUNKYO, notice.header().messageId()));
        assertThat(answer.correlationId()).as("the notice's id stays out of the prefecture's cleartext headers").isNull();
        assertThatCode(() -> Schemas.validate(TransferOutConfirmation.SCHEMA, answer.payload())).doesNotThrowAnyException();
        TransferOutConfirmation c = new XmlMapper().readValue(
                org.jukibus.xml.SecureXml.serialize(answer.payload()), TransferOutConfirmation.class);
        assertThat(c).isEqualTo(new TransferOutConfirmation("12345678903", "住基 花子", "1985-04-01",
                "東京都文京区本郷七丁目3番1号", "2026-11-20", SHINJUKU, BUNKYO, "13", notice.header().messageId(),
                "2026-11-21T00:30:00Z"));
    }

    @Test
    void a_redelivery_gives_the_same_message_id() throws Exception {
        TransferOutConfirmer confirmer = new TransferOutConfirmer(SHINJUKU, TransferOutTestData.directory(true), clock, true);

        assertThat(confirmer.answers(notice).get(0).messageId()).isEqualTo(confirmer.answers(notice).get(0).messageId());
    }

    @Test
    void switched_off_it_leaves_confirming_to_the_legacy_system() throws Exception {
        TransferOutConfirmer confirmer = new TransferOutConfirmer(SHINJUKU, TransferOutTestData.directory(true), clock, false);

        assertThat(confirmer.answers(notice)).isEmpty();
    }

    /**
     * A directory without the municipality's prefecture node is a directory error: the confirmation is still made, to
     * the prefecture's code, for the shared answer step to keep and dead-letter (flow.Answers), never dropped.
     */
    @Test
    void without_a_prefecture_node_in_the_directory_the_confirmation_is_still_made_to_the_prefectures_code() throws Exception {
        TransferOutConfirmer confirmer = new TransferOutConfirmer(SHINJUKU, TransferOutTestData.directory(false), clock, true);

        List<Answer> answers = confirmer.answers(notice);

        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).recipient()).isEqualTo("13");
        assertThat(answers.get(0).messageId()).isEqualTo(MessageIds.answerOf("transfer-out", BUNKYO, notice.header().messageId()));
    }

    @Test
    void the_held_confirmations_are_counted_per_directory_serial() throws Exception {
        AtomicReference<NodeDirectory> current = new AtomicReference<>(TransferOutTestData.directory(false));
        TransferOutConfirmer confirmer = new TransferOutConfirmer(SHINJUKU, new LiveDirectory(current::get), clock, true);

        for (int i = 0; i < 3; i++) {
            confirmer.answers(notice);
        }
        assertThat(confirmer.heldUnderLastSerial()).isEqualTo(3);

        current.set(TransferOutTestData.directory(false, 2)); // a new directory, still without the prefecture
        confirmer.answers(notice);
        assertThat(confirmer.heldUnderLastSerial()).isEqualTo(1);
        assertThat(confirmer.heldInAll()).isEqualTo(4);

        current.set(TransferOutTestData.directory(true, 3)); // fixed: nothing more held
        long lines = confirmer.linesLogged();
        assertThat(confirmer.answers(notice)).hasSize(1);
        assertThat(confirmer.heldInAll()).as("the count that never resets").isEqualTo(4);
        assertThat(confirmer.linesLogged()).isEqualTo(lines);
    }

    /**
     * The anti-flood part: one line for a directory serial that lacks the prefecture node, then at most one an hour
     * with the count since, on a monotonic source: the node clock moved back by a drill (here fixed, and even moved
     * back) neither silences nor hastens it.
     */
    @Test
    void the_held_confirmations_are_logged_once_per_serial_then_once_an_hour_with_a_count() throws Exception {
        AtomicLong ticks = new AtomicLong(1_000);
        NodeClock nodeClock = new NodeClock(clock, Duration.ZERO);
        TransferOutConfirmer confirmer = new TransferOutConfirmer(SHINJUKU, TransferOutTestData.directory(false), nodeClock,
                true, ticks::get);

        for (int i = 0; i < 50; i++) {
            confirmer.answers(notice);
        }
        assertThat(confirmer.linesLogged()).as("one line, not 50").isEqualTo(1);
        assertThat(confirmer.lastLineLogged()).contains("serial 1").contains("no prefecture node 13");

        nodeClock.moveTo(Duration.ofHours(-3)); // a drill moves the node clock back
        ticks.addAndGet(Duration.ofMinutes(59).toNanos());
        confirmer.answers(notice);
        assertThat(confirmer.linesLogged()).as("within the hour").isEqualTo(1);

        ticks.addAndGet(Duration.ofMinutes(2).toNanos());
        confirmer.answers(notice);
        assertThat(confirmer.linesLogged()).isEqualTo(2);
        assertThat(confirmer.lastLineLogged()).startsWith("51 more transfer-out confirmations of " + SHINJUKU)
                .contains("52 under directory serial 1");
    }
}
