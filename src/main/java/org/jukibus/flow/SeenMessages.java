package org.jukibus.flow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ids of envelopes this node has delivered, kept as long as the receiver's freshness window: a
 * message older than the window is refused as EXPIRED anyway, so nothing older need be kept.
 *
 * <p>An append-only file, forced to disk before the broker transaction commits, so a crash can
 * never make the node forget a delivery. It distinguishes a broker redelivery of the same message
 * (same broker message id: the previous attempt may have died after writing the outbox) from a
 * replay (the same envelope arriving as a new message).
 */
public final class SeenMessages implements AutoCloseable {

    /** What to do with an envelope id. */
    public enum Verdict { NEW, REDELIVERY, REPLAY }

    private record Entry(String brokerMessageId, Instant createdAt) {
    }

    private final Path file;
    private final Clock clock;
    private final Duration window;
    private final Map<String, Entry> seen = new HashMap<>();
    /** Envelope ids being delivered right now, by broker message id: a copy arriving meanwhile must wait. */
    private final Map<String, String> inFlight = new HashMap<>();
    private final Object forceLock = new Object();
    private long written;
    private long forced;
    private FileChannel log;

    public SeenMessages(Path file, Clock clock, Duration window) throws IOException {
        this.file = file;
        this.clock = clock;
        this.window = window;
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) {
            load();
        }
        compact();
    }

    public synchronized Verdict check(String messageId, String brokerMessageId) {
        Entry entry = seen.get(messageId);
        if (entry == null) {
            return Verdict.NEW;
        }
        return entry.brokerMessageId().equals(brokerMessageId) ? Verdict.REDELIVERY : Verdict.REPLAY;
    }

    /**
     * Like {@link #check} for a delivery that may run beside others (several consumers): a NEW
     * verdict claims the id until {@link #release}; a second copy of the same envelope (another
     * broker message) checked while the first is in flight gets {@link DeliveryInFlightException}
     * (transient: its transaction rolls back and it is retried, and then is a REPLAY if the first
     * committed, or NEW if it rolled back).
     */
    public synchronized Verdict claim(String messageId, String brokerMessageId) throws DeliveryInFlightException {
        String owner = inFlight.get(messageId);
        if (owner != null && !owner.equals(brokerMessageId)) {
            throw new DeliveryInFlightException("message " + messageId + " is being delivered by another consumer");
        }
        Verdict v = check(messageId, brokerMessageId);
        if (v == Verdict.NEW) {
            inFlight.put(messageId, brokerMessageId);
        }
        return v;
    }

    /** Ends a claim (after the delivery's transaction committed or rolled back). */
    public synchronized void release(String messageId, String brokerMessageId) {
        inFlight.remove(messageId, brokerMessageId);
    }

    /**
     * Records a delivery durably (fsync) before the caller commits its broker transaction. Callers
     * running at the same time share one fsync (group commit): each returns only once a force that
     * started after its own write has completed.
     */
    public void record(String messageId, String brokerMessageId, Instant createdAt) throws IOException {
        long mine;
        synchronized (this) {
            seen.put(messageId, new Entry(brokerMessageId, createdAt));
            String line = messageId + '\t' + brokerMessageId + '\t' + createdAt + '\n';
            ByteBuffer buffer = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                log.write(buffer);
            }
            mine = ++written;
        }
        synchronized (forceLock) {
            if (forced >= mine) {
                return; // a force that began after our write has already completed
            }
            long upTo;
            synchronized (this) {
                upTo = written;
            }
            log.force(false);
            forced = upTo;
        }
    }

    /** A copy of an envelope arrived while the first is still being delivered: retry later. */
    public static final class DeliveryInFlightException extends Exception {
        public DeliveryInFlightException(String message) {
            super(message);
        }
    }

    private void load() throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            boolean last = i == lines.size() - 1;
            // a torn last line (power cut in the middle of the append) was never forced, so never
            // committed: it is ignored, whether it lost whole fields or only the end of the time stamp
            if (f.length != 3) {
                continue;
            }
            try {
                seen.put(f[0], new Entry(f[1], Instant.parse(f[2])));
            } catch (DateTimeParseException e) {
                if (!last) {
                    throw new IOException(file + " line " + (i + 1) + " is damaged: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Drops ids older than the window and rewrites the file atomically. */
    private void compact() throws IOException {
        Instant oldest = clock.instant().minus(window).minus(Duration.ofHours(1));
        seen.values().removeIf(e -> e.createdAt().isBefore(oldest));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder sb = new StringBuilder();
        seen.forEach((id, e) -> sb.append(id).append('\t').append(e.brokerMessageId()).append('\t').append(e.createdAt()).append('\n'));
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        log = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
