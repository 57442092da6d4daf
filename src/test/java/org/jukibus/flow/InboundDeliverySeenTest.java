package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.clock.MovableClock;
import org.jukibus.core.NodeRole;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.monitoring.HeartbeatRecorder;
import org.jukibus.monitoring.MonitoringFlows;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * M1: what a delivery records as seen. Central's heartbeats (a handler whose replay changes nothing) are not kept in
 * {@code seen_message} for two outage windows; node-status alerts, also monitoring traffic but written to a legacy
 * outbox, still are, so a replay of one is refused.
 */
class InboundDeliverySeenTest {

    static DataSource store;

    @BeforeAll
    static void start() throws Exception {
        store = TestStores.fresh(NodeRole.CENTRAL);
    }

    final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T00:00:00Z"));
    final SeenMessages seen = new SeenMessages(store, clock, Duration.ofDays(61));
    final InboundDelivery delivery = new InboundDelivery(null,
            new FlowHandlers(List.of(new HeartbeatRecorder(null, null, null, clock))), null, null, seen, FlowMetrics.none(), null, null);

    @Test
    void a_delivered_heartbeat_is_not_recorded_as_seen_and_a_node_status_alert_is() throws Exception {
        String heartbeat = UUID.randomUUID().toString();
        String alert = UUID.randomUUID().toString();

        delivery.markDelivered(delivered(MonitoringFlows.HEARTBEAT, heartbeat, "131041", "central", "broker-1"));
        delivery.markDelivered(delivered(MonitoringFlows.NODE_STATUS, alert, "central", "131041", "broker-2"));

        assertThat(new JdbcTemplate(store).queryForObject("SELECT count(*) FROM seen_message WHERE message_id = ?",
                Integer.class, heartbeat)).isZero();
        assertThat(seen.check("131041", heartbeat, "broker-3")).as("a replay is delivered again").isEqualTo(SeenMessages.Verdict.NEW);
        assertThat(seen.check("central", alert, "broker-4")).isEqualTo(SeenMessages.Verdict.REPLAY);
    }

    private Exchange delivered(FlowDefinition flow, String id, String sender, String recipient, String brokerId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        EnvelopeHeader header = new EnvelopeHeader(id, flow.messageType(), sender, recipient, clock.instant(), null);
        exchange.setProperty(InboundDelivery.DELIVERED, new Delivered(flow, header, "<x/>".getBytes(StandardCharsets.UTF_8)));
        exchange.setProperty(Headers.FLOW, flow.name());
        exchange.getIn().setHeader("JMSMessageID", brokerId);
        return exchange;
    }
}
