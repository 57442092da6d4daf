package org.jukibus.link;

import org.jukibus.core.PeriodicJob;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.jukibus.directory.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lines to every peer this node talks to, opened on first use and kept in a bounded LRU cache.
 * Peers come from the directory, so forwarding to any of ~1,741 municipalities needs no
 * configuration per peer; at most {@code maxOpen} connections are open at once. A line that had to
 * fall back to a peer's backup endpoint tries its primary again every {@code primaryRetry}.
 *
 * <p>Every {@code retryInterval} one background thread rechecks the links: peers that are down are
 * tried again, lines on a backup endpoint that are due try their primary. When a peer answers again
 * {@code peerBack} is told at once: a restarted peer gets its waiting
 * messages within about that interval, not after the outbound queue's redelivery backoff (which
 * grows to a minute).
 */
public final class PeerLinks implements PeerSender, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeerLinks.class);

    /**
     * The bodies a batch of {@link #sendAll} should hold at most: a line's confirmation window (the bytes its client keeps
     * until the peer confirms them), so that one batch for one peer never waits for room in it.
     */
    public static final long BATCH_BYTES = Math.min(4L * 1024 * 1024, PeerLink.CONFIRMATION_WINDOW_BYTES);

    private final PeerEndpoints endpoints;
    private final TlsClientSettings tls;
    private final LinkPolicy policy;
    private final Clock clock;
    private final Consumer<String> peerBack;
    private final Map<String, PeerLink> open;
    private final ScheduledExecutorService rechecks;
    /** Cuts a line whose sends are not confirmed within the call timeout (PeerLink#start). */
    private final LineAlarms alarms = new LineAlarms();
    /** How a line is dialled (null: TLS, PeerLink#transport); a test's seam. */
    private final Function<Endpoint, TransportConfiguration> transports;

    public PeerLinks(PeerEndpoints endpoints, TlsClientSettings tls, LinkPolicy policy, Clock clock, Consumer<String> peerBack) {
        this(endpoints, tls, policy, clock, peerBack, null);
    }

    PeerLinks(PeerEndpoints endpoints, TlsClientSettings tls, LinkPolicy policy, Clock clock, Consumer<String> peerBack,
            Function<Endpoint, TransportConfiguration> transports) {
        this.transports = transports;
        this.endpoints = endpoints;
        this.tls = tls;
        this.policy = policy;
        this.clock = clock;
        this.peerBack = peerBack;
        this.open = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PeerLink> eldest) {
                if (size() > policy.maxOpen()) {
                    eldest.getValue().close(alarms::execute); // the line closes on its own thread, not under this map's lock
                    return true;
                }
                return false;
            }
        };
        this.rechecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jukibus-link-recheck");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, policy.retryInterval().toMillis());
        rechecks.scheduleWithFixedDelay(PeriodicJob.guarded("peer link recheck", Duration.ofMillis(every), this::recheckLinks),
                every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void send(String peer, OutgoingMessage message) throws UnknownPeerException, PeerUnreachableException, LineOpeningException,
            MessageRefusedException {
        link(peer).send(message);
    }

    @Override
    public Map<String, List<Exception>> sendAll(Map<String, List<OutgoingMessage>> byPeer) {
        Map<String, List<Exception>> outcomes = new LinkedHashMap<>();
        Map<String, PeerLink.Sending> sending = new LinkedHashMap<>();
        // peers with an open line first: opening one (up to a connect timeout per endpoint) delays the peers after it
        List<Map.Entry<String, List<OutgoingMessage>>> order = new ArrayList<>(byPeer.entrySet());
        order.sort(java.util.Comparator.comparing(e -> activeEndpoint(e.getKey()) == null));
        // one wait for all of the batch's peers whose line another thread is opening, not one per peer (review-fwdbatch3
        // M3): k such peers cost the batch at most one open wait, not k of them one after the other
        long openWaitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PeerLink.openWaitMillis(policy));
        for (Map.Entry<String, List<OutgoingMessage>> peer : order) {
            List<OutgoingMessage> messages = peer.getValue();
            if (Thread.currentThread().isInterrupted()) {
                // this node's stop: the peers not started yet are not (a blocking call of the client would turn the
                // interrupt into a failure of a peer that is up, review-fwdsafe M1); their messages go again after the start
                outcomes.put(peer.getKey(), Collections.nCopies(messages.size(),
                        new LineOpeningException("not sent to " + peer.getKey() + ": this node is stopping (interrupted)")));
                continue;
            }
            try {
                sending.put(peer.getKey(), link(peer.getKey()).start(messages, alarms, openWaitUntil));
            } catch (UnknownPeerException e) {
                outcomes.put(peer.getKey(), Collections.nCopies(messages.size(), e));
            } catch (RuntimeException e) {
                // a line that could not even be tried (e.g. its TLS context): this peer's messages wait, the others go
                log.warn("messages for {} not sent: {}", peer.getKey(), PeerText.of(e.toString()));
                outcomes.put(peer.getKey(), Collections.nCopies(messages.size(), e));
            }
        }
        sending.forEach((peer, sends) -> outcomes.put(peer, sends.finish()));
        judgeSpeed(sending.values());
        return outcomes;
    }

    /**
     * How many times longer than the fastest other peer of the same batch a peer must take to confirm (beside more than
     * {@code slowAfter}) to count as slow: a node that is slow itself (its disk, its CPU, a burst) makes all of its
     * peers slow together, and parking them all would help none.
     */
    static final int SLOW_FACTOR = 4;

    /**
     * Marks the peers of a batch slow whose confirmations held up the others ({@link PeerLink#slow}): over
     * {@code slowAfter} and {@value #SLOW_FACTOR} times the fastest other peer's; a peer that confirmed within
     * {@code slowAfter} is not slow (any more). A peer alone in its batch held up nobody: no new mark (the slow lane's
     * batches, flow.SlowLane, tell that it is fast again, or keep its mark from lapsing, {@link PeerLink#confirmedLate}).
     */
    private void judgeSpeed(java.util.Collection<PeerLink.Sending> sendings) {
        Map<PeerLink.Sending, Long> took = new java.util.IdentityHashMap<>();
        for (PeerLink.Sending sends : sendings) {
            if (sends.took() >= 0) { // else not all confirmed: the link's own failure handling decides
                took.put(sends, sends.took());
            }
        }
        Map<PeerLink.Sending, Boolean> verdicts = speeds(took, policy.slowAfter().toNanos());
        took.forEach((sends, nanos) -> {
            Boolean slow = verdicts.get(sends);
            if (slow == null) {
                sends.link().confirmedLate();
            } else if (slow) {
                sends.link().confirmedSlowly(nanos, sends.count());
            } else {
                sends.link().confirmedFast(nanos);
            }
        });
    }

    /**
     * Of the peers of one batch and how long each took to confirm all of its messages: true for each that is slow (over
     * {@code slowAfter} and {@value #SLOW_FACTOR} times the fastest other's), false for each that is fast (within
     * {@code slowAfter}); the others (slow, but nobody to compare with or not far behind) are left out: no verdict.
     */
    static <K> Map<K, Boolean> speeds(Map<K, Long> took, long slowAfter) {
        Map<K, Boolean> verdicts = new java.util.HashMap<>();
        took.forEach((peer, nanos) -> {
            if (nanos <= slowAfter) {
                verdicts.put(peer, false);
                return;
            }
            long fastestOther = took.entrySet().stream().filter(other -> other.getKey() != peer)
                    .mapToLong(Map.Entry::getValue).min().orElse(Long.MAX_VALUE);
            if (fastestOther != Long.MAX_VALUE && nanos > SLOW_FACTOR * fastestOther) {
                verdicts.put(peer, true);
            }
        });
        return verdicts;
    }

    /** Whether {@code peer}'s broker is slow to confirm now ({@link #judgeSpeed}): its messages ride in no shared batch. */
    @Override
    public boolean slow(String peer) {
        PeerLink link;
        synchronized (open) {
            link = open.get(peer);
        }
        return link != null && link.slow();
    }

    /** How many peers are slow now ({@code jukibus_link_slow_peers}). */
    public int slowCount() {
        List<PeerLink> links;
        synchronized (open) {
            links = new ArrayList<>(open.values());
        }
        return (int) links.stream().filter(PeerLink::slow).count();
    }

    /** The endpoint the line to a peer currently uses, or null if none is open. */
    public Endpoint activeEndpoint(String peer) {
        PeerLink link;
        synchronized (open) {
            link = open.get(peer);
        }
        return link == null ? null : link.activeEndpoint();
    }

    /**
     * Whether this node knows {@code peer} to be down now: its link failed on every line and has not opened since. A
     * peer without a link (never tried since the start, or its link closed as least recently used) is not known down.
     */
    public boolean knownDown(String peer) {
        PeerLink link;
        synchronized (open) {
            link = open.get(peer);
        }
        return link != null && link.down();
    }

    public int openCount() {
        synchronized (open) {
            return open.size();
        }
    }

    /**
     * Closes every line; the next send to a peer opens a new one on the endpoints the directory names then
     * (a newly published directory may have moved a peer). A send caught closing fails as this node's doing, not the
     * peer's ({@link LineOpeningException}): it is tried again shortly, never parked, and the peer is not marked down.
     */
    public void reopenAll() {
        List<PeerLink> replaced;
        synchronized (open) {
            replaced = new ArrayList<>(open.values());
            open.clear();
        }
        // each line closes on a thread of its own: a graceful close asks the peer, which may be slow to answer, and a
        // batch in flight on it is confirmed or goes again on the new link, not parked (review-fwdsafe M2)
        replaced.forEach(link -> link.close(alarms::execute));
    }

    private PeerLink link(String peer) throws UnknownPeerException {
        synchronized (open) {
            PeerLink link = open.get(peer);
            if (link == null) {
                List<Endpoint> lines = endpoints.endpointsOf(peer)
                        .orElseThrow(() -> new UnknownPeerException("recipient " + peer + " is not in the directory"));
                link = new PeerLink(peer, lines, tls, policy, clock, () -> rechecks.execute(() -> announce(peer)), transports);
                open.put(peer, link);
            }
            return link;
        }
    }

    private void recheckLinks() {
        List<PeerLink> links;
        synchronized (open) {
            links = new ArrayList<>(open.values());
        }
        for (PeerLink link : links) {
            try {
                link.recheck(); // a peer whose line opens again calls back through announce()
            } catch (RuntimeException e) { // one peer's failure must not end the rechecks of the others
                log.error("a peer line recheck failed (tried again in the next round): {}", e.toString());
            }
        }
    }

    private void announce(String peer) {
        try {
            peerBack.accept(peer);
        } catch (RuntimeException e) {
            log.warn("peer {} is back, but its waiting messages could not be released now: {}", peer, e.getMessage());
        }
    }

    @Override
    public void close() {
        rechecks.shutdownNow();
        synchronized (open) {
            open.values().forEach(PeerLink::close); // on this thread: the node is stopping, nothing waits for the map
            open.clear();
        }
        alarms.close();
    }
}
