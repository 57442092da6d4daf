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
}
