package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.link.OutgoingMessage;
import org.jukibus.link.PeerSender;
import org.jukibus.link.PeerUnreachableException;
import org.jukibus.link.UnknownPeerException;
import org.junit.jupiter.api.Test;

/**
 * A batch's outcome is each message's own (issue 19): what its recipient stored is counted and written to the
 * operation log; a refused message (expired, revoked, malformed, recipient unknown) is handed to the route to be
 * dead-lettered; one for a peer that is down, or that its recipient's broker did not take, waits; and nothing of one
 * recipient holds up another.
 */
class PeerForwarderBatchTest {

    static final Instant NOW = Instant.parse("2026-12-07T00:10:00Z");
    static final String UP = "131041";
    static final String DOWN = "271004";
    static final String UNKNOWN = "999999";
    static final String REVOKED = "011002";

    /** Peers as a fake link sees them: who is down, who unknown, which single messages a broker refuses. */
    private final Map<String, List<List<String>>> transactions = new HashMap<>();
    private final Set<String> refused = new java.util.HashSet<>();
    /** Peers the fake link finds slow to confirm. */
    private final Set<String> slow = new java.util.HashSet<>();
    private final PeerSender links = new PeerSender() {
        @Override
        public boolean slow(String peer) {
            return slow.contains(peer);
        }

        @Override
        public void send(String peer, OutgoingMessage message) {
            throw new AssertionError("a batch sends with sendAll");
        }

        @Override
        public Map<String, List<Exception>> sendAll(Map<String, List<OutgoingMessage>> byPeer) {
            Map<String, List<Exception>> all = new HashMap<>();
            byPeer.forEach((peer, messages) -> {
                if (peer.equals(UNKNOWN)) {
                    all.put(peer, java.util.Collections.nCopies(messages.size(),
                            new UnknownPeerException("recipient " + peer + " is not in the directory")));
                    return;
                }
                transactions.computeIfAbsent(peer, p -> new ArrayList<>()).add(messages.stream().map(OutgoingMessage::duplicateId).toList());
                List<Exception> outcomes = new ArrayList<>();
                for (OutgoingMessage m : messages) {
                    outcomes.add(peer.equals(DOWN) ? new PeerUnreachableException("peer " + peer + " is down", null)
                            : refused.contains(m.duplicateId()) ? new org.jukibus.link.MessageRefusedException("refused", null) : null);
                }
                all.put(peer, outcomes);
            });
            return all;
        }
    };
    private final List<AuditEvent> logged = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PeerForwarder forwarder = new PeerForwarder(links, Flows.standard(),
            new FlowMetrics(meters, Clock.fixed(NOW, ZoneOffset.UTC), List.of("transfer-in")), logged::add, Duration.ofDays(30),
            Clock.fixed(NOW, ZoneOffset.UTC)).refusingRevoked(REVOKED::equals);

