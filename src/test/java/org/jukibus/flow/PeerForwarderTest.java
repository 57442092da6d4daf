package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.flow.FlowMetrics;
import org.junit.jupiter.api.Test;

/**
 * A heartbeat older than its time to live is dropped by the forwarder, by the node clock, not by a broker time to
 * live: broker.xml sends what expires in the broker to the dead-letter queue (issue 14 C), where stale heartbeats
 * must not pile up while central is down.
 */
class PeerForwarderTest {

    static final Instant NOW = Instant.parse("2026-11-21T00:10:00Z");

    /** No peer links: a forwarder that tries to send fails, one that drops the message does not get that far. */
    private final PeerForwarder forwarder = new PeerForwarder(null, Flows.standard(), FlowMetrics.none(), e -> { }, Duration.ofDays(30),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void a_heartbeat_past_its_time_to_live_is_dropped_and_a_fresh_one_is_sent() {
        assertThatCode(() -> forwarder.forward(heartbeat(NOW.minus(Duration.ofMinutes(6))))).doesNotThrowAnyException();

        assertThatThrownBy(() -> forwarder.forward(heartbeat(NOW.minus(Duration.ofMinutes(4)))))
                .as("tries to send it").isInstanceOf(NullPointerException.class);
    }

    @Test
    void what_waits_for_a_recipient_whose_certificate_was_revoked_is_refused_not_sent() {
        PeerForwarder refusing = new PeerForwarder(null, Flows.standard(), FlowMetrics.none(), e -> { }, Duration.ofDays(30),
                Clock.fixed(NOW, ZoneOffset.UTC)).refusingRevoked("central"::equals);

        assertThatThrownBy(() -> refusing.forward(heartbeat(NOW.minus(Duration.ofMinutes(1)))))
                .isInstanceOfSatisfying(PermanentFailure.class, e -> assertThat(e.reason()).isEqualTo(PeerForwarder.RECIPIENT_REVOKED))
                .hasMessageContaining("revoked");
        Exchange directory = heartbeat(NOW);
        directory.getIn().setHeader(Headers.ADDRESS, TrustDistribution.ADDRESS);
        assertThatThrownBy(() -> refusing.forward(directory)).as("a directory or CRL, sealed to nobody, still goes: tries to send it")
                .isInstanceOf(NullPointerException.class);
    }

    /**
     * An answer that could not be sealed (flow.Answers: its recipient not in the directory) is dead-lettered with its
     * reason, never sent as it is: not even once the directory lists the recipient (here: the forwarder would try).
     */
    @Test
    void an_answer_queued_without_an_envelope_is_refused_with_its_reason_and_never_sent() {
        Exchange held = heartbeat(NOW);
        held.getIn().setHeader(Headers.RECIPIENT, "13");
        held.getIn().setHeader(Headers.ADDRESS, "jukibus.inbound.transfer-out");
        held.getIn().setHeader(Headers.TYPE, "TransferOutConfirmation");
        held.getIn().removeHeader(Headers.TIME_TO_LIVE);
        held.getIn().setBody(new byte[0]);
        held.getIn().setHeader(Headers.NOT_SEALED, PeerForwarder.UNKNOWN_RECIPIENT);

        assertThatThrownBy(() -> forwarder.forward(held))
                .isInstanceOfSatisfying(PermanentFailure.class, e -> assertThat(e.reason()).isEqualTo(PeerForwarder.UNKNOWN_RECIPIENT))
                .hasMessageContaining("directory lists no node 13").hasMessageContaining("jukibus dlq resend");
        held.getIn().setHeader(Headers.NOT_SEALED, PeerForwarder.RECIPIENT_REVOKED);
        assertThatThrownBy(() -> forwarder.forward(held))
                .isInstanceOfSatisfying(PermanentFailure.class, e -> assertThat(e.reason()).isEqualTo(PeerForwarder.RECIPIENT_REVOKED));
    }

    private static Exchange heartbeat(Instant createdAt) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader(Headers.RECIPIENT, "central");
        exchange.getIn().setHeader(Headers.ADDRESS, "jukibus.inbound.heartbeat");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, "d3b07384-d9a7-4e5b-8a3c-000000000001");
        exchange.getIn().setHeader(Headers.TYPE, "NodeHeartbeat");
        exchange.getIn().setHeader(Headers.CREATED_AT, createdAt.toString());
        exchange.getIn().setHeader(Headers.TIME_TO_LIVE, "5m");
        exchange.getIn().setBody(new byte[] {1});
        return exchange;
    }

    /** Like their deliveries, forwards of monitoring traffic leave no operation-log line (a heartbeat a minute, for years). */
    @Test
    void a_forwarded_heartbeat_or_node_status_is_not_written_to_the_operation_log_a_notice_is() {
        assertThat(forwarder.audited("jukibus.inbound.heartbeat")).isFalse();
        assertThat(forwarder.audited("jukibus.inbound.node-status")).isFalse();
        assertThat(forwarder.audited("jukibus.inbound.transfer-in")).isTrue();
        assertThat(forwarder.audited("jukibus.inbound.receipt-batch")).isTrue();
        assertThat(forwarder.audited("somewhere.else")).isTrue();
    }

    /**
     * A peer that does not answer: the envelope is parked (in the forwarder's transaction: the route commits), not
     * rolled back to wait out a redelivery delay in the broker's memory; so is one its broker refused. A recipient the
     * directory does not list stays a dead letter, any other failure rolls back as before; neither parks.
     */
    @Test
    void only_a_peer_that_does_not_answer_parks_the_envelope() throws Exception {
        org.jukibus.link.PeerSender links = org.mockito.Mockito.mock(org.jukibus.link.PeerSender.class);
        ParkedEnvelopes parked = org.mockito.Mockito.mock(ParkedEnvelopes.class);
        PeerForwarder parking = new PeerForwarder(links, Flows.standard(), FlowMetrics.none(), e -> { }, Duration.ofDays(30),
                Clock.fixed(NOW, ZoneOffset.UTC)).parkingFor(parked);
        Exchange down = heartbeat(NOW);
        org.mockito.Mockito.doThrow(new org.jukibus.link.PeerUnreachableException("peer central is down", null))
                .when(links).send(org.mockito.ArgumentMatchers.eq("central"), org.mockito.ArgumentMatchers.any());

        assertThatCode(() -> parking.forward(down)).doesNotThrowAnyException();
        org.mockito.Mockito.verify(parked).park(down, "central");

        org.mockito.Mockito.doThrow(new org.jukibus.link.UnknownPeerException("recipient central is not in the directory"))
                .when(links).send(org.mockito.ArgumentMatchers.eq("central"), org.mockito.ArgumentMatchers.any());
        assertThatThrownBy(() -> parking.forward(heartbeat(NOW))).isInstanceOfSatisfying(PermanentFailure.class,
                e -> assertThat(e.reason()).isEqualTo(PeerForwarder.UNKNOWN_RECIPIENT));
        org.mockito.Mockito.doThrow(new IllegalStateException("the client failed"))
                .when(links).send(org.mockito.ArgumentMatchers.eq("central"), org.mockito.ArgumentMatchers.any());
        assertThatThrownBy(() -> parking.forward(heartbeat(NOW))).isInstanceOf(IllegalStateException.class);
        org.mockito.Mockito.verifyNoMoreInteractions(parked);

        // refused by the peer's broker on a line that works (the peer is not down): that message is parked alone
        Exchange refused = heartbeat(NOW);
        org.mockito.Mockito.doThrow(new org.jukibus.link.MessageRefusedException("refused: no such address", null))
                .when(links).send(org.mockito.ArgumentMatchers.eq("central"), org.mockito.ArgumentMatchers.any());
        assertThatCode(() -> parking.forward(refused)).doesNotThrowAnyException();
        org.mockito.Mockito.verify(parked).park(refused, "central");

        org.mockito.Mockito.doThrow(new org.jukibus.link.PeerUnreachableException("peer central is down", null))
                .when(links).send(org.mockito.ArgumentMatchers.eq("central"), org.mockito.ArgumentMatchers.any());
        PeerForwarder notParking = new PeerForwarder(links, Flows.standard(), FlowMetrics.none(), e -> { }, Duration.ofDays(30),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> notParking.forward(heartbeat(NOW))).as("without parking: rolled back as before")
                .isInstanceOf(org.jukibus.link.PeerUnreachableException.class);
    }
}
