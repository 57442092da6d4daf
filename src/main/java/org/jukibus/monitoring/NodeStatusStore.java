package org.jukibus.monitoring;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Central's record of every node's status in its store ({@code db/migration/central/V100}, V150, V396): the
 * current row per node and the history of changes. Every write is one statement, so a heartbeat
 * delivery and the status check may run at the same time; state changes are compare-and-set.
 */
public final class NodeStatusStore {

    /** One line of the history. */
    public record Event(String node, String status, Instant at, Instant recordedAt, String detail, List<String> alertIds) {
    }

    /**
     * A heartbeat recorded: whether it is the node's latest now, and the security events it reports now (what it adds to
     * what central knows, with what earlier heartbeats held back; none while the node's event interval runs).
     */
    public record Recorded(boolean latest, NodeHeartbeat.SecurityCounts added, EpisodeAlert alert) {
    }

    /**
     * A node's episode of security events: when central received the heartbeat that began it and the last one that added
     * to it, and its totals since it began.
     */
    public record SecurityEpisode(String node, Instant since, Instant lastAt, NodeHeartbeat.SecurityCounts totals) {
    }

    /**
     * Makes the history line of a heartbeat's security events: with alerts unless {@code alert} is NONE; {@code episode}
     * with this line's counts in its totals.
     */
    @FunctionalInterface
    public interface SecurityEventLine {
        Event of(NodeHeartbeat.SecurityCounts added, EpisodeAlert alert, SecurityEpisode episode);
    }

