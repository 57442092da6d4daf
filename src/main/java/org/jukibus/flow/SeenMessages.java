package org.jukibus.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jukibus.clock.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The envelopes this node has delivered, by sender and message id, kept in the node's store
 * (table {@code seen_message}) for the whole receiver window (the outage window plus a margin) and another
 * outage window after it: a message that waited weeks for this node is delivered once, a replay of it is
 * refused however late it comes, and an expired copy of it is known for a duplicate for as long as its sender
 * could still take a non-delivery notice (it keeps an open message two outage windows). Keyed by the (verified) sender, so a hostile peer sending first with another
 * peer's message id only makes its own message a replay.
 *
 * <p>A delivery is recorded in the store (committed) before the caller commits its broker
 * transaction, so a crash can never make the node forget it; deliveries recorded at the same time
 * share one store transaction (group commit). It distinguishes a broker redelivery of the same
 * message (same broker message id: the previous attempt may have died after writing the outbox)
 * from a replay (the same envelope arriving as a new message). Entries older than the window are
 * purged every hour ({@link OutageWindowPurge}).
 *
 * <p>It also holds the envelopes refused for their time whose signer was told so ({@link #recordTold}): such a refusal
 * is final, so a later copy of the envelope (a {@code dlq replay}, the sender's broker sending it again) is a
 * {@link Verdict#REPLAY} however the clocks moved meanwhile; otherwise a CLOCK_AHEAD envelope told NOT_DELIVERED would
 * open minutes later, once the recipient's clock caught up, beside the copy the sender's legacy system sent again under
 * a new id. Such a row keeps the envelope's own createdAt, so it outlives every time at which the envelope could be
 * accepted (createdAt - maxFuture to createdAt + maxAge, within the window), and its broker message id is marked
 * {@value #TOLD_MARK}: the very broker message seen again means the refusal's broker transaction (dead letter and
 * notice) rolled back, nothing was told, and it is {@link Verdict#NEW} again.
 */
public final class SeenMessages {

    private static final Logger log = LoggerFactory.getLogger(SeenMessages.class);
    /** The sender of ids imported from the old seen-messages.log, which did not record it: matches any sender. */
    static final String ANY_SENDER = "";

    /** Prefix of the broker message id of a refusal told to its sender ({@link #recordTold}). */
    static final String TOLD_MARK = "told:";

    /** What to do with an envelope id. */
    public enum Verdict { NEW, REDELIVERY, REPLAY }

    private record Key(String sender, String messageId) {
    }

    /** A delivery waiting for the next group commit; {@code done} and {@code failure} are guarded by {@code commitLock}. */
    private static final class Pending {
        final Key key;
        final String brokerMessageId;
        final Instant createdAt;
        boolean done;
        SQLException failure;

        Pending(Key key, String brokerMessageId, Instant createdAt) {
            this.key = key;
            this.brokerMessageId = brokerMessageId;
            this.createdAt = createdAt;
        }
    }

    private final DataSource store;
    private final Clock clock;
    private final Duration window;
    private final PurgeCutoff cutoff = new PurgeCutoff("seen_message");
    /** Envelopes being delivered right now, by broker message id: a copy arriving meanwhile must wait. */
    private final Map<Key, String> inFlight = new HashMap<>();
    private final Object commitLock = new Object();
    private List<Pending> queued = new ArrayList<>();

    public SeenMessages(DataSource store, Clock clock, Duration window) {
        this.store = store;
        this.clock = clock;
        this.window = window;
    }

    public Verdict check(String sender, String messageId, String brokerMessageId) {
        try (Connection c = store.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "select broker_message_id from seen_message where message_id = ? and sender in (?, ?)")) {
            s.setString(1, messageId);
            s.setString(2, sender);
            s.setString(3, ANY_SENDER);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Verdict.NEW;
                }
                String stored = r.getString(1);
                if (stored.equals(TOLD_MARK + brokerMessageId)) {
                    return Verdict.NEW; // its refusal rolled back with the broker transaction that would have told it
                }
                return stored.equals(brokerMessageId) ? Verdict.REDELIVERY : Verdict.REPLAY;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the seen messages from the store: " + e.getMessage(), e);
        }
    }

    /**
     * Like {@link #check} for a delivery that may run beside others (several consumers): a NEW
     * verdict claims the id until {@link #release}; a second copy of the same envelope (another
     * broker message) checked while the first is in flight gets {@link DeliveryInFlightException}
     * (transient: its transaction rolls back and it is retried, and then is a REPLAY if the first
     * committed, or NEW if it rolled back).
     */
    public Verdict claim(String sender, String messageId, String brokerMessageId) throws DeliveryInFlightException {
        Key key = new Key(sender, messageId);
        synchronized (inFlight) {
            String owner = inFlight.get(key);
            if (owner != null && !owner.equals(brokerMessageId)) {
                throw new DeliveryInFlightException("message " + messageId + " from " + sender
                        + " is being delivered by another consumer");
            }
            inFlight.put(key, brokerMessageId); // held while we look, so a copy cannot slip in between
        }
        Verdict v;
        try {
            v = check(sender, messageId, brokerMessageId);
        } catch (RuntimeException e) {
            release(sender, messageId, brokerMessageId);
            throw e;
        }
        if (v != Verdict.NEW) {
            release(sender, messageId, brokerMessageId);
        }
        return v;
    }

    /** Ends a claim (after the delivery's transaction committed or rolled back). */
    public void release(String sender, String messageId, String brokerMessageId) {
        synchronized (inFlight) {
            inFlight.remove(new Key(sender, messageId), brokerMessageId);
        }
    }

    /**
     * Records a delivery durably (committed to the store) before the caller commits its broker
     * transaction. Callers running at the same time share one store transaction (group commit):
     * the first to get the commit lock writes every delivery queued by then.
     */
    public void record(String sender, String messageId, String brokerMessageId, Instant createdAt) throws IOException {
        Pending mine = new Pending(new Key(sender, messageId), brokerMessageId, createdAt);
        synchronized (this) {
            queued.add(mine);
        }
        synchronized (commitLock) {
            if (!mine.done) {
                List<Pending> batch;
                synchronized (this) {
                    batch = queued;
                    queued = new ArrayList<>();
                }
                SQLException failure = insert(batch);
                for (Pending p : batch) {
                    p.done = true;
                    p.failure = failure;
                }
            }
            if (mine.failure != null) {
                throw new IOException("cannot record delivered message " + messageId + " in the store: "
                        + mine.failure.getMessage(), mine.failure);
            }
        }
    }

    private SQLException insert(List<Pending> batch) {
        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("insert into seen_message "
                    + "(sender, message_id, broker_message_id, created_at) values (?, ?, ?, ?) "
                    + "on conflict (sender, message_id) do update set broker_message_id = excluded.broker_message_id "
                    // the told refusal of this very broker message rolled back, then it was delivered: a redelivery
                    // of it after a crash must be known as one (REDELIVERY), not as new
                    + "where seen_message.broker_message_id = '" + TOLD_MARK + "' || excluded.broker_message_id")) {
                for (Pending p : batch) {
                    s.setString(1, p.key.sender());
                    s.setString(2, p.key.messageId());
                    s.setString(3, p.brokerMessageId);
                    s.setTimestamp(4, Timestamp.from(p.createdAt));
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
                return null;
            } catch (SQLException e) {
                c.rollback();
                return e;
            }
        } catch (SQLException e) {
            return e;
        }
    }

    /**
     * Records that the envelope {@code messageId} of {@code sender} (its verified signer), broker message
     * {@code brokerMessageId}, was refused for its time and its signer is being told: from then on every other copy is a
     * {@link Verdict#REPLAY}. Committed to the store before the caller commits the broker transaction that dead-letters it
     * and sends the notice; should that roll back, the same broker message comes again and is {@link Verdict#NEW}. Kept
     * by {@code createdAt} like a delivery. Nothing happens if the id is already here (delivered, or told before).
     */
    public void recordTold(String sender, String messageId, String brokerMessageId, Instant createdAt) throws IOException {
        try (Connection c = store.getConnection();
             PreparedStatement s = c.prepareStatement("insert into seen_message "
                     + "(sender, message_id, broker_message_id, created_at) values (?, ?, ?, ?) "
                     + "on conflict (sender, message_id) do nothing")) {
            s.setString(1, sender);
            s.setString(2, messageId);
            s.setString(3, TOLD_MARK + brokerMessageId);
            s.setTimestamp(4, Timestamp.from(createdAt));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot record refused message " + messageId + " from " + sender + " in the store: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Whether an envelope created at {@code createdAt} would still be found here had it been delivered: then a
     * {@link Verdict#NEW} means it never was. The purge forgets by the same bound.
     */
    public boolean remembers(Instant createdAt) {
        return !createdAt.isBefore(NodeClock.forForgetting(clock).minus(window));
    }

    /**
     * Drops entries created before the window (long refused as EXPIRED by then); returns how many. The cutoff moves on
     * no faster than time passes ({@link PurgeCutoff}): a host clock jumping forward does not forget ids early.
     */
    public int purge() throws SQLException {
        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("delete from seen_message where created_at < ?")) {
                s.setTimestamp(1, Timestamp.from(cutoff.next(c, NodeClock.forForgetting(clock).minus(window))));
                int n = s.executeUpdate();
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Imports the ids of the append-only file that kept them before (one line each: message id, broker
     * message id, created-at), as {@link #ANY_SENDER} since it did not name the sender, then renames the
     * file to {@code .imported}. Nothing to do without the file.
     */
    public void importLog(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<Pending> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length != 3) {
                continue; // a torn last line was never forced, so never committed
            }
            try {
                entries.add(new Pending(new Key(ANY_SENDER, f[0]), f[1], Instant.parse(f[2])));
            } catch (DateTimeParseException e) {
                // the same: the end of a torn time stamp
            }
        }
        SQLException failure = insert(entries);
        if (failure != null) {
            throw new IOException("cannot import " + file + " into the store: " + failure.getMessage(), failure);
        }
        Files.move(file, file.resolveSibling(file.getFileName() + ".imported"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        log.info("imported {} delivered message id(s) from {}", entries.size(), file);
    }

    /** A copy of an envelope arrived while the first is still being delivered: retry later. */
    public static final class DeliveryInFlightException extends Exception {
        public DeliveryInFlightException(String message) {
            super(message);
        }
    }
}
