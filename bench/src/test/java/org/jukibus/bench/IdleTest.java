package org.jukibus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class IdleTest {

    @Test
    void threadsAreCountedPerThreadSoAThreadThatEndedNeverMakesTheWindowNegative() {
        // thread 1 switched 3 times and ran 2 ticks, thread 2 ended (its counts gone with it), thread 3 started
        Map<String, ThreadProfile.Task> before = Map.of("1", new ThreadProfile.Task("kibus-forward-1", 10, 5, 4, 1),
                "2", new ThreadProfile.Task("kibus-forward-2", 900, 100, 1_000, 0));
        Map<String, ThreadProfile.Task> after = Map.of("1", new ThreadProfile.Task("kibus-forward-1", 11, 6, 6, 2),
                "3", new ThreadProfile.Task("kibus-forward-3", 0, 1, 2, 0));
        ThreadProfile.Delta d = ThreadProfile.between(before, after, 1_000_000_000L);
        assertThat(d.switches()).isEqualTo(5);
        assertThat(d.userTicks()).isEqualTo(1);
        assertThat(d.systemTicks()).isEqualTo(2);
        // one pool of two threads: 3 ticks of 10 ms in a second, 3% of a core
        assertThat(d.top(5)).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("kibus-forward");
            assertThat(g.threads()).isEqualTo(2);
        });
        assertThat(d.describe(5)).contains("user 1.00% / system 2.00% of a core", "kibus-forward ×2 3.00% (5/s)");
    }

    @Test
    void aThreadIdReusedByAnotherThreadCountsFromZero() {
        ThreadProfile.Delta d = ThreadProfile.between(Map.of("7", new ThreadProfile.Task("old", 500, 0, 500, 0)),
                Map.of("7", new ThreadProfile.Task("new", 1, 0, 1, 0)), 1_000_000_000L);
        assertThat(d.userTicks()).isEqualTo(1);
        assertThat(d.switches()).isEqualTo(1);
    }

    @Test
    void threadsGroupByTheirNameWithoutTheTrailingNumber() {
        assertThat(ThreadProfile.group("C2 CompilerThread0")).isEqualTo("C2 CompilerThread");
        assertThat(ThreadProfile.group("kibus-forward-12")).isEqualTo("kibus-forward");
        assertThat(ThreadProfile.group("Thread-3 (Activ")).isEqualTo("Thread-3 (Activ");
        assertThat(ThreadProfile.group("VM Thread")).isEqualTo("VM Thread");
        assertThat(ThreadProfile.group("42")).isEqualTo("42");
    }

    @Test
    void windowsAddUpByPool() {
        ThreadProfile.Delta a = ThreadProfile.between(Map.of(), Map.of("1", new ThreadProfile.Task("x-1", 2, 0, 3, 0)), 1_000_000_000L);
        ThreadProfile.Delta b = ThreadProfile.between(Map.of(), Map.of("2", new ThreadProfile.Task("x-2", 4, 0, 1, 0)), 1_000_000_000L);
        ThreadProfile.Delta sum = ThreadProfile.Delta.EMPTY.plus(a).plus(b);
        assertThat(sum.wallNanos()).isEqualTo(2_000_000_000L);
        assertThat(sum.top(3)).singleElement().satisfies(g -> assertThat(g.cpuTicks()).isEqualTo(6));
    }
}