    @Test
    void what_the_recipients_stored_is_counted_and_logged_the_rest_goes_back_to_the_route_one_by_one() {
        Exchange a1 = notice("a1", UP, NOW);
        Exchange a2 = notice("a2", UP, NOW);
        Exchange down1 = notice("d1", DOWN, NOW);
        Exchange a3 = notice("a3", UP, NOW);
        Exchange unknown = notice("u1", UNKNOWN, NOW);
        Exchange expired = notice("x1", UP, NOW.minus(Duration.ofDays(31)));
        Exchange revoked = notice("r1", REVOKED, NOW);
        Exchange stale = heartbeat("h1", UP, NOW.minus(Duration.ofMinutes(6)));
        Exchange down2 = notice("d2", DOWN, NOW);

        PeerForwarder.Outcome outcome = forwarder.forwardAll(List.of(a1, a2, down1, a3, unknown, expired, revoked, stale, down2));
        assertThat(logged).as("not before the batch is past everything that could roll it back (review-fwdbatch3 L4)").isEmpty();
        var counted = meters.find("jukibus.flow.sent").tag("flow", "transfer-in").counter();
        assertThat(counted == null ? 0.0 : counted.count()).isZero();
        forwarder.recordForwarded(outcome);

        assertThat(outcome.refused()).as("for the route to dead-letter: expired, revoked, recipient unknown")
                .containsExactlyInAnyOrder(unknown, expired, revoked);
        assertThat(outcome.down()).as("to wait for their peer: it is down").containsExactly(down1, down2);
        assertThat(outcome.unsent()).isEmpty();
        assertThat(transactions.get(UP)).as("one transaction for the recipient that is up, with all of its messages")
                .containsExactly(List.of("a1", "a2", "a3"));
        assertThat(transactions).doesNotContainKey(REVOKED);
        assertThat(logged).extracting(AuditEvent::messageId).containsExactly("a1", "a2", "a3");
        assertThat(logged).extracting(AuditEvent::kind).containsOnly(AuditKind.MESSAGE_FORWARDED);
        assertThat(meters.get("jukibus.flow.sent").tag("flow", "transfer-in").counter().count()).isEqualTo(3.0);
        assertThat(outcome.refused()).as("the stale heartbeat is dropped, as forward() drops it").doesNotContain(stale);
        assertThat(outcome.unsent()).doesNotContain(stale);
        assertThat(outcome.down()).doesNotContain(stale);
    }

    /** Refused by its broker on a line that stays up: that one is parked (review-park H1), the others are stored. */
    @Test
    void one_message_its_recipients_broker_refused_is_parked_alone() {
        refused.add("b2");
        Exchange b1 = notice("b1", UP, NOW);
        Exchange b2 = notice("b2", UP, NOW);
        Exchange b3 = notice("b3", UP, NOW);

        PeerForwarder.Outcome outcome = forwarder.forwardAll(List.of(b1, b2, b3));
        forwarder.recordForwarded(outcome);

        assertThat(outcome.down()).containsExactly(b2);
        assertThat(outcome.unsent()).isEmpty();
        assertThat(outcome.refused()).isEmpty();
        assertThat(logged).extracting(AuditEvent::messageId).containsExactly("b1", "b3");
    }

    /**
     * A peer slow to confirm (hostile or sick) holds up no batch: its messages are not sent with the others' but parked
     * for the slow lane, which sends them apart (forwardSlow); the checks still come first.
     */
    @Test
    void the_messages_of_a_slow_peer_ride_in_no_shared_batch_they_are_parked_for_the_slow_lane() {
        slow.add(DOWN);
        try (ParkedEnvelopes parked = new ParkedEnvelopes(null, null)) {
            forwarder.parkingFor(parked);
            Exchange s1 = notice("s1", DOWN, NOW);
            Exchange f1 = notice("f1", UP, NOW);
            Exchange expired = notice("s2", DOWN, NOW.minus(Duration.ofDays(31)));
            Exchange s3 = notice("s3", DOWN, NOW);

            PeerForwarder.Outcome outcome = forwarder.forwardAll(List.of(s1, f1, expired, s3));

            assertThat(transactions).as("only the fast peer's went out").containsOnlyKeys(UP);
            assertThat(outcome.down()).as("parked for the slow lane").containsExactly(s1, s3);
            assertThat(outcome.refused()).as("dead-lettered as before").containsExactly(expired);
            assertThat(outcome.forwarded()).extracting(PeerForwarder.Forward::messageId).containsExactly("f1");

            slow.remove(DOWN);
            slow.add(UP);
            PeerForwarder.Outcome lane = forwarder.forwardSlow(List.of(notice("f2", UP, NOW)));
            assertThat(lane.forwarded()).as("the slow lane sends to the slow peer").extracting(PeerForwarder.Forward::messageId)
                    .containsExactly("f2");
            assertThat(transactions.get(UP)).containsExactly(List.of("f1"), List.of("f2"));
        }
    }

