package org.jukibus.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeOpener;
import org.jukibus.flow.MessageIds;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.core.NodeProperties;
import org.jukibus.pki.KeyMaterial;

/**
 * The physical limit: what a node does to a notice with keys and algorithms, and nothing else —
 * payload parse and validation, seal (encrypt to the recipient, sign), open (parse, validate,
 * verify, decrypt, validate the payload) — in a tight loop, the same classes the nodes use.
 */
final class CryptoOnly {

    private final NodeEnvelopes senderSide;
    private final NodeEnvelopes recipientSide;
    private final String recipient;
    private final byte[] notice;
    private final String type = BenchCommand.TYPE;

    CryptoOnly(Network network, String sender, String recipient, byte[] notice) {
        try {
            NodeDirectory directory = DirectoryLoader.load(network.directoryFile(), network.ca().certificate(), null, Clock.systemUTC());
            NodeProperties.Envelope limits = new NodeProperties.Envelope();
            KeyMaterial s = network.node(sender).keys();
            KeyMaterial r = network.node(recipient).keys();
            this.senderSide = new NodeEnvelopes(sender, s, directory, network.ca()::currentCrl, limits, Clock.systemUTC());
            this.recipientSide = new NodeEnvelopes(recipient, r, directory, network.ca()::currentCrl, limits, Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.recipient = recipient;
        this.notice = notice;
    }

    int envelopeSize() throws Exception {
        return sealFor(recipient).length;
    }

    byte[] sealFor(String peer) {
        try {
            return senderSide.seal(type, peer, MessageIds.forInput(senderSide.selfCode(), notice), null,
                    senderSide.parsePayload(notice, type));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Notices per second sealed and opened by {@code threads} threads. */
    double run(int threads, Duration duration) throws Exception {
        loop(threads, Duration.ofSeconds(3)); // warm-up
        return loop(threads, duration);
    }

    private double loop(int threads, Duration duration) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        byte[] sealed = sealFor(recipient);
                        recipientSide.open(sealed).payloadBytes();
                        done.incrementAndGet();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "bench-crypto-" + t);
            workers.add(w);
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - start;
        if (!errors.isEmpty()) {
            throw new IllegalStateException("crypto loop failed", errors.get(0));
        }
        return done.get() / (elapsed / 1e9);
    }
}
