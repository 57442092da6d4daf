package org.jukibus.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A peer's text as this node logs it and keeps it on a parked envelope (analysis-merge11 L5). */
class PeerTextTest {

    @Test
    void a_peer_cannot_write_a_log_line_of_its_own_making() {
        String forged = "no such address\n2026-12-07T15:42:19.172Z  INFO [131041] --- [main] org.jukibus : all is well\r\u2028\u0085\u001b[2J\u202e";

        String kept = PeerText.of(forged);

        assertThat(kept).doesNotContain("\n", "\r", "\u2028", "\u0085", "\u001b", "\u202e")
                .startsWith("no such address\\u000a2026-12-07T15:42:19.172Z  INFO")
                .contains("\\u000d\\u2028\\u0085\\u001b[2J\\u202e");
    }

    @Test
    void its_backslashes_are_doubled_so_that_an_escape_of_its_own_stays_visible_as_such() {
        assertThat(PeerText.of("a\\u000ab")).isEqualTo("a\\\\u000ab");
    }

    @Test
    void a_long_text_is_cut_to_300_characters_with_a_mark_and_a_short_one_kept_whole() {
        assertThat(PeerText.of("x".repeat(300))).isEqualTo("x".repeat(300));
        assertThat(PeerText.of("x".repeat(100_000))).hasSize(PeerText.MAX_CHARS).endsWith("x…");
        // escapes count: the cut never leaves more than 300 characters, nor half an escape
        String cut = PeerText.of("\n".repeat(100));
        assertThat(cut).hasSizeLessThanOrEqualTo(PeerText.MAX_CHARS).endsWith("\\u000a…");
        assertThat(PeerText.of(null)).isEqualTo("null");
    }

    @Test
    void a_cut_never_splits_a_character_in_two() {
        String kept = PeerText.of("x".repeat(298) + "\uD83D\uDE00" + "tail");
        assertThat(kept).isEqualTo("x".repeat(298) + "…");
    }
}
