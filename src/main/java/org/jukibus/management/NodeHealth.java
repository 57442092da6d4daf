package org.jukibus.management;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.jukibus.broker.NodeBroker;
import org.jukibus.flow.DeliverySuspension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * What {@code /actuator/health} reports about a node beyond Boot's own checks: its broker is
 * started and active (not a passive backup, not stopping), and every Camel route is started — a
 * stopped route means a flow silently not moving.
 */
public final class NodeHealth {

    private NodeHealth() {
    }

    /** The node's embedded Artemis broker. */
    public static HealthIndicator broker(NodeBroker broker) {
        return () -> {
            ActiveMQServer server = broker.server();
            boolean started = server != null && server.isStarted();
            boolean active = started && server.isActive();
            Health.Builder health = active ? Health.up() : Health.down();
            health.withDetail("name", broker.name()).withDetail("started", started).withDetail("active", active);
            if (server != null) {
                health.withDetail("state", String.valueOf(server.getState()));
            }
            return health.build();
        };
    }

    /**
     * The broker's disk: down while the broker is at its disk bound ({@code min-disk-free} in broker.xml), where it
     * refuses every send but the heartbeat ({@link org.jukibus.broker.DiskFullRefusal}), so the node delivers nothing.
     * The heartbeat carries it to central as the component {@code brokerDisk}.
     */
    public static HealthIndicator brokerDisk(NodeBroker broker) {
        return () -> {
            ActiveMQServer server = broker.server();
            var paging = server == null ? null : server.getPagingManager();
            if (paging == null) {
                return Health.unknown().build();
            }
            Health.Builder health = paging.isDiskFull() ? Health.down() : Health.up();
            return health.withDetail("usableBytes", paging.getDiskUsableSpace())
                    .withDetail("totalBytes", paging.getDiskTotalSpace())
                    .withDetail("minDiskFreeBytes", server.getConfiguration().getMinDiskFree()).build();
        };
    }

    /**
     * The node's operation log: down once it failed to write, since every delivery and every operation that must be
     * recorded fails from then on.
     */
    public static HealthIndicator operationLog(org.jukibus.audit.OperationLog log) {
        return () -> {
            String failure = log.failure();
            return failure == null ? Health.up().build() : Health.down().withDetail("failure", failure).build();
        };
    }

    /**
     * Delivery from the inbound queues: down while an outage suspends one (the store down, the legacy outbox
     * unwritable: {@link DeliverySuspension}), each with its cause, since when, and the messages tried meanwhile. The
     * heartbeat carries it to central as the component {@code delivery}.
     */
    public static HealthIndicator delivery(DeliverySuspension suspension) {
        return () -> {
            var suspended = suspension.suspended();
            if (suspended.isEmpty()) {
                return Health.up().build();
            }
            Map<String, String> queues = new LinkedHashMap<>();
            suspended.forEach(s -> queues.put(s.queue(), "suspended since " + s.since() + " by " + s.cause() + ", "
                    + s.probes() + " message(s) tried since"));
            return Health.down().withDetail("suspended", queues).build();
        };
    }

    /**
     * The timer routes (heartbeat, receipt batches, owed notices, erasure, overdue checks): down while one's runs fail on
     * an outage (the store down, the operation log unwritable: {@link org.jukibus.flow.ScheduledOutages}), each with its
     * cause, since when and the runs failed. Which part of the node is failing, at a glance.
     */
    public static HealthIndicator scheduled(org.jukibus.flow.ScheduledOutages outages) {
        return () -> {
            var failing = outages.failing();
            if (failing.isEmpty()) {
                return Health.up().build();
            }
            Map<String, String> routes = new LinkedHashMap<>();
            failing.forEach(f -> routes.put(f.route(), "failing since " + f.since() + " on " + f.cause() + ", "
                    + f.runs() + " run(s)"));
            return Health.down().withDetail("failing", routes).build();
        };
    }

    /**
     * The node's clock: UP always (a node without NTP still runs; the alerts say what is wrong), with the time service's
     * word ({@code synchronised}: yes, no, unknown) and, while envelopes are held as made in this node's future, how many
     * by sender and the alert's question ({@link org.jukibus.flow.ClockAheadHold#alert}).
     */
    public static HealthIndicator clock(org.jukibus.clock.ClockSync sync, org.jukibus.flow.ClockAheadRelease held) {
        return () -> {
            Health.Builder health = Health.up().withDetail("synchronised", switch (sync.state()) {
                case SYNCHRONISED -> "yes";
                case NOT_SYNCHRONISED -> "no";
                case UNKNOWN -> "unknown";
            });
            Map<String, Long> bySender = held.heldBySender();
            if (!bySender.isEmpty()) {
                health.withDetail("heldFromTheFuture", bySender)
                        .withDetail("alert", org.jukibus.flow.ClockAheadHold.alert(bySender));
            }
            return health.build();
        };
    }

    /**
     * The node's Camel routes: up only when every one of them is started, except the routes of
     * flows switched off in the config file ({@code jukibus.flows.<flow>.enabled=false}), which are
     * listed as switched off.
     */
    public static HealthIndicator routes(CamelContext camel) {
        return () -> {
            Map<String, String> states = new LinkedHashMap<>();
            boolean allStarted = camel.getStatus() == ServiceStatus.Started;
            for (Route route : camel.getRoutes()) {
                ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
                if (Boolean.FALSE.equals(route.isAutoStartup()) && status != ServiceStatus.Started) {
                    states.put(route.getRouteId(), "SwitchedOff");
                    continue;
                }
                states.put(route.getRouteId(), String.valueOf(status));
                allStarted &= status == ServiceStatus.Started;
            }
            if (states.isEmpty()) {
                allStarted = false; // a node without routes moves nothing
            }
            return (allStarted ? Health.up() : Health.down())
                    .withDetail("context", camel.getName())
                    .withDetail("contextStatus", String.valueOf(camel.getStatus()))
                    .withDetail("routes", states)
                    .build();
        };
    }
}
