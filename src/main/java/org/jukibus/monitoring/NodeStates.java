package org.jukibus.monitoring;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides a node's state from its recorded status row: the rules of the status check, kept apart
 * from the store and the clock so they can be read (and tested) on their own.
 *
 * <ul>
 *   <li>Silence is measured from the later of the last heartbeat and central's start: a node that
 *       has not been heard since central started gets {@code silence-after} from the start, not
 *       from the epoch or from before central was down (no alert storm when central starts).</li>
 *   <li>Silent for longer than {@code silence-after}: SILENT, since the last heartbeat (or central's
 *       start if there never was one since).</li>
 *   <li>Heard from, health DOWN: UNHEALTHY, since the health changed (or it came back, if later:
 *       the first heartbeat after a gap longer than {@code silence-after}).</li>
 *   <li>Heard from, health UP: OK, since the health changed (or it came back, if later).</li>
 *   <li>Not heard from yet, not silent for long enough: no decision, the state stays.</li>
 *   <li>A heartbeat or listing recorded later than now (central's clock was moved back since) counts as
 *       not heard: silence is then measured from central's start, which the board moves back with the
 *       clock.</li>
 * </ul>
 */
public final class NodeStates {

    private NodeStates() {
    }

    /** The change of state the row calls for at {@code now}, or null when it stays. */
    public static StateChange next(NodeStatusRow row, Instant now, Instant centralStartedAt, Duration silenceAfter) {
        // a heartbeat recorded "later than now" was received before central's clock was moved back: it says
        // nothing about the node's silence since, which is measured from central's (moved) start instead
        Instant lastHeard = row.lastHeartbeatAt() == null || row.lastHeartbeatAt().isAfter(now) ? null : row.lastHeartbeatAt();
        // a node never heard is watched from central's start, or from when a later directory listed it
        Instant watchedFrom = row.state() == NodeState.UNKNOWN && row.stateSince() != null && row.stateSince().isAfter(centralStartedAt)
                && !row.stateSince().isAfter(now) ? row.stateSince() : centralStartedAt;
        Instant reference = lastHeard == null || lastHeard.isBefore(watchedFrom) ? watchedFrom : lastHeard;
        NodeState to;
        Instant since;
        String detail;
        if (Duration.between(reference, now).compareTo(silenceAfter) > 0) {
            to = NodeState.SILENT;
            since = lastHeard != null ? lastHeard : watchedFrom;
            detail = lastHeard != null
                    ? "no heartbeat since " + lastHeard + " (silent after " + silenceAfter + ")"
                    : watchedFrom.equals(centralStartedAt)
                    ? "no heartbeat since central started at " + centralStartedAt + " (silent after " + silenceAfter + ")"
                    : "no heartbeat since it was listed in the directory at " + watchedFrom + " (silent after " + silenceAfter + ")";
        } else if (lastHeard == null) {
            return null;
        } else {
            to = row.up() ? NodeState.OK : NodeState.UNHEALTHY;
            since = later(row.healthSince(), row.state() == NodeState.SILENT ? row.resumedAt() : null, lastHeard);
            if (row.state() == NodeState.SILENT && since.isBefore(row.stateSince())) {
                since = row.stateSince(); // back, but when exactly is not recorded: not before it went silent
            }
            detail = row.up()
                    ? "heartbeat at " + lastHeard + ", health UP"
                    : "heartbeat at " + lastHeard + ", health DOWN: " + down(row.components());
        }
        if (to == row.state()) {
            return null;
        }
        return new StateChange(row.node(), row.role(), row.state(), to, since, lastHeard, detail);
    }

    /** The later of a and b, or {@code fallback} when both are null. */
    private static Instant later(Instant a, Instant b, Instant fallback) {
        if (a == null && b == null) {
            return fallback;
        }
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /** The components that are not UP, from the stored {@code name=STATUS ...} list. */
    private static String down(String components) {
        if (components == null || components.isBlank()) {
            return "no component named";
        }
        StringBuilder sb = new StringBuilder();
        for (String part : components.split(" ")) {
            if (!part.endsWith("=" + NodeHeartbeat.UP)) {
                sb.append(sb.isEmpty() ? "" : ", ").append(part);
            }
        }
        return sb.isEmpty() ? "no component DOWN" : sb.toString();
    }
}
