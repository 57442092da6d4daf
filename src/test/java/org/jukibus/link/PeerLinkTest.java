package org.jukibus.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.activemq.artemis.api.core.TransportConfiguration;

import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.ActiveMQConnectionTimedOutException;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionRolledBackException;
import org.jukibus.core.NodeRole;
import org.jukibus.directory.Endpoint;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch's message the peer's broker refused fails alone; one whose line broke takes the line down with it (the
 * next attempt opens a fresh one).
 */
class PeerLinkTest {

    static final char[] PW = "store-secret".toCharArray();

    @TempDir
    Path dir;

    /**
     * A sender that finds another thread opening the peer's line waits for that open, briefly: the peer is not known
     * down, so it must not be told so (its message would be parked until the next check); once the open failed, the
     * peer is down and a send says so at once.
     */
    @Test
    void a_sender_waits_briefly_for_a_line_another_is_opening_and_is_not_told_the_peer_is_down() throws Exception {
        TlsClientSettings tls = tls();
        LinkPolicy policy = new LinkPolicy(Duration.ofSeconds(5), 10, Duration.ofMinutes(5), Duration.ofMinutes(5));
        OutgoingMessage message = new OutgoingMessage("jukibus.inbound.transfer-in", new byte[] {1}, "m-1", Map.of());
        // a peer that takes the connection and never answers the handshake: the first open takes the handshake timeout
        List<Socket> held = new CopyOnWriteArrayList<>();
        CountDownLatch accepted = new CountDownLatch(1);
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                        accepted.countDown();
                    } catch (Exception e) {
                        // closed
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            PeerLink link = new PeerLink("271004", List.of(new Endpoint("127.0.0.1", silent.getLocalPort())), tls, policy,
                    Clock.systemUTC(), () -> { });

            CompletableFuture<Exception> opening = CompletableFuture.supplyAsync(() -> {
                try {
                    link.send(message);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(accepted.await(30, TimeUnit.SECONDS)).as("the first sender is opening the line").isTrue();

            long start = System.nanoTime();
            assertThatThrownBy(() -> link.send(message)).isInstanceOf(LineOpeningException.class);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waitedMillis).as("waited for the open, briefly").isBetween(PeerLink.OPEN_WAIT_MILLIS - 100,
                    PeerLink.OPEN_WAIT_MILLIS + 1500);
            assertThat(link.down()).isFalse();

            assertThat(opening.get(60, TimeUnit.SECONDS)).isInstanceOf(PeerUnreachableException.class);
            assertThat(link.down()).isTrue();
            start = System.nanoTime();
            assertThatThrownBy(() -> link.send(message)).isInstanceOf(PeerUnreachableException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("a peer known down: at once").isLessThan(500);
            link.close();
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /**
     * The recheck of a down peer asks its port first (a refused connect instead of a TLS open every retry interval,
     * issue 19 item 5), and goes on to the full open as soon as the port answers: the peer's return is tried at the
     * first recheck after it, as before.
     */
    @Test
    void a_down_peers_recheck_tries_the_full_open_as_soon_as_its_port_answers() throws Exception {
        TlsClientSettings tls = tls();
        LinkPolicy policy = new LinkPolicy(Duration.ofSeconds(2), 10, Duration.ofMinutes(5), Duration.ofSeconds(1));
        int port = LoopbackPorts.next(); // listened on later in the test
        Endpoint endpoint = new Endpoint("127.0.0.1", port);
        assertThat(PeerLink.answers(endpoint, 2000)).as("nothing listens there").isFalse();
        PeerLink link = new PeerLink("271004", List.of(endpoint), tls, policy, Clock.systemUTC(), () -> { });
        OutgoingMessage message = new OutgoingMessage("jukibus.inbound.transfer-in", new byte[] {1}, "m-1", Map.of());
        assertThatThrownBy(() -> link.send(message)).isInstanceOf(PeerUnreachableException.class);
        assertThat(link.down()).isTrue();
        link.recheck(); // refused: still down
        assertThat(link.down()).isTrue();

        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(port, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (Exception e) {
                        // closed
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            link.recheck(); // the port answers: the probe's connection, then the TLS open's (never answered here)
            assertThat(link.down()).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (held.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(held).as("the probe's connection and the TLS open's").hasSize(2);
            link.close();
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** This node's TLS settings: a certificate of a fresh test CA, and that CA as the only trust. */
    private TlsClientSettings tls() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "Root", PW);
        Path keystore = dir.resolve("node.p12");
        Path truststore = dir.resolve("trust.p12");
        KeyStores.writeKeyStore(keystore, ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "node"),
                List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY), PW);
        KeyStores.writeTrustStore(truststore, ca.certificate(), PW);
        return new TlsClientSettings(keystore, new String(PW), truststore, new String(PW));
    }

    static final Endpoint PRIMARY = new Endpoint("primary.test", 61617);
    static final Endpoint BACKUP = new Endpoint("backup.test", 61618);
    static final OutgoingMessage GOOD = new OutgoingMessage(PeerTestBroker.ADDRESS, new byte[] {1}, "g-1", Map.of());

    /**
     * Review-fwdbatch3 H1: the link is on the backup line; the recheck's connect to the primary is under way when a send
     * on the backup fails (the peer is marked down); the primary then opens. The peer answers: it must not stay down
     * (every envelope for it would be parked over a live line until a restart), and its waiting messages are told.
     */
    @Test
    void a_return_to_the_primary_that_lands_after_the_backup_failed_leaves_the_peer_up_and_says_so() throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker()) {
            PeerTestBroker backupBroker = new PeerTestBroker(); // the backup line ends here, and breaks
            CountDownLatch dialling = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger primaryDials = new AtomicInteger();
            Function<Endpoint, TransportConfiguration> dial = endpoint -> {
                if (endpoint.equals(BACKUP)) {
                    return backupBroker.transport();
                }
                if (primaryDials.incrementAndGet() == 1) {
                    return nowhere(); // the primary is out at first: the line opens on the backup
                }
                dialling.countDown();
                awaitQuietly(release);
                return peer.transport();
            };
            AtomicInteger back = new AtomicInteger();
            PeerLink link = new PeerLink("271004", List.of(PRIMARY, BACKUP), null,
                    new LinkPolicy(Duration.ofSeconds(5), 10, Duration.ZERO, Duration.ofMinutes(5)), Clock.systemUTC(),
                    back::incrementAndGet, dial);
            try {
                link.send(GOOD);
                assertThat(link.activeEndpoint()).isEqualTo(BACKUP);

                CompletableFuture<Void> recheck = CompletableFuture.runAsync(link::recheck); // the primary is due
                assertThat(dialling.await(30, TimeUnit.SECONDS)).as("the recheck dials the primary").isTrue();
                backupBroker.close(); // the backup line breaks (a refused message would not mark the peer down)
                assertThatThrownBy(() -> link.send(message("g-2"))).isInstanceOf(PeerUnreachableException.class);
                assertThat(link.down()).as("the failed send on the backup marks the peer down").isTrue();

                release.countDown();
                recheck.get(30, TimeUnit.SECONDS);

                assertThat(link.down()).as("it answers on the primary: up").isFalse();
                assertThat(link.activeEndpoint()).isEqualTo(PRIMARY);
                await().atMost(Duration.ofSeconds(5)).until(() -> back.get() == 1); // its waiting messages are released
                link.send(GOOD); // and it takes messages
            } finally {
                release.countDown();
                link.close();
                backupBroker.close();
            }
        }
    }

    /**
     * Review-fwdbatch3 L3: a link closed while a sender opens its line (a directory publication's reopenAll, an LRU
     * eviction) is out of the map; the line that open brings must be closed by it, or the connection lives on for good.
     * The sender is told to try again shortly (the peer is up: not parked).
     */
    @Test
    void a_line_opened_on_a_link_closed_meanwhile_is_closed_and_the_message_waits_briefly() throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker()) {
            CountDownLatch dialling = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            PeerLink link = new PeerLink("271004", List.of(PRIMARY), null,
                    new LinkPolicy(Duration.ofSeconds(5), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC(),
                    () -> { }, endpoint -> {
                        dialling.countDown();
                        awaitQuietly(release);
                        return peer.transport();
                    });
            CompletableFuture<Exception> opening = CompletableFuture.supplyAsync(() -> {
                try {
                    link.send(GOOD);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(dialling.await(30, TimeUnit.SECONDS)).isTrue();
            link.close(); // as reopenAll or an eviction does

            release.countDown();
            assertThat(opening.get(30, TimeUnit.SECONDS)).isInstanceOf(LineOpeningException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> peer.connectionCount() == 0);
            assertThat(link.down()).isFalse();
            assertThatThrownBy(() -> link.send(GOOD)).as("no open starts on a closed link")
                    .isInstanceOf(LineOpeningException.class);
            assertThat(peer.connectionCount()).isZero();
        }
    }

    /**
     * Analysis-stop F1: a stop that cannot wait longer interrupts a batch waiting for a peer's confirmations. Only that
     * batch's session goes: the line is shared, and cutting it failed the other threads' sends to a peer that is up,
     * which then counted as down and had their messages parked.
     */
    @Test
    void an_interrupted_batch_drops_only_its_session_the_others_on_the_shared_line_are_confirmed() throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker(); LineAlarms alarms = new LineAlarms()) {
            PeerLink link = new PeerLink("271004", List.of(PRIMARY), null,
                    new LinkPolicy(Duration.ofSeconds(30), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC(),
                    () -> { }, endpoint -> peer.transport());
            try {
                assertThat(link.start(List.of(GOOD), alarms, deadline()).finish()).containsOnlyNulls();
                peer.freeze(); // the peer stops answering; the connection stays

                CompletableFuture<List<Exception>> abandoned = new CompletableFuture<>();
                Thread stopped = new Thread(() -> abandoned.complete(link.start(List.of(message("a-1")), alarms, deadline()).finish()));
                stopped.start();
                CompletableFuture<List<Exception>> other = CompletableFuture.supplyAsync(
                        () -> link.start(List.of(message("b-1"), message("b-2")), alarms, deadline()).finish());
                await().atMost(Duration.ofSeconds(10)).until(() -> stopped.getState() == Thread.State.TIMED_WAITING);
                Thread.sleep(300); // the other batch's sends are out as well (nothing observable waits on a frozen peer)

                stopped.interrupt(); // the stop's abandon
                assertThat(abandoned.get(10, TimeUnit.SECONDS)).as("the abandoned batch: nothing confirmed")
                        .allSatisfy(e -> assertThat(e).isNotNull());
                assertThat(other).as("the other batch still waits for the peer").isNotDone();
                assertThat(link.down()).isFalse();

                peer.thaw();
                assertThat(other.get(20, TimeUnit.SECONDS)).as("confirmed on the shared line").containsOnlyNulls();
                assertThat(link.down()).as("a peer that is up is not marked down").isFalse();
                assertThat(link.activeEndpoint()).isEqualTo(PRIMARY);
                await().atMost(Duration.ofSeconds(10)).until(() -> peer.stored() >= 3); // g-1, b-1, b-2 (a-1 may be there too)
                assertThat(peer.connectionCount()).as("the same line, not cut and reopened").isEqualTo(1);
            } finally {
                peer.thaw();
                link.close();
            }
        }
    }

    /**
     * Review-fwdsafe M1: the stop's interrupt lands in a blocking call of the client inside {@code start()} (the new
     * session a batch needs on a line whose only session another batch holds), which turns it into an exception and
     * clears the flag. That is this node's stop, not the peer: the shared line must not be cut, nor the peer marked
     * down, nor the other batch's sends on the line failed (their messages would be parked for a peer that is up).
     */
    @Test
    void a_stop_interrupting_a_batch_while_it_opens_its_session_leaves_the_shared_line_and_the_peer_up() throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker(); LineAlarms alarms = new LineAlarms()) {
            PeerLink link = new PeerLink("271004", List.of(PRIMARY), null,
                    new LinkPolicy(Duration.ofSeconds(30), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC(),
                    () -> { }, endpoint -> peer.transport());
            try {
                assertThat(link.start(List.of(GOOD), alarms, deadline()).finish()).containsOnlyNulls(); // one idle session
                peer.freeze(); // the peer stops answering (everything on the connection after the frozen send waits too)

                CompletableFuture<List<Exception>> other = CompletableFuture.supplyAsync(
                        () -> link.start(List.of(message("b-1")), alarms, deadline()).finish()); // takes the idle session
                await().atMost(Duration.ofSeconds(10)).until(() -> peer.frozenSends() > 0);
                CompletableFuture<List<Exception>> abandoned = new CompletableFuture<>();
                Thread stopped = new Thread(() -> abandoned.complete(link.start(List.of(message("a-1")), alarms, deadline()).finish()));
                stopped.start(); // needs a session of its own: a blocking round trip the frozen peer does not answer
                await().atMost(Duration.ofSeconds(10)).until(() -> stopped.getState() == Thread.State.TIMED_WAITING
                        || stopped.getState() == Thread.State.WAITING);
                Thread.sleep(200); // in the client's blocking wait (nothing observable tells it from the thread's state alone)

                stopped.interrupt(); // the stop's abandon
                assertThat(abandoned.get(10, TimeUnit.SECONDS)).as("the abandoned batch: nothing confirmed")
                        .allSatisfy(e -> assertThat(e).isNotNull().isNotInstanceOf(PeerUnreachableException.class));
                assertThat(link.down()).as("this node's stop does not mark the peer down").isFalse();

                peer.thaw();
                assertThat(other.get(20, TimeUnit.SECONDS)).as("confirmed on the shared line").containsOnlyNulls();
                assertThat(link.down()).isFalse();
                assertThat(peer.connectionCount()).as("the same line, not cut and reopened").isEqualTo(1);
            } finally {
                peer.thaw();
                link.close();
            }
        }
    }

    /**
     * Review-fwdsafe M2, review-fwdlink M2: this node closes the link (a directory publication's reopenAll, an LRU
     * eviction) while a batch and a single send wait on it for a peer that does not confirm; the line is still to be
     * closed (on its own thread, later). Whatever the batch and the send then fail with, it is this node's doing: not
     * parked (LineOpeningException: they go again on the new link), and the peer is not marked down.
     */
    @Test
    void sends_on_a_link_this_node_closed_fail_as_ours_not_as_the_peers() throws Exception {
        try (PeerTestBroker peer = new PeerTestBroker(); LineAlarms alarms = new LineAlarms()) {
            PeerLink link = new PeerLink("271004", List.of(PRIMARY), null,
                    new LinkPolicy(Duration.ofSeconds(2), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC(),
                    () -> { }, endpoint -> peer.transport());
            List<Runnable> closes = new CopyOnWriteArrayList<>();
            try {
                assertThat(link.start(List.of(GOOD), alarms, deadline()).finish()).containsOnlyNulls();
                peer.swallowSends(); // never confirmed
                PeerLink.Sending batch = link.start(List.of(message("m-1"), message("m-2")), alarms, deadline());
                CompletableFuture<Exception> single = CompletableFuture.supplyAsync(() -> {
                    try {
                        link.send(message("s-1"));
                        return null;
                    } catch (Exception e) {
                        return e;
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> peer.swallowed() >= 3);

                link.close(closes::add); // closed; its line closes later

                assertThat(batch.finish()).as("the batch: ours, not the peer's")
                        .allSatisfy(e -> assertThat(e).isInstanceOf(LineOpeningException.class));
                assertThat(single.get(30, TimeUnit.SECONDS)).as("the single send: ours, not the peer's")
                        .isInstanceOf(LineOpeningException.class);
                assertThat(link.down()).as("the peer is not marked down").isFalse();
            } finally {
                closes.forEach(Runnable::run);
                link.close();
            }
        }
    }

    static long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PeerLink.OPEN_WAIT_MILLIS);
    }

    static OutgoingMessage message(String id) {
        return new OutgoingMessage(PeerTestBroker.ADDRESS, new byte[] {1}, id, Map.of());
    }

    static TransportConfiguration nowhere() {
        try {
            return PeerTestBroker.nowhere();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void a_refused_or_rolled_back_transaction_is_not_a_broken_line_a_lost_or_silent_connection_is() {
        assertThat(PeerLink.lineBroke(jms(new ActiveMQTransactionRolledBackException("duplicate")))).isFalse();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQDuplicateIdException()))).isFalse();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQSecurityException("not allowed")))).isFalse();
        assertThat(PeerLink.lineBroke(new JMSException("no cause"))).isFalse();

