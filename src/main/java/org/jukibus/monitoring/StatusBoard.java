package org.jukibus.monitoring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.management.ObjectName;

import org.apache.camel.Exchange;
import org.jukibus.core.NodeMBean;
import org.jukibus.core.NodeMBeanBase;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answer;
import org.jukibus.flow.MessageIds;
import org.jukibus.core.NodeRole;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.operators.Permission;
import org.jukibus.xml.SecureXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * 稼働状況の監視 at central (第4の7(3)): records every node's heartbeats, checks on a timer who
 * went silent, unhealthy or came back, and notifies the node's prefecture (for a municipal node)
 * and the node itself of each change, once per change ({@link NodeStatusAlert} on the
 * {@code node-status} flow). Security events are announced the same way, once per episode: the heartbeat
 * whose events begin one ({@code SECURITY_EVENTS}, with its counts), and the check that finds the node's
 * heartbeats added none for {@link #DEFAULT_SECURITY_QUIET_AFTER} ({@code RECOVERED}, the history's
 * {@code SECURITY_QUIET}, with the episode's totals); the events in between are history lines without alerts,
 * unless they are a new kind, a sharp rise or a day after the episode's last alert ({@link EpisodeAlert}), so an
 * episode kept open on purpose hides no attack. A node refusing an expired scraping certificate every 15 s for days
 * makes an alert a day, not two a minute.
 *
 * <p>Alert ids are derived from node, status, since and recipient: a check that runs again after
 * a crash between sending and recording finds the same change and the brokers drop the copies.
 * The check sends first and records afterwards (the route calls {@link #check}, seals and sends,
 * then calls {@link #recordChanges}), so a crash between the two repeats an alert's id, never loses it.
 */
public final class StatusBoard extends NodeMBeanBase<NodeStatusOperations> implements NodeStatusOperations {

    /** Exchange property carrying the changes from {@link #check} to {@link #recordChanges}. */
    public static final String CHANGES = "JukibusStateChanges";

    /** Exchange property carrying the quiet security episodes from {@link #check} to {@link #recordChanges}. */
    public static final String QUIET_EPISODES = "JukibusQuietEpisodes";

    private static final String SECURITY_EVENTS = "SECURITY_EVENTS";
    private static final String SECURITY_QUIET = "SECURITY_QUIET";
    /**
     * The alert status of an episode's quiet end: RECOVERED, which every node's schema takes (a new status would be
     * refused as schema-invalid by a node not yet upgraded, and counted there as a security event); the Detail says
     * which recovery.
     */
    private static final String QUIET_ALERT = "RECOVERED";
    /** The default heartbeat interval (monitoring.MonitoringProperties). */
    static final Duration DEFAULT_SECURITY_EVENT_INTERVAL = Duration.ofSeconds(60);
    /**
     * How long a node's heartbeats must add no security event for its episode to end ({@code
     * jukibus.monitoring.security-quiet-after}): an hour, so an attack that pauses for a few minutes is still the episode
     * the operators were told of.
     */
    static final Duration DEFAULT_SECURITY_QUIET_AFTER = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(StatusBoard.class);
    private static final XmlMapper XML = new XmlMapper();

    private final NodeDirectory directory;
    private final NodeStatusStore store;
    private final Clock clock;
    private final Duration silenceAfter;
    private final Duration securityEventInterval;
    private final Duration securityQuietAfter;
    private volatile Instant startedAt;
    private volatile boolean listed;
    private volatile Map<NodeState, Long> lastCounts = new EnumMap<>(NodeState.class);

    public StatusBoard(String self, NodeDirectory directory, NodeStatusStore store, Clock clock, Duration silenceAfter) {
        this(self, directory, store, clock, silenceAfter, DEFAULT_SECURITY_EVENT_INTERVAL);
    }

    /**
     * @param securityEventInterval at most one security event (a history line, its alerts) per node in this time:
     *                              central's {@code jukibus.monitoring.heartbeat-interval} (NodeStatusStore#recordHeartbeat)
     */
    public StatusBoard(String self, NodeDirectory directory, NodeStatusStore store, Clock clock, Duration silenceAfter,
                       Duration securityEventInterval) {
        this(self, directory, store, clock, silenceAfter, securityEventInterval, DEFAULT_SECURITY_QUIET_AFTER);
    }

    /** @param securityQuietAfter an episode of security events ends when the node's heartbeats add none for this long */
    public StatusBoard(String self, NodeDirectory directory, NodeStatusStore store, Clock clock, Duration silenceAfter,
                       Duration securityEventInterval, Duration securityQuietAfter) {
        super(self, "NodeStatus", NodeStatusOperations.class);
        this.securityQuietAfter = securityQuietAfter;
        this.directory = directory;
        this.store = store;
        this.clock = clock;
        this.silenceAfter = silenceAfter;
        this.securityEventInterval = securityEventInterval;
        this.startedAt = clock.instant();
    }

    public static ObjectName objectName(String node) {
        return NodeMBean.name(node, "NodeStatus");
    }

    /**
     * Registers the MBean with the platform MBean server (which Hawtio and Jolokia read); every call through it
     * needs the logged-in operator's permission {@code status}.
     */
    public StatusBoard register(OperatorPermissions permissions) throws Exception {
        NodeStatusOperations guarded = (NodeStatusOperations) java.lang.reflect.Proxy.newProxyInstance(
                NodeStatusOperations.class.getClassLoader(), new Class<?>[] {NodeStatusOperations.class}, (proxy, method, args) -> {
                    permissions.require(Permission.STATUS);
                    try {
                        return method.invoke(this, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        registerAs(guarded);
        return this;
    }

    // --- heartbeats ---

    /**
     * Records a heartbeat (a peer's, delivered; or central's own) and, if it adds security events to what central
     * knows of the node, the event (keyed by the node and the heartbeat's id, from which {@link #securityAlerts} makes
     * the alerts if it begins an episode).
     */
    public void record(NodeHeartbeat heartbeat, String heartbeatId, Instant receivedAt) throws Exception {
        NodeStatusStore.Recorded recorded = store.recordHeartbeat(heartbeat, heartbeatId, receivedAt, silenceAfter,
                securityEventInterval, securityQuietAfter, (added, alert, episode) -> new NodeStatusStore.Event(heartbeat.node(),
                        SECURITY_EVENTS, Instant.parse(heartbeat.sentAt()), receivedAt, securityDetail(added, alert, episode),
                        alert == EpisodeAlert.NONE ? List.of()
                                : recipients(heartbeat.node()).stream().map(r -> alertId(securityKey(heartbeat.node(), heartbeatId), r)).toList()));
        if (!recorded.latest()) {
            log.info("NODE STATUS heartbeat {} of {} sent at {} not recorded: a later one is", heartbeatId, heartbeat.node(),
                    heartbeat.sentAt());
        }
        if (recorded.alert() != EpisodeAlert.NONE) {
            log.warn("NODE STATUS {} reports {}: {}", heartbeat.node(), recorded.alert().title(), securityDetail(recorded.added()));
        } else if (recorded.added().any()) {
            log.info("NODE STATUS {} reports more security events (its episode was announced): {}", heartbeat.node(),
                    securityDetail(recorded.added()));
        }
    }

    /**
     * The alerts for a heartbeat whose security events began an episode (none otherwise): made from the event
     * {@link #record} kept for it, so a redelivery of the heartbeat makes the same alerts with the same ids.
     */
    public List<Answer> securityAlerts(NodeHeartbeat heartbeat, String heartbeatId) throws Exception {
        Optional<NodeStatusStore.Event> event = store.securityEvent(heartbeat.node(), heartbeatId);
        if (event.isEmpty() || event.get().alertIds().isEmpty()) {
            return List.of();
        }
        return alerts(securityAlert(heartbeat, event.get().detail()), securityKey(heartbeat.node(), heartbeatId));
    }

    /** Names the node: a heartbeat's id is its sender's choice, and two nodes' alerts must never share an id. */
    private static String securityKey(String node, String heartbeatId) {
        return node + "/heartbeat/" + heartbeatId;
    }

    private static NodeStatusAlert securityAlert(NodeHeartbeat heartbeat, String detail) {
        String since = Instant.parse(heartbeat.sentAt()).toString();
        return new NodeStatusAlert(heartbeat.node(), heartbeat.role(), SECURITY_EVENTS, since, since, detail);
    }

    /**
     * The history line's and alert's Detail: what this interval added; for an alert within an episode, why, and the
     * episode's totals since it began; without alerts, that it is more of the episode announced.
     */
    private static String securityDetail(NodeHeartbeat.SecurityCounts added, EpisodeAlert alert, NodeStatusStore.SecurityEpisode episode) {
        return switch (alert) {
            case BEGINS -> securityDetail(added);
            case NONE -> securityDetail(added) + " (the episode announced goes on: no alert; " + episodeTotals(episode) + ")";
            default -> alert.title() + ": " + securityDetail(added) + "; " + episodeTotals(episode);
        };
    }

    private static String episodeTotals(NodeStatusStore.SecurityEpisode episode) {
        NodeHeartbeat.SecurityCounts t = episode.totals();
        return "the episode since " + episode.since() + ": " + t.loginsRefused() + " refused login(s), " + t.permissionsDenied()
                + " denied permission(s), " + t.messagesRefused() + " refused message(s) in all";
    }

    private static String securityDetail(NodeHeartbeat.SecurityCounts c) {
        return c.loginsRefused() + " refused login(s), " + c.permissionsDenied() + " denied permission(s) and "
                + c.messagesRefused() + " refused message(s) (bad signature, replay, unknown sender, ...) at the node"
                + " since the previous count central received; see its log (jukibus.security) and dead-letter queue";
    }

    // --- the status check (routes/central/node-status.yaml) ---

    /**
     * Finds every node whose state changed: the body becomes the alerts to send (the route seals
     * them with {@code answers.sealAll}), the changes an exchange property for {@link #recordChanges}.
     */
    public void check(Exchange exchange) throws Exception {
        Instant now = clock.instant();
        if (now.isBefore(startedAt)) {
            // the clock was moved back past central's start (the end of a drill): watch from now, as after a
            // restart, or a node never heard would not become SILENT until real time caught up
            log.info("NODE STATUS the clock was moved back before central's start at {}: nodes are watched from {}",
                    startedAt, now);
            startedAt = now;
        }
        Map<String, NodeStatusRow> rows = store.all();
        if (listNew(rows, now)) {
            rows = store.all();
        }
        List<StateChange> changes = new ArrayList<>();
        List<Answer> alerts = new ArrayList<>();
        Map<NodeState, Long> counts = new EnumMap<>(NodeState.class);
        for (NodeEntry entry : directory.all()) {
            NodeStatusRow row = rows.get(entry.code());
            if (row == null) {
                continue;
            }
            StateChange change = NodeStates.next(row, now, startedAt, silenceAfter);
            counts.merge(change == null ? row.state() : change.to(), 1L, Long::sum);
            if (change != null) {
                changes.add(change);
                alerts.addAll(alertsFor(change));
            }
        }
        lastCounts = counts;
        List<NodeStatusStore.SecurityEpisode> quiet = new ArrayList<>();
        for (NodeStatusStore.SecurityEpisode episode : store.quietEpisodes(now, securityQuietAfter)) {
            quiet.add(episode);
            alerts.addAll(quietAlerts(episode, rows.get(episode.node())));
        }
        exchange.setProperty(CHANGES, changes);
        exchange.setProperty(QUIET_EPISODES, quiet);
        exchange.getIn().setBody(alerts);
    }

    /** The alerts that a node's episode of security events has ended (none for a node no longer in the directory). */
    private List<Answer> quietAlerts(NodeStatusStore.SecurityEpisode episode, NodeStatusRow row) throws Exception {
        Optional<NodeEntry> entry = directory.byCode(episode.node());
        if (entry.isEmpty()) {
            return List.of();
        }
        NodeStatusAlert alert = new NodeStatusAlert(episode.node(), entry.get().role().id(), QUIET_ALERT,
                episode.lastAt().toString(), row == null || row.lastHeartbeatAt() == null ? null : row.lastHeartbeatAt().toString(),
                quietDetail(episode));
        return alerts(alert, quietKey(episode));
    }

    private String quietDetail(NodeStatusStore.SecurityEpisode episode) {
        return "security events quiet: the node's heartbeats added none for " + securityQuietAfter
                + " after the last at " + episode.lastAt() + "; " + episodeTotals(episode)
                + " (each interval's counts: central's history, 'jukibus status --only " + episode.node() + " --events 100')";
    }

    /** One per episode: a check repeated after a crash makes the same alert ids. */
    private static String quietKey(NodeStatusStore.SecurityEpisode episode) {
        return episode.node() + "/" + SECURITY_QUIET + "/" + episode.since();
    }

    /** After the alerts are in the outbound queue: records the changes and their alerts. */
    public void recordChanges(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        List<StateChange> changes = exchange.getProperty(CHANGES, List.class);
        Instant now = clock.instant();
        for (StateChange change : changes == null ? List.<StateChange>of() : changes) {
            if (!store.changeState(change.node(), change.from(), change.to(), change.since())) {
                continue; // changed meanwhile: the next check looks again
            }
            List<String> ids = alertsFor(change).stream().map(Answer::messageId).toList();
            store.recordEvent(eventKey(change), new NodeStatusStore.Event(change.node(), change.eventStatus(), change.since(),
                    now, change.detail(), ids), now);
            if (change.alertStatus() != null) {
                log.warn("NODE STATUS {} {} since {}: {} (alerts {})", change.node(), change.alertStatus(), change.since(),
                        change.detail(), ids);
            } else {
                log.info("NODE STATUS {} {} since {}: {}", change.node(), change.to(), change.since(), change.detail());
            }
        }
        @SuppressWarnings("unchecked")
        List<NodeStatusStore.SecurityEpisode> quiet = exchange.getProperty(QUIET_EPISODES, List.class);
        for (NodeStatusStore.SecurityEpisode episode : quiet == null ? List.<NodeStatusStore.SecurityEpisode>of() : quiet) {
            // the history line first: a crash before the episode is closed finds it again, with the same key and alert ids
            List<String> ids = quietAlerts(episode, null).stream().map(Answer::messageId).toList();
            store.recordEvent(quietKey(episode), new NodeStatusStore.Event(episode.node(), SECURITY_QUIET, episode.lastAt(), now,
                    quietDetail(episode), ids), now);
            store.endEpisode(episode.node(), episode.since()); // false: a new episode began meanwhile, announced by its heartbeat
            log.warn("NODE STATUS {} {} (alerts {})", episode.node(), quietDetail(episode), ids);
        }
    }

    /**
     * Every node of the directory without a row gets one, UNKNOWN: since central started at the first check, since
     * now for a node a later directory added (a new or merged municipality), so its silence is counted from then and
     * it goes SILENT if it never beats. True if any was listed.
     */
    private boolean listNew(Map<String, NodeStatusRow> rows, Instant now) {
        boolean any = false;
        for (NodeEntry entry : directory.all()) {
            if (!rows.containsKey(entry.code())) {
                store.list(entry.code(), entry.role().id(), listed ? now : startedAt);
                any = true;
            }
        }
        listed = true;
        return any;
    }

    private List<Answer> alertsFor(StateChange change) throws Exception {
        if (change.alertStatus() == null) {
            return List.of();
        }
        NodeStatusAlert alert = new NodeStatusAlert(change.node(), change.role(), change.alertStatus(),
                change.since().toString(), change.lastHeartbeatAt() == null ? null : change.lastHeartbeatAt().toString(),
                change.detail());
        return alerts(alert, eventKey(change));
    }

    private static String eventKey(StateChange change) {
        return change.node() + "/" + change.eventStatus() + "/" + change.since();
    }

    /** The alert for each recipient: the node's prefecture (a municipal node's), and the node itself; never central. */
    List<Answer> alerts(NodeStatusAlert alert, String key) throws Exception {
        List<Answer> out = new ArrayList<>();
        for (String recipient : recipients(alert.node())) {
            out.add(new Answer(MonitoringFlows.NODE_STATUS, recipient, alertId(key, recipient), null,
                    SecureXml.parse(XML.writeValueAsBytes(alert))));
        }
        return out;
    }

    private List<String> recipients(String node) {
        List<String> recipients = new ArrayList<>();
        directory.byCode(node).filter(e -> e.role() == NodeRole.MUNICIPAL)
                .flatMap(e -> directory.prefectureOf(e.code())).ifPresent(p -> recipients.add(p.code()));
        recipients.add(node);
        recipients.removeIf(getNode()::equals);
        return recipients;
    }

    private static String alertId(String key, String recipient) {
        return MessageIds.madeFrom(MonitoringFlows.NODE_STATUS.name(), key + "/" + recipient);
    }

    /** Nodes per state as of the last check (the Micrometer gauges read these: no store query per scrape). */
    public long countAtLastCheck(NodeState state) {
        return lastCounts.getOrDefault(state, 0L);
    }

    // --- MBean ---

    @Override
    public Map<String, Long> getStateCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (NodeState state : NodeState.values()) {
            counts.put(state.name(), 0L);
        }
        Map<String, NodeStatusRow> rows = store.all();
        for (NodeEntry entry : directory.all()) {
            NodeStatusRow row = rows.get(entry.code());
            counts.merge(row == null ? NodeState.UNKNOWN.name() : row.state().name(), 1L, Long::sum);
        }
        return counts;
    }

    @Override
    public List<Map<String, Object>> list() {
        Map<String, NodeStatusRow> rows = store.all();
        List<Map<String, Object>> out = new ArrayList<>();
        for (NodeEntry entry : directory.all()) {
            NodeStatusRow row = rows.get(entry.code());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", entry.code());
            m.put("name", entry.name());
            m.put("role", entry.role().id());
            m.put("state", row == null ? NodeState.UNKNOWN.name() : row.state().name());
            m.put("since", row == null ? startedAt.toString() : text(row.stateSince()));
            m.put("lastHeartbeatAt", row == null ? null : text(row.lastHeartbeatAt()));
            m.put("health", row == null ? null : row.health());
            m.put("components", row == null ? null : row.components());
            m.put("deadLetters", row == null ? null : row.deadLetters());
            m.put("outboundDepth", row == null ? null : row.outboundDepth());
            m.put("inboundDepth", row == null ? null : row.inboundDepth());
            m.put("diskFreeBytes", row == null ? null : row.diskFreeBytes());
            m.put("certificateNotAfter", row == null ? null : text(row.certificateNotAfter()));
            m.put("directorySerial", row == null ? null : row.directorySerial());
            m.put("crlNumber", row == null ? null : row.crlNumber());
            m.put("crlNextUpdate", row == null ? null : text(row.crlNextUpdate()));
            m.put("clockOffsetMillis", row == null ? null : row.clockOffsetMillis());
            out.add(m);
        }
        return out;
    }

    @Override
    public List<Map<String, Object>> events(String node, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NodeStatusStore.Event e : store.events(node == null || node.isBlank() ? null : node, Math.max(1, Math.min(limit, 1000)))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", e.node());
            m.put("status", e.status());
            m.put("at", e.at().toString());
            m.put("recordedAt", e.recordedAt().toString());
            m.put("detail", e.detail());
            m.put("alerts", String.join(",", e.alertIds()));
            out.add(m);
        }
        return out;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