    /**
     * How far a recorded time may lie ahead of a new heartbeat's receipt before the recorded one is taken
     * for a clock that was moved back; above the skew parallel deliveries give two heartbeats.
     */
    static final Duration CLOCK_MOVED = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public NodeStatusStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(jdbc.getDataSource()));
    }

    /** Lists a node not heard from yet (state UNKNOWN since {@code since}); a node already listed is left alone. */
    public void list(String node, String role, Instant since) {
        jdbc.update("INSERT INTO node_status (node, role, state, state_since) VALUES (?, ?, 'UNKNOWN', ?) "
                + "ON CONFLICT (node) DO NOTHING", node, role, ts(since));
    }

    /**
     * Records a heartbeat received at {@code receivedAt}, and the security events it adds as a line of the history
     * ({@code securityEvent} makes it, keyed by the node and the heartbeat's id), in one transaction. A heartbeat of this version
     * carries totals since the node's store began counting: what it adds is, per counter, what it grew past the
     * totals central recorded for that store ({@link #added}), whatever the heartbeat's SentAt, so a heartbeat dropped
     * on the way (after its time to live) loses no count and an older one delivered late adds nothing; totals that
     * count from another time come from a store that was replaced or restored, and count in full (a count reported
     * twice rather than one lost). The node's row is locked meanwhile, so two of its heartbeats
     * delivered at once take their differences one after the other. An older heartbeat
     * than the one recorded (by the node's SentAt: deliveries run in parallel) changes none of the row's other columns, unless a
     * clock was moved back: the recorded SentAt lies more than {@link #CLOCK_MOVED} ahead of this
     * receipt (the node's clock was ahead and was corrected), or the recorded receipt lies more than that
     * ahead of this one (central's clock was moved back, e.g. at the end of a drill). Without that a
     * clock moved back by 40 days froze the node's row for 40 days. Notes when the node came
     * back (the first heartbeat after none for longer than {@code silenceAfter}: whether or not the
     * check has recorded it as SILENT yet) and when its health changed, for the next status check. An earlier
     * version's counts since its previous heartbeat are added as they are. No interval between security events: tests
     * of the counts; central uses the next.
     */
    public Recorded recordHeartbeat(NodeHeartbeat heartbeat, String heartbeatId, Instant receivedAt, Duration silenceAfter,
                                    SecurityEventLine securityEvent) {
        return recordHeartbeat(heartbeat, heartbeatId, receivedAt, silenceAfter, Duration.ZERO, Duration.ZERO, securityEvent);
    }

    /**
     * The same, with at most one security event per node and {@code eventInterval} (central's heartbeat interval,
     * security.md): what a heartbeat adds within the interval after the node's last event is held in its row and
     * reported, added up, by the first of its heartbeats after the interval. A node's heartbeats are its own to write,
     * CountedSince included: a hostile one changing it at every heartbeat made each count in full, and each made a line
     * of the history (kept for the erasure retention) and two alerts. An honest node's next heartbeat comes an interval
     * later, so what it holds back is reported then; a clock moved back (central's) ends the interval.
     * <p>
     * Events come in episodes: the first event after none for {@code quietAfter} (by central's receipts; or after
     * central's clock was moved back past the last; or after its end was announced) begins one, and its line gets
     * alerts; a later event adds to the episode's totals, a line without alerts unless {@link EpisodeAlert#during} finds
     * a new kind, a sharp rise or a day since the episode's last alert. Decided here by the times in the node's row,
     * whether or not the status check has announced the previous episode's end yet, so an announcement that comes late
     * never swallows a new episode.
     */
    public Recorded recordHeartbeat(NodeHeartbeat heartbeat, String heartbeatId, Instant receivedAt, Duration silenceAfter,
                                    Duration eventInterval, Duration quietAfter, SecurityEventLine securityEvent) {
        return transactions.execute(tx -> {
            list(heartbeat.node(), heartbeat.role(), receivedAt); // a row to lock
            Locked locked = jdbc.queryForObject("SELECT security_counted_since, logins_refused_total, "
                    + "permissions_denied_total, messages_refused_total, security_event_at, logins_refused_held, "
                    + "permissions_denied_held, messages_refused_held, security_episode_since, security_episode_last_at, "
                    + "security_episode_logins_refused, security_episode_permissions_denied, security_episode_messages_refused, "
                    + "security_episode_lines, security_episode_peak, security_episode_alerted_at "
                    + "FROM node_status WHERE node = ? FOR UPDATE",
                    (rs, i) -> new Locked(rs.getObject("security_counted_since") == null ? null : new NodeHeartbeat.SecurityCounts(
                            rs.getLong("logins_refused_total"), rs.getLong("permissions_denied_total"),
                            rs.getLong("messages_refused_total"), instant(rs, "security_counted_since").toString()),
                            instant(rs, "security_event_at"), new NodeHeartbeat.SecurityCounts(rs.getLong("logins_refused_held"),
                            rs.getLong("permissions_denied_held"), rs.getLong("messages_refused_held")),
                            instant(rs, "security_episode_since"), instant(rs, "security_episode_last_at"),
                            new NodeHeartbeat.SecurityCounts(rs.getLong("security_episode_logins_refused"),
                                    rs.getLong("security_episode_permissions_denied"), rs.getLong("security_episode_messages_refused")),
                            rs.getLong("security_episode_lines"), rs.getLong("security_episode_peak"),
                            instant(rs, "security_episode_alerted_at")),
                    heartbeat.node());
            NodeHeartbeat.SecurityCounts reported = heartbeat.securityEvents();
            NodeHeartbeat.SecurityCounts added = added(reported, locked.recorded());
            boolean latest = update(heartbeat, heartbeatId, receivedAt, silenceAfter, added);
            if (reported.totals()) {
                keepTotals(heartbeat.node(), reported);
            }
            NodeHeartbeat.SecurityCounts due = sum(locked.held(), added);
            if (!due.any()) {
                return new Recorded(latest, due, EpisodeAlert.NONE);
            }
            Instant last = locked.eventAt();
            boolean intervalOver = last == null || !receivedAt.isBefore(last.plus(eventInterval))
                    || last.isAfter(receivedAt.plus(CLOCK_MOVED));
            boolean begins = locked.episodeSince() == null || locked.episodeLastAt() == null
                    || !receivedAt.isBefore(locked.episodeLastAt().plus(quietAfter))
                    || locked.episodeLastAt().isAfter(receivedAt.plus(CLOCK_MOVED));
            EpisodeAlert alert = begins ? EpisodeAlert.BEGINS : EpisodeAlert.during(due, locked.episodeTotals(),
                    intervals(locked, receivedAt, eventInterval), locked.episodePeak(), locked.episodeSince(),
                    locked.episodeAlertedAt(), receivedAt);
            Instant since = begins ? receivedAt : locked.episodeSince();
            NodeHeartbeat.SecurityCounts totals = begins ? due : sum(locked.episodeTotals(), due);
            // a heartbeat whose event is there from its first delivery (a redelivery) makes no second one either
            if (!intervalOver || !insertEvent(securityEventKey(heartbeat.node(), heartbeatId),
                    securityEvent.of(due, alert, new SecurityEpisode(heartbeat.node(), since, receivedAt, totals)), receivedAt)) {
                jdbc.update("UPDATE node_status SET logins_refused_held = ?, permissions_denied_held = ?, "
                        + "messages_refused_held = ? WHERE node = ?", due.loginsRefused(), due.permissionsDenied(),
                        due.messagesRefused(), heartbeat.node());
                return new Recorded(latest, new NodeHeartbeat.SecurityCounts(0, 0, 0), EpisodeAlert.NONE);
            }
            jdbc.update("UPDATE node_status SET security_event_at = ?, logins_refused_held = 0, permissions_denied_held = 0, "
                    + "messages_refused_held = 0, security_episode_since = ?, security_episode_last_at = ?, "
                    + "security_episode_logins_refused = ?, security_episode_permissions_denied = ?, "
                    + "security_episode_messages_refused = ?, security_episode_lines = ?, security_episode_peak = ?, "
                    + "security_episode_alerted_at = ? WHERE node = ?",
                    ts(receivedAt), ts(since), ts(receivedAt), totals.loginsRefused(), totals.permissionsDenied(),
                    totals.messagesRefused(), begins ? 1 : locked.episodeLines() + 1,
                    begins ? EpisodeAlert.total(due) : Math.max(locked.episodePeak(), EpisodeAlert.total(due)),
                    ts(alert == EpisodeAlert.NONE ? locked.episodeAlertedAt() : receivedAt), heartbeat.node());
            return new Recorded(latest, due, alert);
        });
    }

    /**
     * The episode's heartbeat intervals so far, for its mean per interval: the time since it began in intervals, or its
     * lines if more (no interval: the tests of the counts).
     */
    private static long intervals(Locked locked, Instant receivedAt, Duration eventInterval) {
        long elapsed = eventInterval.isZero() ? 0 : Duration.between(locked.episodeSince(), receivedAt).dividedBy(eventInterval);
        return Math.max(1, Math.max(elapsed, locked.episodeLines()));
    }

    /**
     * The node's row as locked: the totals recorded, its last security event's time, what waits for the next, and its
     * episode (the beginning, null once its end was announced; the last event, kept after that to tell the next episode;
     * its totals, lines, largest line and last alert).
     */
    private record Locked(NodeHeartbeat.SecurityCounts recorded, Instant eventAt, NodeHeartbeat.SecurityCounts held,
                          Instant episodeSince, Instant episodeLastAt, NodeHeartbeat.SecurityCounts episodeTotals,
                          long episodeLines, long episodePeak, Instant episodeAlertedAt) {
    }

    /**
     * The episodes whose end is not announced yet and that are quiet: the node's heartbeats went on for
     * {@code quietAfter} after its last event without adding any (a silent node's episode stays open: its silence is
     * not quiet, and the heartbeat it returns with may still add), or the last event was recorded more than
     * {@link #CLOCK_MOVED} ahead of {@code now} (central's clock was moved back).
     */
    public List<SecurityEpisode> quietEpisodes(Instant now, Duration quietAfter) {
        return jdbc.query("""
                        SELECT node, security_episode_since, security_episode_last_at, security_episode_logins_refused,
                               security_episode_permissions_denied, security_episode_messages_refused FROM node_status
                        WHERE security_episode_since IS NOT NULL
                          AND (last_heartbeat_at >= security_episode_last_at + ? * INTERVAL '1 millisecond'
                               OR security_episode_last_at > ?)
                        ORDER BY node
                        """,
                (rs, i) -> new SecurityEpisode(rs.getString("node"), instant(rs, "security_episode_since"),
                        instant(rs, "security_episode_last_at"), new NodeHeartbeat.SecurityCounts(
                                rs.getLong("security_episode_logins_refused"), rs.getLong("security_episode_permissions_denied"),
                                rs.getLong("security_episode_messages_refused"))),
                quietAfter.toMillis(), ts(now.plus(CLOCK_MOVED)));
    }

    /**
     * Notes that the quiet end of the node's episode that began at {@code since} was announced; false if that episode
     * is no longer the node's open one (announced already, or a new one began meanwhile).
     */
    public boolean endEpisode(String node, Instant since) {
        return jdbc.update("UPDATE node_status SET security_episode_since = NULL WHERE node = ? AND security_episode_since = ?",
                node, ts(since)) == 1;
    }

    private static NodeHeartbeat.SecurityCounts sum(NodeHeartbeat.SecurityCounts a, NodeHeartbeat.SecurityCounts b) {
        return new NodeHeartbeat.SecurityCounts(a.loginsRefused() + b.loginsRefused(),
                a.permissionsDenied() + b.permissionsDenied(), a.messagesRefused() + b.messagesRefused());
    }

    /**
     * What {@code reported} adds to the totals central recorded last (null: none yet). Whatever its SentAt says (a
     * clock may have been moved, deliveries run in parallel): the totals of one store (the same countedSince) only
     * grow, so each counter adds what it grew past the recorded one, and an older heartbeat adds nothing. Another
     * countedSince is another store (replaced, or restored from a backup: the restore forgets the totals), counted in
     * full.
     */
    static NodeHeartbeat.SecurityCounts added(NodeHeartbeat.SecurityCounts reported, NodeHeartbeat.SecurityCounts recorded) {
        if (!reported.totals()) {
            return reported;
        }
        if (recorded == null || !sameStore(reported, recorded)) {
            return new NodeHeartbeat.SecurityCounts(reported.loginsRefused(), reported.permissionsDenied(), reported.messagesRefused());
        }
        return new NodeHeartbeat.SecurityCounts(Math.max(0, reported.loginsRefused() - recorded.loginsRefused()),
                Math.max(0, reported.permissionsDenied() - recorded.permissionsDenied()),
                Math.max(0, reported.messagesRefused() - recorded.messagesRefused()));
    }

    private static boolean sameStore(NodeHeartbeat.SecurityCounts reported, NodeHeartbeat.SecurityCounts recorded) {
        return Instant.parse(recorded.countedSince()).equals(Instant.parse(reported.countedSince()));
    }

    /**
     * Keeps the highest totals of the store counting since the reported countedSince, apart from the row's other
     * columns (which only the latest heartbeat by SentAt changes): another countedSince starts over from the reported.
     */
    private void keepTotals(String node, NodeHeartbeat.SecurityCounts reported) {
        OffsetDateTime since = ts(Instant.parse(reported.countedSince()));
        jdbc.update("""
                UPDATE node_status SET
                    logins_refused_total = CASE WHEN security_counted_since = ? THEN GREATEST(logins_refused_total, ?) ELSE ? END,
                    permissions_denied_total = CASE WHEN security_counted_since = ? THEN GREATEST(permissions_denied_total, ?) ELSE ? END,
                    messages_refused_total = CASE WHEN security_counted_since = ? THEN GREATEST(messages_refused_total, ?) ELSE ? END,
                    security_counted_since = ?
                WHERE node = ?
                """, since, reported.loginsRefused(), reported.loginsRefused(),
                since, reported.permissionsDenied(), reported.permissionsDenied(),
                since, reported.messagesRefused(), reported.messagesRefused(), since, node);
    }

    private boolean update(NodeHeartbeat heartbeat, String heartbeatId, Instant receivedAt, Duration silenceAfter,
                           NodeHeartbeat.SecurityCounts added) {
        Instant sentAt = Instant.parse(heartbeat.sentAt());
        NodeHeartbeat.Trust trust = heartbeat.trust();
        long inbound = heartbeat.queues().items().stream().filter(q -> q.name().startsWith("jukibus.inbound."))
                .mapToLong(NodeHeartbeat.Queue::depth).sum();
        return jdbc.update("""
                INSERT INTO node_status AS s (node, role, state, state_since, last_heartbeat_at, last_heartbeat_id,
                    last_sent_at, resumed_at, health, health_since, components, outbound_depth, inbound_depth, dead_letters,
                    disk_free_bytes, certificate_not_after, logins_refused, permissions_denied, messages_refused,
                    directory_serial, crl_number, crl_next_update, clock_offset_ms)
                VALUES (?, ?, 'UNKNOWN', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (node) DO UPDATE SET
                    role = EXCLUDED.role,
                    resumed_at = CASE WHEN s.last_heartbeat_at IS NULL
                                           OR EXCLUDED.last_heartbeat_at > s.last_heartbeat_at + ? * INTERVAL '1 millisecond'
                                      THEN EXCLUDED.last_heartbeat_at ELSE s.resumed_at END,
                    health_since = CASE WHEN s.health IS DISTINCT FROM EXCLUDED.health
                                        THEN EXCLUDED.last_heartbeat_at ELSE s.health_since END,
                    last_heartbeat_at = EXCLUDED.last_heartbeat_at,
                    last_heartbeat_id = EXCLUDED.last_heartbeat_id,
                    last_sent_at = EXCLUDED.last_sent_at,
                    health = EXCLUDED.health,
                    components = EXCLUDED.components,
                    outbound_depth = EXCLUDED.outbound_depth,
                    inbound_depth = EXCLUDED.inbound_depth,
                    dead_letters = EXCLUDED.dead_letters,
                    disk_free_bytes = EXCLUDED.disk_free_bytes,
                    certificate_not_after = EXCLUDED.certificate_not_after,
                    logins_refused = EXCLUDED.logins_refused,
                    permissions_denied = EXCLUDED.permissions_denied,
                    messages_refused = EXCLUDED.messages_refused,
                    directory_serial = EXCLUDED.directory_serial,
                    crl_number = EXCLUDED.crl_number,
                    crl_next_update = EXCLUDED.crl_next_update,
                    clock_offset_ms = EXCLUDED.clock_offset_ms
                WHERE s.last_sent_at IS NULL OR s.last_sent_at < EXCLUDED.last_sent_at
                   OR s.last_sent_at > EXCLUDED.last_heartbeat_at + ? * INTERVAL '1 millisecond'
                   OR s.last_heartbeat_at > EXCLUDED.last_heartbeat_at + ? * INTERVAL '1 millisecond'
                """,
                heartbeat.node(), heartbeat.role(), ts(receivedAt), ts(receivedAt), heartbeatId, ts(sentAt), ts(receivedAt),
                heartbeat.health(), ts(receivedAt), components(heartbeat), heartbeat.outboundBacklog(), inbound,
                heartbeat.deadLetters(), heartbeat.diskFreeBytes(), ts(Instant.parse(heartbeat.certificateNotAfter())),
                added.loginsRefused(), added.permissionsDenied(), added.messagesRefused(),
                trust == null ? null : trust.directorySerial(), trust == null ? null : trust.crlNumber().longValueExact(),
                trust == null ? null : ts(Instant.parse(trust.crlNextUpdate())),
                Duration.between(receivedAt, sentAt).toMillis(), silenceAfter.toMillis(),
                CLOCK_MOVED.toMillis(), CLOCK_MOVED.toMillis()) == 1;
    }

    /** Moves a node from {@code from} to {@code to}; false if its state was no longer {@code from}. */
    public boolean changeState(String node, NodeState from, NodeState to, Instant since) {
        return jdbc.update("UPDATE node_status SET state = ?, state_since = ? WHERE node = ? AND state = ?",
                to.name(), ts(since), node, from.name()) == 1;
    }

    /** Adds a line to the history, unless a line with this key is there already. */
    public void recordEvent(String key, Event event, Instant recordedAt) {
        insertEvent(key, event, recordedAt);
    }

    /** {@link #recordEvent}; false if a line with this key was there already. */
    private boolean insertEvent(String key, Event event, Instant recordedAt) {
        return 1 == jdbc.update("INSERT INTO node_status_event (event_key, node, status, at, recorded_at, detail, alert_ids) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
                key, event.node(), event.status(), ts(event.at()), ts(recordedAt), event.detail(),
                String.join(",", event.alertIds()));
    }

    /** The security events a heartbeat of this node added, as {@link #recordHeartbeat} kept them, if it added any. */
    public Optional<Event> securityEvent(String node, String heartbeatId) {
        return jdbc.query("SELECT * FROM node_status_event WHERE event_key = ?", NodeStatusStore::event,
                securityEventKey(node, heartbeatId)).stream().findFirst();
    }

    /** Keyed by node too: a heartbeat's id is the sender's choice, and one node's must never stand in for another's. */
    private static String securityEventKey(String node, String heartbeatId) {
        return node + "/heartbeat/" + heartbeatId;
    }

    /** Every node's row, by code. */
    public Map<String, NodeStatusRow> all() {
        Map<String, NodeStatusRow> rows = new LinkedHashMap<>();
        jdbc.query("SELECT * FROM node_status ORDER BY node", rs -> {
            NodeStatusRow row = row(rs);
            rows.put(row.node(), row);
        });
        return rows;
    }

    /** The latest {@code limit} lines of a node's history (all nodes for null), newest first. */
    public List<Event> events(String node, int limit) {
        String where = node == null ? "" : " WHERE node = ?";
        Object[] args = node == null ? new Object[] {limit} : new Object[] {node, limit};
        return jdbc.query("SELECT * FROM node_status_event" + where + " ORDER BY id DESC LIMIT ?", NodeStatusStore::event, args);
    }

    private static Event event(ResultSet rs, int row) throws SQLException {
        return new Event(rs.getString("node"), rs.getString("status"), instant(rs, "at"), instant(rs, "recorded_at"),
                rs.getString("detail"), rs.getString("alert_ids").isEmpty() ? List.of() : List.of(rs.getString("alert_ids").split(",")));
    }

    /** Components as stored: {@code broker=UP routes=DOWN ...}. */
    static String components(NodeHeartbeat heartbeat) {
        StringBuilder sb = new StringBuilder();
        for (NodeHeartbeat.Component c : heartbeat.components().items()) {
            String part = c.name() + "=" + c.status();
            if (sb.length() + part.length() + 1 > 1000) {
                break;
            }
            sb.append(sb.isEmpty() ? "" : " ").append(part);
        }
        return sb.toString();
    }

    private static NodeStatusRow row(ResultSet rs) throws SQLException {
        return new NodeStatusRow(rs.getString("node"), rs.getString("role"), NodeState.valueOf(rs.getString("state")),
                instant(rs, "state_since"), instant(rs, "last_heartbeat_at"), instant(rs, "last_sent_at"),
                instant(rs, "resumed_at"), rs.getString("health"), instant(rs, "health_since"), rs.getString("components"),
                longOrNull(rs, "outbound_depth"), longOrNull(rs, "inbound_depth"), longOrNull(rs, "dead_letters"),
                longOrNull(rs, "disk_free_bytes"), instant(rs, "certificate_not_after"),
                longOrNull(rs, "logins_refused"), longOrNull(rs, "permissions_denied"),
                longOrNull(rs, "messages_refused"), longOrNull(rs, "directory_serial"), longOrNull(rs, "crl_number"),
                instant(rs, "crl_next_update"), longOrNull(rs, "clock_offset_ms"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** timestamptz parameters as OffsetDateTime: the driver's exact mapping, independent of the JVM's time zone. */
    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
