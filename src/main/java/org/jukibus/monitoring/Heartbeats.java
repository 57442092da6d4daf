package org.jukibus.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.jukibus.broker.BrokerStats;
import org.jukibus.broker.NodeBroker;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answer;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * Makes this node's heartbeat (稼働状況の通知) for central: its health as {@code /actuator/health}
 * reports it, the depth of its queues, its dead letters, free disk, certificate expiry and its
 * security events counted since its store began counting ({@link SecurityTotals}). Bean {@code heartbeats}, called by
 * {@code routes/common/heartbeat.yaml} on a timer.
 * <p>
 * Heartbeat ids are random: each heartbeat is new, none is ever sent again, so there is nothing for
 * duplicate detection to catch. On central itself the heartbeat goes straight into the status board.
 */
public final class Heartbeats {

    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);
    private static final XmlMapper XML = new XmlMapper();
    private static final Pattern COMPONENT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]{0,63}");

    private final String self;
    private final NodeRole role;
    private final Path home;
    private final NodeDirectory directory;
    private final NetworkTrust trust;
    private final NodeBroker broker;
    private final Instant certificateNotAfter;
    private final SecurityTotals securityTotals;
    private final HealthEndpoint health;
    private final Clock clock;
    private final StatusBoard board;
    private volatile boolean warnedNoCentral;

    /** @param board central's status board, or null on any other node */
    public Heartbeats(String self, NodeRole role, Path home, NodeDirectory directory, NetworkTrust trust, NodeBroker broker,
                      Instant certificateNotAfter, SecurityTotals securityTotals, HealthEndpoint health, Clock clock,
                      StatusBoard board) {
        this.self = self;
        this.role = role;
        this.home = home;
        this.directory = directory;
        this.trust = trust;
        this.broker = broker;
        this.certificateNotAfter = certificateNotAfter;
        this.securityTotals = securityTotals;
        this.health = health;
        this.clock = clock;
        this.board = board;
    }

    /**
     * The body becomes the heartbeat for central (one {@link Answer}; the route seals it with
     * {@code answers.sealAll}), or nothing on central itself.
     */
    public void beat(Exchange exchange) throws Exception {
        if (!exchange.getContext().isStarted()) {
            // routes still starting read as DOWN: a node would look unhealthy at every start
            exchange.getIn().setBody(List.of());
            return;
        }
        // the counts are in the store (or wait in memory): a heartbeat that fails or is dropped on the way loses none
        NodeHeartbeat heartbeat = current(securityTotals.take());
        String id = UUID.randomUUID().toString();
        if (board != null) {
            board.record(heartbeat, id, clock.instant());
            exchange.getIn().setBody(List.of());
            return;
        }
        Optional<NodeEntry> central = directory.withRole(NodeRole.CENTRAL).stream().findFirst();
        if (central.isEmpty()) {
            if (!warnedNoCentral) {
                log.warn("no central node in the directory: heartbeats are not sent");
                warnedNoCentral = true;
            }
            exchange.getIn().setBody(List.of());
            return;
        }
        Answer message = new Answer(MonitoringFlows.HEARTBEAT, central.get().code(), id, null,
                SecureXml.parse(XML.writeValueAsBytes(heartbeat)));
        exchange.getIn().setBody(List.of(message));
    }

    /**
     * The scheduled-send route's last step, once the heartbeat is in the outbound queue: nothing to record,
     * the next heartbeat is the confirmation that this node is alive.
     */
    public void sent() {
    }

    /** This node's heartbeat now, carrying these security event totals. */
    NodeHeartbeat current(NodeHeartbeat.SecurityCounts totals) {
        List<NodeHeartbeat.Component> components = new ArrayList<>();
        HealthComponent overall = health.health();
        if (overall instanceof CompositeHealth composite && composite.getComponents() != null) {
            composite.getComponents().forEach((name, c) -> {
                if (COMPONENT_NAME.matcher(name).matches()) { // the schema's Name; Boot's names all are
                    components.add(new NodeHeartbeat.Component(name, upOrDown(c.getStatus())));
                }
            });
        }
        List<NodeHeartbeat.Queue> queues = new ArrayList<>();
        long deadLetters = -1;
        if (broker.server() != null && broker.server().isActive()) {
            for (Map.Entry<String, Long> q : BrokerStats.jukibusQueueDepths(broker.server()).entrySet()) {
                queues.add(new NodeHeartbeat.Queue(q.getKey(), q.getValue()));
            }
            deadLetters = BrokerStats.depth(broker.server(), "jukibus.dlq");
        }
        NetworkTrust.State inForce = trust.state();
        Instant crlNextUpdate = inForce.crl().getNextUpdate().toInstant();
        warnIfLapsing(crlNextUpdate, certificateNotAfter);
        return new NodeHeartbeat(self, role.id(), clock.instant().toString(), upOrDown(overall.getStatus()), components,
                queues, deadLetters, diskFree(), certificateNotAfter.toString(),
                totals,
                new NodeHeartbeat.Trust(inForce.directory().serial(), inForce.crlNumber(), crlNextUpdate.toString()));
    }

    /**
     * The node's own alarm, in its log at every heartbeat, so that a node cut off from central (which would alert
     * on the same heartbeat) still says it: the same windows as central's {@link LifetimeAlerts}. Past the CRL's nextUpdate the node keeps working on it (directory.NetworkTrust) and says so louder.
     */
    private void warnIfLapsing(Instant crlNextUpdate, Instant certificateEnd) {
        Instant now = clock.instant();
        Instant warnFrom = now.plus(java.time.Duration.ofDays(LifetimeAlerts.WARN_DAYS));
        if (!crlNextUpdate.isAfter(now)) {
            log.error("LIFETIME the CRL in force was due for renewal at {}: this node keeps using it; central must publish a new one",
                    crlNextUpdate);
        } else if (crlNextUpdate.isBefore(now.plus(java.time.Duration.ofDays(LifetimeAlerts.CRL_WARN_DAYS)))) {
            log.warn("LIFETIME the CRL in force is due for renewal at {}", crlNextUpdate);
        }
        if (certificateEnd.isBefore(warnFrom)) {
            log.warn("LIFETIME this node's certificate {} at {}: renew it", certificateEnd.isAfter(now) ? "expires" : "expired",
                    certificateEnd);
        }
    }

    /** Boot's statuses in two words: anything but UP (DOWN, OUT_OF_SERVICE, UNKNOWN) is DOWN. */
    private static String upOrDown(Status status) {
        return Status.UP.equals(status) ? NodeHeartbeat.UP : NodeHeartbeat.DOWN;
    }

    private long diskFree() {
        try {
            return Files.getFileStore(home).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }
}
