package org.jukibus.clock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jukibus.core.PeriodicJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the host's time service says the system clock is synchronised. A node whose host came back with its clock
 * behind (systemd-timesyncd restores the time it saved at shutdown; NTP not yet reachable) would refuse its peers'
 * backlog as made in its future; the start check ({@code audit.ClockAtStart}) catches only a clock behind the operation
 * log's last entry. This says so from the start: a gauge, the health component {@code clock}, an alert, a WARN at start.
 * It never stops the node: a node without NTP must still run (an isolated site, a test host).
 * <p>
 * Read without root, in this order:
 * <ol>
 *   <li>{@code timedatectl show -p NTPSynchronized --value}: systemd-timedated's answer, which is the kernel's
 *       ({@code adjtimex}: STA_UNSYNC clear; set again once the estimated error passes 16 s without a server), so it
 *       holds for chrony and ntpd too: {@code yes} or {@code no};</li>
 *   <li>when it gives no answer, {@code /run/systemd/timesync/synchronized}: systemd-timesyncd touches it at each
 *       synchronisation (systemd 239 and later) and removes it only at a reboot, so it says "synchronised once since
 *       the boot"; its absence proves nothing (chrony, ntpd, or not yet);</li>
 *   <li>else (no systemd or no D-Bus: a container, a minimal host) {@link State#UNKNOWN}.</li>
 * </ol>
 */
public final class ClockSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClockSync.class);

    public static final Path TIMESYNCD_MARKER = Path.of("/run/systemd/timesync/synchronized");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    /** What the host's time service says of the clock. */
    public enum State {
        SYNCHRONISED(1), NOT_SYNCHRONISED(0), UNKNOWN(-1);

        /** The gauge's value. */
        public final int gauge;

        State(int gauge) {
            this.gauge = gauge;
        }
    }

    private final Path marker;
    private final Supplier<String> timedatectl;
    private volatile State state = State.UNKNOWN;
    private final PeriodicJob job;

    /**
     * @param marker      systemd-timesyncd's marker file
     * @param timedatectl the output of {@code timedatectl show -p NTPSynchronized --value}, null if it failed
     * @param every       how often to read again; null: only when {@link #refresh} is called
     */
    public ClockSync(Path marker, Supplier<String> timedatectl, Duration every) {
        this.marker = marker;
        this.timedatectl = timedatectl;
        refresh();
        this.job = every == null ? null : PeriodicJob.start("clock-sync", every, every, this::refresh);
    }

    /** The host's: the marker file and the real timedatectl, read every five minutes; the WARN at start if not synchronised. */
    public static ClockSync ofHost() {
        ClockSync sync = new ClockSync(TIMESYNCD_MARKER, ClockSync::runTimedatectl, Duration.ofMinutes(5));
        switch (sync.state()) {
            case NOT_SYNCHRONISED -> log.warn("the host's time service says the system clock is NOT synchronised "
                    + "(timedatectl: NTPSynchronized=no): if it is behind, envelopes made since are held as made in this "
                    + "node's future and refused once their hold is over. Check 'timedatectl' / 'chronyc tracking' "
                    + "(docs/deployment.md, \"The host clock\"); the node runs all the same");
            case UNKNOWN -> log.info("whether the system clock is synchronised is unknown here (no systemd-timesyncd marker, "
                    + "timedatectl not answering: a container?); the gauge jukibus_clock_synchronized says -1");
            case SYNCHRONISED -> log.debug("the system clock is synchronised");
        }
        return sync;
    }

    public State state() {
        return state;
    }

    /**
     * Whether timedatectl says, asked now, that the clock is synchronised: for a decision that cannot be taken back
     * (flow.PurgeCutoff's catching up), not the state read up to five minutes ago, and not the timesyncd marker, which
     * says only "synchronised once since the boot" (a clock set by hand since would pass). Runs timedatectl (at most 2 s).
     */
    public boolean synchronisedNow() {
        String answer = timedatectl.get();
        return answer != null && "yes".equals(answer.trim());
    }

    /** Reads the state again; a change is logged (WARN when it is lost). */
    public void refresh() {
        State now = read();
        State before = state;
        state = now;
        if (before != State.NOT_SYNCHRONISED && now == State.NOT_SYNCHRONISED) {
            // from unknown too: at boot timedated may not answer within the first read's 2 s
            log.warn("the host's time service says the system clock is not synchronised (NTPSynchronized=no, was {})", before);
        } else if (before == State.NOT_SYNCHRONISED && now == State.SYNCHRONISED) {
            log.info("the system clock is synchronised again");
        }
    }

    private State read() {
        String answer = timedatectl.get();
        if (answer != null) {
            switch (answer.trim()) {
                case "yes": return State.SYNCHRONISED;
                case "no": return State.NOT_SYNCHRONISED;
                default: break;
            }
        }
        // timesyncd touches the marker at each synchronisation and removes it only at a reboot: it says the clock was
        // synchronised once since the boot, not that it still is, so it is asked only when timedatectl cannot answer
        return Files.exists(marker) ? State.SYNCHRONISED : State.UNKNOWN;
    }

    /** {@code timedatectl show -p NTPSynchronized --value}, or null when it is missing, fails or takes over 2 s. */
    static String runTimedatectl() {
        try {
            Process p = new ProcessBuilder("timedatectl", "show", "-p", "NTPSynchronized", "--value")
                    .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        if (job != null) {
            job.close();
        }
    }
}
