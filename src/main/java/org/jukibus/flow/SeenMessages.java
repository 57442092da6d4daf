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

    /** Records a delivery durably (fsync) before the caller commits its broker transaction. */
    public synchronized void record(String messageId, String brokerMessageId, Instant createdAt) throws IOException {
        seen.put(messageId, new Entry(brokerMessageId, createdAt));
        String line = messageId + '\t' + brokerMessageId + '\t' + createdAt + '\n';
        log.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        log.force(false);
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