    @Test
    void a_message_without_its_headers_is_left_to_the_route_which_dead_letters_it_as_malformed() {
        Exchange malformed = notice("m1", UP, NOW);
        malformed.getIn().removeHeader(Headers.TYPE);
        Exchange fine = notice("m2", UP, NOW);

        assertThat(forwarder.forwardAll(List.of(malformed, fine)).refused()).containsExactly(malformed);
        assertThat(transactions.get(UP)).containsExactly(List.of("m2"));
    }

    @Test
    void a_header_no_check_expects_to_be_malformed_fails_that_message_alone_not_the_batch() {
        Exchange unreadable = heartbeat("t1", UP, NOW);
        unreadable.getIn().setHeader(Headers.TIME_TO_LIVE, "five minutes");
        Exchange fine = notice("t2", UP, NOW);

        PeerForwarder.Outcome outcome = forwarder.forwardAll(List.of(unreadable, fine));

        assertThat(outcome.refused()).as("the route fails it again, alone, and it waits").containsExactly(unreadable);
        assertThat(transactions.get(UP)).containsExactly(List.of("t2"));
    }

    @Test
    void a_peer_whose_line_cannot_even_be_tried_holds_up_only_its_own_messages() {
        PeerSender failing = new PeerSender() {
            @Override
            public void send(String peer, OutgoingMessage message) {
                throw new AssertionError("a batch sends with sendAll");
            }

            @Override
            public Map<String, List<Exception>> sendAll(Map<String, List<OutgoingMessage>> byPeer) {
                Map<String, List<Exception>> all = new HashMap<>(links.sendAll(Map.of(UP, byPeer.get(UP))));
                all.put(DOWN, java.util.Collections.nCopies(byPeer.get(DOWN).size(), new IllegalStateException("no TLS context")));
                return all;
            }
        };
        PeerForwarder forwarding = new PeerForwarder(failing, Flows.standard(), FlowMetrics.none(), logged::add,
                Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC));
        Exchange stuck = notice("s1", DOWN, NOW);
        Exchange fine = notice("s2", UP, NOW);

        PeerForwarder.Outcome outcome = forwarding.forwardAll(List.of(stuck, fine));
        forwarding.recordForwarded(outcome);

        assertThat(outcome.unsent()).containsExactly(stuck);
        assertThat(logged).extracting(AuditEvent::messageId).containsExactly("s2");
    }

    @Test
    void nothing_is_sent_while_the_operation_log_cannot_be_written() {
        org.jukibus.audit.OperationLog failed = new org.jukibus.audit.OperationLog() {
            @Override
            public void record(AuditEvent event) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public String failure() {
                return "the operation log stopped after a failed write";
            }
        };
        PeerForwarder forwarding = new PeerForwarder(links, Flows.standard(), FlowMetrics.none(), failed, Duration.ofDays(30),
                Clock.fixed(NOW, ZoneOffset.UTC));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> forwarding.forwardAll(List.of(notice("l1", UP, NOW))))
                .hasMessageContaining("operation log");
        assertThat(transactions).isEmpty();
    }

    private static Exchange notice(String id, String recipient, Instant createdAt) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader(Headers.RECIPIENT, recipient);
        exchange.getIn().setHeader(Headers.ADDRESS, "jukibus.inbound.transfer-in");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, id);
        exchange.getIn().setHeader(Headers.TYPE, "TransferInNotice");
        exchange.getIn().setHeader(Headers.CREATED_AT, createdAt.toString());
        exchange.getIn().setBody(new byte[] {1, 2, 3});
        return exchange;
    }

    private static Exchange heartbeat(String id, String recipient, Instant createdAt) {
        Exchange exchange = notice(id, recipient, createdAt);
        exchange.getIn().setHeader(Headers.ADDRESS, "jukibus.inbound.heartbeat");
        exchange.getIn().setHeader(Headers.TYPE, "NodeHeartbeat");
        exchange.getIn().setHeader(Headers.TIME_TO_LIVE, "5m");
        return exchange;
    }
}
