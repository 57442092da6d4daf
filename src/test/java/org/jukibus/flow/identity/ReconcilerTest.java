package org.jukibus.flow.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.jukibus.calendar.OperatingCalendar;
import org.junit.jupiter.api.Test;

/** What counts as reconciled, and which updates the last cut-off covers. */
class ReconcilerTest {

    private static final String ID = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e";
    private final SentUpdates.Sent sent = new SentUpdates.Sent(ID, "13", 3,
            Map.of(ChangeReason.BIRTH, 2, ChangeReason.DEATH, 1), Instant.parse("2026-11-24T01:00:00Z"));

    @Test
    void a_list_confirming_every_record_sent_is_ok() {
        UpdateCountList list = new UpdateCountList("13", "131041", ID, 3, List.of(
                new UpdateCountList.Count(ChangeReason.BIRTH, 2, 0), new UpdateCountList.Count(ChangeReason.DEATH, 1, 0)), List.of());

        assertThat(Reconciler.compare(sent, list).outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void a_refused_record_is_a_mismatch_naming_the_item_and_reason() {
        UpdateCountList list = new UpdateCountList("13", "131041", ID, 3, List.of(
                new UpdateCountList.Count(ChangeReason.BIRTH, 1, 1), new UpdateCountList.Count(ChangeReason.DEATH, 1, 0)),
                List.of(new UpdateCountList.Refusal(2, ChangeReason.BIRTH, "OTHER_PREFECTURE", "its municipality 271004 ...")));

        Reconciler.Result result = Reconciler.compare(sent, list);

        assertThat(result.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(result.detail()).contains("BIRTH: sent 2, recorded 1, refused 1").contains("item 2 (BIRTH) refused: OTHER_PREFECTURE");
    }

    @Test
    void counts_that_differ_without_a_refusal_are_a_mismatch() {
        UpdateCountList list = new UpdateCountList("13", "131041", ID, 2, List.of(
                new UpdateCountList.Count(ChangeReason.BIRTH, 2, 0)), List.of());

        Reconciler.Result result = Reconciler.compare(sent, list);

        assertThat(result.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(result.detail()).contains("received 2 of 3").contains("DEATH: sent 1, recorded 0");
    }

    @Test
    void a_change_reason_recorded_but_never_sent_is_a_mismatch() {
        UpdateCountList list = new UpdateCountList("13", "131041", ID, 3, List.of(
                new UpdateCountList.Count(ChangeReason.BIRTH, 2, 0), new UpdateCountList.Count(ChangeReason.TRANSFER_IN, 1, 0)), List.of());

        assertThat(Reconciler.compare(sent, list).detail()).contains("DEATH: sent 1, recorded 0").contains("TRANSFER_IN: sent 0, recorded 1");
    }

    @Test
    void before_the_cutoff_the_previous_cutoff_covers_updates_of_two_days_ago() {
        CutoffSchedule schedule = new CutoffSchedule(() -> OperatingCalendar.everyDay(ZoneId.of("Asia/Tokyo")));

        // 2026-11-25 08:29 in Tokyo: today's cut-off has not passed; yesterday's covers what was sent before 2026-11-24
        assertThat(schedule.confirmedBefore(Instant.parse("2026-11-24T23:29:00Z")))
                .isEqualTo(Instant.parse("2026-11-23T15:00:00Z"));
        // 08:30: today's cut-off covers everything sent before today (Tokyo)
        assertThat(schedule.confirmedBefore(Instant.parse("2026-11-24T23:30:00Z")))
                .isEqualTo(Instant.parse("2026-11-24T15:00:00Z"));
    }
}
