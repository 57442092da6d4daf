package org.jukibus.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the host's time service says of the clock, read from systemd-timesyncd's marker, else timedatectl, else unknown. */
class ClockSyncTest {

    @TempDir
    Path dir;

    @Test
    void timedatectls_answer_first_and_timesyncds_marker_only_when_it_has_none() throws Exception {
        Path marker = dir.resolve("synchronized");
        AtomicReference<String> timedatectl = new AtomicReference<>("no\n");
        ClockSync sync = new ClockSync(marker, timedatectl::get, null);
        assertThat(sync.state()).isEqualTo(ClockSync.State.NOT_SYNCHRONISED);
        assertThat(sync.state().gauge).isZero();

        timedatectl.set("yes\n");
        sync.refresh();
        assertThat(sync.state()).isEqualTo(ClockSync.State.SYNCHRONISED);

        timedatectl.set(null); // no systemd, no D-Bus: a container
        sync.refresh();
        assertThat(sync.state()).isEqualTo(ClockSync.State.UNKNOWN);
        assertThat(sync.state().gauge).isEqualTo(-1);

        Files.createFile(marker); // timesyncd synchronised once since the boot; timedatectl says nothing
        sync.refresh();
        assertThat(sync.state()).isEqualTo(ClockSync.State.SYNCHRONISED);

        timedatectl.set("no"); // the servers unreachable for long: the kernel's flag says so, the marker stays (review M2)
        sync.refresh();
        assertThat(sync.state()).isEqualTo(ClockSync.State.NOT_SYNCHRONISED);
    }

    /**
     * For a decision that cannot be taken back (the final words' cutoff catching up): timedatectl's answer asked now,
     * not the state read minutes ago, and never the marker alone (it says only "synchronised once since the boot").
     */
    @Test
    void synchronised_now_asks_timedatectl_at_once_and_does_not_take_the_marker() throws Exception {
        Path marker = Files.createFile(dir.resolve("synchronized"));
        AtomicReference<String> timedatectl = new AtomicReference<>("yes\n");
        ClockSync sync = new ClockSync(marker, timedatectl::get, null);
        assertThat(sync.synchronisedNow()).isTrue();

        timedatectl.set("no"); // a clock set by hand since the last read: the cached state still says synchronised
        assertThat(sync.state()).isEqualTo(ClockSync.State.SYNCHRONISED);
        assertThat(sync.synchronisedNow()).isFalse();

        timedatectl.set(null); // no answer: the marker would say synchronised, this does not
        assertThat(sync.synchronisedNow()).isFalse();
    }
}
