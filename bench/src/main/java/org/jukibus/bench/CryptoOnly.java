package org.jukibus.bench;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

import org.jukibus.core.NodeProperties;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Receipt;
import org.jukibus.xml.SecureXml;

/**
 * The physical limit: the envelope work of one delivered notice and nothing else, with the classes
 * the nodes use — the sender parses, validates and seals the notice; the recipient opens it (parse,
 * validate, verify, decrypt, validate the payload) and seals its receipt; the sender opens the
 * receipt. Four envelope operations per notice, as e2e does them; no broker, no store, no files.
 */
final class CryptoOnly {

    private static final XmlMapper XML = new XmlMapper();

    private final NodeEnvelopes senderSide;
    private final NodeEnvelopes recipientSide;
    private final String recipient;
    private final byte[] notice;

    CryptoOnly(Network network, String sender, String recipient, byte[] notice) {
        try {
            NodeDirectory directory = DirectoryLoader.load(network.directoryFile(), network.ca().certificate(), null, Clock.systemUTC());
            NodeProperties.Envelope limits = new NodeProperties.Envelope();
            this.senderSide = new NodeEnvelopes(sender, network.node(sender).keys(), directory, network.ca()::currentCrl, limits, Clock.systemUTC());
            this.recipientSide = new NodeEnvelopes(recipient, network.node(recipient).keys(), directory, network.ca()::currentCrl, limits,
                    Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.recipient = recipient;
        this.notice = notice;
    }

    int envelopeSize() {
        return sealFor(recipient).length;
    }

    /** The notice sealed for {@code peer} as the sender's intake seals it. */
    byte[] sealFor(String peer) {
        try {
            return senderSide.seal(BenchNetwork.TYPE, peer, MessageIds.forInput(senderSide.selfCode(), notice), null,
                    senderSide.parsePayload(notice, BenchNetwork.TYPE));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One delivered notice's envelope work; returns the message id the receipt acknowledges. */
    String deliverOne() throws Exception {
        byte[] envelope = sealFor(recipient);
        EnvelopeHeader header = recipientSide.open(envelope).header();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(envelope));
        Receipt receipt = new Receipt(header.messageId(), recipientSide.now().toString(), recipient, Receipt.DELIVERED, null, digest);
        byte[] sealedReceipt = recipientSide.seal(Receipt.TYPE, header.sender(), MessageIds.receiptOf(header.sender(), header.messageId()),
                header.messageId(), SecureXml.parse(XML.writeValueAsBytes(receipt)));
        return senderSide.open(sealedReceipt).header().correlationId();
    }

    /** Warm-up until steady, then {@code runs} loops on every core: the crypto-only row. */
    void measure(Settings settings, Report report) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        Duration window = Duration.ofSeconds(2);
        WarmUp.Outcome warm = WarmUp.untilSteady(() -> {
            Loop l = loop(threads, window);
            return new WarmUp.Window(l.rate(), l.jitShare());
        }, settings.warmupMaxWindows());
        report.note("crypto-only warm-up: " + warm.describe() + " of " + window.toSeconds() + " s");
        List<Loop> runs = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            Loop l = loop(threads, Duration.ofSeconds(settings.cryptoSeconds()));
            Bench.say(String.format("crypto-only run %d: %.0f notices/s, %.2f ms of JVM CPU per notice (JIT %.0f%% of the CPU)",
                    i + 1, l.rate(), l.cpuMillisPerNotice(), l.jitShare() * 100));
            runs.add(l);
        }
        Figure rate = Figure.of(runs, Loop::rate);
        report.keep("crypto", rate);
        report.row("crypto-only: seal + open of the notice and of its receipt (" + threads + " threads)",
                rate.format("%,.0f") + " notices/s, JIT " + Figure.of(runs, l -> l.jitShare() * 100).format("%.0f") + "% of the CPU");
        // what a load average cannot blur as much as a rate: the CPU the envelope work of one notice takes
        report.row("crypto-only: JVM CPU per notice", Figure.of(runs, Loop::cpuMillisPerNotice).format("%.2f") + " ms");
    }

    /** @param cpuMillisPerNotice the JVM's CPU time in the loop (JIT and GC included) over the notices done */
    record Loop(long done, double rate, double jitShare, double cpuMillisPerNotice) {
    }

    /** Notices per second whose envelope work {@code threads} threads did in {@code duration}. */
    Loop loop(int threads, Duration duration) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Thread(() -> {
                try {
                    while (!stop.get()) {
                        deliverOne();
                        done.incrementAndGet();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "bench-crypto-" + t));
        }
        ProcessCpu cpu0 = ProcessCpu.of(ProcessHandle.current(), List.of());
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
        ProcessCpu used = ProcessCpu.of(ProcessHandle.current(), List.of()).minus(cpu0);
        return new Loop(done.get(), done.get() / (elapsed / 1e9), used.jitShare(), used.jvmNanos() / 1e6 / Math.max(1, done.get()));
    }
}
