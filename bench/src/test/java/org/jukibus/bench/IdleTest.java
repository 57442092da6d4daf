package org.jukibus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class IdleTest {

    @Test
    void switchesAreCountedPerThreadSoAThreadThatEndedNeverMakesTheWindowNegative() {
        // thread 1 switched 3 times, thread 2 ended (its 1,000 gone with it), thread 3 started and switched twice
        assertThat(Idle.switchesBetween(Map.of("1", 5L, "2", 1_000L), Map.of("1", 8L, "3", 2L))).isEqualTo(5);
    }
}
