package org.jukibus.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jukibus.directory.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The links of every peer: lines closed when their links are replaced, and one open wait for a whole batch. */
class PeerLinksTest {

    static final List<String> PEERS = List.of("131041", "271004", "011002", "401005");

    /**
     * Review-fwdbatch3 L3, over months: every directory publication (reopenAll) and every LRU eviction while a line was
     * being opened left that line's TLS connection open for good. Churned here many times over: once the senders
     * stop and the links close, the peer's broker holds no session of this node's lines.
     */
    @Test
    void links_replaced_while_their_lines_open_leave_no_connection_behind() throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker()) {
            AtomicInteger dials = new AtomicInteger();
            PeerLinks links = new PeerLinks(code -> Optional.of(List.of(new Endpoint(code + ".test", 61617))), null,
                    new LinkPolicy(Duration.ofSeconds(5), 2, Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC(),
                    code -> { }, endpoint -> {
                        dials.incrementAndGet();
                        PeerLinkTest.sleepQuietly(ThreadLocalRandom.current().nextInt(5, 40)); // an open under way
                        return peer.transport();
                    });
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                senders.add(CompletableFuture.runAsync(() -> {
                    int i = 0;
                    while (run.get()) {
                        String to = PEERS.get(ThreadLocalRandom.current().nextInt(PEERS.size())); // 4 peers, 2 links: evictions
                        try {
                            links.send(to, PeerLinkTest.message("m-" + Thread.currentThread().getId() + "-" + i++));
                            sent.incrementAndGet();
                        } catch (Exception e) {
                            // a send caught by a close: tried again
                        }
                    }
                }, runnable -> new Thread(runnable).start()));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < until) {
                PeerLinkTest.sleepQuietly(ThreadLocalRandom.current().nextInt(5, 30));
                links.reopenAll(); // a directory publication
            }
            run.set(false);
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            links.close();

            assertThat(dials.get()).as("lines opened while links were replaced").isGreaterThan(20);
            assertThat(sent.get()).as("the peer took messages meanwhile").isPositive();
            // a line left open keeps its sessions, and pings the peer's broker for ever. (Not the connection count: a
            // connection closed by the client right after it opened sometimes stays on the broker, without a session
            // and no longer pinged, until the broker's connection TTL, a minute, ends it.)
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(peer.sessionCount())
                    .as("sessions left on the peer's broker after every link closed").isZero());
        }
    }

    /**
     * Review-fwdbatch3 M3: a batch whose peers' lines other threads are opening waits for those opens against one
     * deadline, not one wait per peer after the other.
     */
    @Test
    void a_batch_waits_once_for_all_of_its_peers_whose_lines_others_are_opening() throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker()) {
            CountDownLatch dialling = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            PeerLinks links = new PeerLinks(code -> Optional.of(List.of(new Endpoint(code + ".test", 61617))), null,
                    new LinkPolicy(Duration.ofSeconds(10), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC(),
                    code -> { }, endpoint -> {
                        dialling.countDown();
                        PeerLinkTest.awaitQuietly(release);
                        return peer.transport();
                    });
            try {
                List<CompletableFuture<Void>> opening = new ArrayList<>();
                for (String to : PEERS.subList(0, 2)) {
                    opening.add(CompletableFuture.runAsync(() -> {
                        try {
                            links.send(to, PeerLinkTest.message("o-" + to));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, runnable -> new Thread(runnable).start()));
                }
                assertThat(dialling.await(30, TimeUnit.SECONDS)).as("both lines being opened by other threads").isTrue();

                long start = System.nanoTime();
                Map<String, List<Exception>> outcomes = links.sendAll(Map.of(
                        PEERS.get(0), List.of(PeerLinkTest.message("b-0")), PEERS.get(1), List.of(PeerLinkTest.message("b-1"))));
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

                assertThat(outcomes.values()).allSatisfy(results -> assertThat(results).singleElement()
                        .isInstanceOf(LineOpeningException.class));
                assertThat(waited).as("one open wait for the batch, not one per peer")
                        .isBetween(PeerLink.OPEN_WAIT_MILLIS - 100, 2 * PeerLink.OPEN_WAIT_MILLIS - 400);

                release.countDown();
                CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                assertThat(links.sendAll(Map.of(PEERS.get(0), List.of(PeerLinkTest.message("c-0")))).get(PEERS.get(0)))
                        .containsOnlyNulls();
            } finally {
                release.countDown();
                links.close();
            }
        }
    }

    /**
     * A message the peer's broker refuses in a batch (an address it does not have or does not let this node send to:
     * a flow newer than the peer's release, a permission taken away) must come back failed. Artemis answers a refused
     * asynchronous send with nothing but the confirmation it gives a stored one, so counted as sent it would be taken
     * off this node's outbound queue and lost; its neighbours in the batch are stored.
     */
    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(strings = {"no.such.address", PeerTestBroker.FORBIDDEN})
    void a_message_the_peers_broker_refuses_in_a_batch_is_not_counted_sent(String address) throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker(true)) {
            PeerLinks links = new PeerLinks(code -> Optional.of(List.of(new Endpoint(code + ".test", 61617))), null,
                    new LinkPolicy(Duration.ofSeconds(10), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC(),
                    code -> { }, endpoint -> peer.transport());
            try {
                OutgoingMessage refused = new OutgoingMessage(address, new byte[] {1}, "r-1", Map.of());
                List<Exception> outcomes = links.sendAll(Map.of(PEERS.get(0), List.of(PeerLinkTest.message("a-1"), refused,
                        PeerLinkTest.message("a-2")))).get(PEERS.get(0));
                assertThat(outcomes.get(1)).as("the refused message's outcome").isNotNull();
                long storedIfSent = outcomes.stream().filter(e -> e == null).count();
                assertThat(peer.stored()).as("every message counted sent is stored at the peer").isGreaterThanOrEqualTo(storedIfSent);
            } finally {
                links.close();
            }
        }
    }
}