        assertThat(PeerLink.lineBroke(jms(new ActiveMQNotConnectedException("gone")))).isTrue();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQConnectionTimedOutException("no answer")))).isTrue();
    }

    /** A refusal is told by the broker's answer, never by elimination: a closed session is the line's failure. */
    @Test
    void only_the_brokers_answer_makes_a_refusal_of_one_message() {
        assertThat(PeerLink.refusal(jms(new ActiveMQSecurityException("not allowed")))).isTrue();
        assertThat(PeerLink.refusal(jms(new org.apache.activemq.artemis.api.core.ActiveMQAddressDoesNotExistException()))).isTrue();
        assertThat(PeerLink.refusal(new jakarta.jms.JMSSecurityException("no SEND"))).isTrue();
        assertThat(PeerLink.refusal(new jakarta.jms.InvalidDestinationException("no such queue"))).isTrue();

        assertThat(PeerLink.refusal(new jakarta.jms.IllegalStateException("Session is closed"))).isFalse();
        assertThat(PeerLink.refusal(new JMSException("no cause"))).isFalse();
        assertThat(PeerLink.refusal(jms(new ActiveMQNotConnectedException("gone")))).isFalse();
        assertThat(PeerLink.refusal(jms(new org.apache.activemq.artemis.api.core.ActiveMQAddressFullException("full")))).isFalse();
    }

    private static JMSException jms(Exception cause) {
        JMSException e = new JMSException(cause.getMessage());
        e.initCause(cause);
        return e;
    }

    /**
     * A peer marked slow stays slow for its hold, however fast it confirms meanwhile, and an episode that begins within a
     * hold after the last one ended holds twice as long: a peer slow and fast in turn (a hostile one may choose to be)
     * costs the shared batches one wait per hold, not one per batch (analysis-months12 M4).
     */
    @Test
    void a_slow_peer_stays_slow_for_its_hold_and_longer_each_time_it_is_slow_again_soon() {
        org.jukibus.clock.MovableClock clock = new org.jukibus.clock.MovableClock(java.time.Instant.parse("2026-12-07T21:00:00Z"));
        PeerLink link = new PeerLink("271004", List.of(PRIMARY), null,
                new LinkPolicy(Duration.ofSeconds(10), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), clock, () -> { });
        long fast = TimeUnit.MILLISECONDS.toNanos(50);
        link.confirmedFast(fast);
        assertThat(link.slow()).isFalse();

        link.confirmedSlowly(TimeUnit.MILLISECONDS.toNanos(9900), 25);
        assertThat(link.slow()).isTrue();
        clock.move(PeerLink.SLOW_HOLD.minusSeconds(1));
        link.confirmedFast(fast);
        assertThat(link.slow()).as("within its hold").isTrue();
        clock.move(Duration.ofSeconds(1));
        link.confirmedFast(fast);
        assertThat(link.slow()).as("fast again after its hold").isFalse();

        clock.move(PeerLink.SLOW_HOLD.minusSeconds(1)); // slow again within a hold: held twice as long
        link.confirmedSlowly(TimeUnit.MILLISECONDS.toNanos(9900), 25);
        clock.move(PeerLink.SLOW_HOLD.multipliedBy(2).minusSeconds(1));
        link.confirmedFast(fast);
        assertThat(link.slow()).as("within its doubled hold").isTrue();
        clock.move(Duration.ofSeconds(1));
        link.confirmedFast(fast);
        assertThat(link.slow()).isFalse();

        clock.move(PeerLink.SLOW_HOLD.multipliedBy(3)); // fast for longer than the last hold: the next one starts over
        link.confirmedSlowly(TimeUnit.MILLISECONDS.toNanos(9900), 25);
        clock.move(PeerLink.SLOW_HOLD);
        link.confirmedFast(fast);
        assertThat(link.slow()).isFalse();
    }

    /**
     * A slow peer that recovered while nothing was sent to it (no batch judged it fast) is not slow for ever: its mark
     * lapses after its hold, unless a send took over slow-confirmation meanwhile (the slow lane's lone batches).
     */
    @Test
    void a_slow_mark_lapses_after_its_hold_when_no_send_was_slow_meanwhile() {
        org.jukibus.clock.MovableClock clock = new org.jukibus.clock.MovableClock(java.time.Instant.parse("2026-12-07T21:00:00Z"));
        PeerLink link = new PeerLink("271004", List.of(PRIMARY), null,
                new LinkPolicy(Duration.ofSeconds(10), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), clock, () -> { });
        link.confirmedSlowly(TimeUnit.MILLISECONDS.toNanos(9900), 25);
        clock.move(PeerLink.SLOW_HOLD.minusSeconds(10));
        link.confirmedLate(); // a lane batch over slow-confirmation, the peer alone in it
        clock.move(Duration.ofSeconds(20));
        assertThat(link.slow()).as("its hold is over, but it was slow 10 s ago").isTrue();
        clock.move(PeerLink.SLOW_HOLD);
        assertThat(link.slow()).as("not seen slow for a hold").isFalse();
        link.confirmedLate();
        assertThat(link.slow()).as("a late send marks nobody").isFalse();
    }

    @Test
    void the_hold_doubles_up_to_32_times_the_first() {
        org.jukibus.clock.MovableClock clock = new org.jukibus.clock.MovableClock(java.time.Instant.parse("2026-12-07T21:00:00Z"));
        PeerLink link = new PeerLink("271004", List.of(PRIMARY), null,
                new LinkPolicy(Duration.ofSeconds(10), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)), clock, () -> { });
        long slowly = TimeUnit.MILLISECONDS.toNanos(9900);
        long fast = TimeUnit.MILLISECONDS.toNanos(50);
        Duration hold = PeerLink.SLOW_HOLD;
        for (int episode = 1; episode <= 8; episode++) {
            link.confirmedSlowly(slowly, 25); // each episode right after the last ended: held twice as long, to a cap
            clock.move(hold.minusSeconds(1));
            link.confirmedFast(fast);
            assertThat(link.slow()).as("episode %d within its hold %s", episode, hold).isTrue();
            clock.move(Duration.ofSeconds(1));
            link.confirmedFast(fast);
            assertThat(link.slow()).as("episode %d after its hold %s", episode, hold).isFalse();
            hold = hold.multipliedBy(2).compareTo(PeerLink.SLOW_HOLD.multipliedBy(32)) > 0 ? hold : hold.multipliedBy(2);
        }
        assertThat(hold).isEqualTo(PeerLink.SLOW_HOLD.multipliedBy(32));
    }

    @Test
    void a_slow_confirmation_of_zero_or_below_is_refused_at_start() {
        for (Duration slowAfter : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LinkPolicy(Duration.ofSeconds(10), 10,
                            Duration.ofMinutes(5), Duration.ofMinutes(5), slowAfter))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jukibus.link.slow-confirmation");
        }
        assertThat(new LinkPolicy(Duration.ofSeconds(10), 10, Duration.ofMinutes(5), Duration.ofMinutes(5)).slowAfter())
                .isEqualTo(new org.jukibus.core.NodeProperties.Link().getSlowConfirmation());
    }
}
