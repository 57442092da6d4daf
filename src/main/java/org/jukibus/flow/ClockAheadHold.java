package org.jukibus.flow;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.jukibus.envelope.EnvelopeHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Envelopes refused CLOCK_AHEAD that this node holds for a while instead of telling their sender NOT_DELIVERED at once
 * (table {@code clock_ahead_hold}, migration {@code common/V431}). The refusal says the envelope was made in this node's
 * future; that is as often this node's clock being behind (a host back from a 4-day outage with systemd-timesyncd's
 * saved clock and NTP not yet answering, a VM snapshot restored) as the sender's ahead, and a told refusal is final
 * (SeenMessages#recordTold): every message that waited out the outage would be lost to its sender's legacy system.
 * So a verified envelope put here by its own signer is kept here, its broker message acknowledged, and
 * {@link ClockAheadRelease} puts it back on its inbound queue once the node clock reaches it (its createdAt no longer
 * more than {@code max-future} ahead), or once the hold ({@code jukibus.delivery.clock-ahead-hold}) is over: then it is
 * refused and its sender told, as before, only later.
 * <p>
 * A peer with a valid certificate may be hostile. What it can do here: have its own envelopes held, up to
 * {@link Bound} per sender (count and bytes, released ones included: they are still on disk); beyond that its envelope
 * is refused as before (a dead letter, a security event, its sender told). It holds nothing of another sender's (rows are
 * keyed by the verified signer, who must be the producer), and nothing waits on the queue: the held message leaves
 * it, so the queue's other messages flow (no suspension). The bound is checked in the inserting statement; concurrent
 * consumers can pass it by at most their number less one.
 * <p>
 * A held envelope is put back by this node (its broker producer is then the node itself), stamped with its signer
 * ({@link ClockAheadRelease#HELD_FOR}); the stamp on a message this node produced tells the delivery that the copy is
 * the signer's own, so that a refusal after the hold is told to the signer as the original's would have been. The row goes once the seen messages record the message delivered or told
 * ({@link #forgetSeen}).
 */
public final class ClockAheadHold {

    private static final Logger log = LoggerFactory.getLogger(ClockAheadHold.class);

    /**
     * Envelopes of at least this many senders held at once: this node's clock is taken as behind (its own WARN, the
     * alert JukibusNodeClockBehind). Two, not a share of the active peers: a municipality talks to a handful of peers
     * (its prefecture, central, a few others), so a share would need most of them to send during the episode; one
     * sender alone is what its own clock ahead looks like. Two hostile peers keeping envelopes held at once can keep
     * this on (as one alone could keep the single alert on before); the gauge jukibus_delivery_clock_ahead_senders still
     * counts the senders a real episode adds.
     */
    public static final int NODE_CLOCK_SENDERS = 2;
    /** A row whose put-back copy was refused and told is kept this long after its put-back ({@link #forgetSeen}). */
    static final Duration KEPT_AFTER_TOLD = Duration.ofMinutes(10);
    /** A sender's episode, and the node clock's, WARN at most this often each; more often INFO. */
    static final Duration WARN_AT_MOST_EVERY = Duration.ofHours(1);

    /** What {@link #hold} decided. */
    public enum Decision {
        /** Held: the delivery ends here, its broker message acknowledged; it comes back later. */
        HELD,
        /** Held before, for the whole hold, and still ahead: refused and told as before. */
        HOLD_OVER,
        /** Its sender's share of the hold is full: refused and told as before. */
        SENDER_FULL,
        /** Holding is off ({@link #none}, a hold of zero): refused and told at once. */
        NOT_HELD
    }

    /** At most this much held per sender. */
    public record Bound(int envelopes, long bytes) {
        public Bound {
            if (envelopes < 1 || bytes < 1) {
                throw new IllegalArgumentException("the clock-ahead hold's bound per sender must be positive: " + envelopes
                        + " envelopes, " + bytes + " bytes");
            }
        }
    }

    /**
     * An envelope due to go back to its inbound queue; {@code putBacks}: how often its row was held again after a
     * put-back (the clock moved back meanwhile).
     */
    public record Held(String sender, String messageId, String flow, byte[] envelope, Instant heldSince, int putBacks) {

        /**
         * The copy's broker duplicate id: the same for the same put-back, so that a batch put back again because its
         * "released" write failed (a store blip after the send) is dropped by the broker, not delivered as a REPLAY
         * dead letter; another once the row was held again, whose next put-back must not be dropped. Never the
         * original's id: the address's duplicate cache holds that one.
         */
        public String duplicateId() {
            return "held:" + sender + ":" + messageId + ":" + heldSince.toEpochMilli() + ":" + putBacks;
        }
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration hold;
    private final Duration maxFuture;
    private final Bound bound;
    /**
     * The senders with envelopes held now, each from when its episode began: from its first envelope held while it had
     * none until a round finds none of its held. One sender held is most likely its own clock ahead; this node's clock
     * behind holds every sender's (analysis-merge11 M2: one sender kept held, its clock ten years ahead, must not hide
     * that). Keyed by verified signers only, so bounded by the node directory.
     */
    private final Map<String, Instant> senderEpisodes = new ConcurrentHashMap<>();
    /** When each sender's episode last had its WARN: at most one an hour each ({@link #WARN_AT_MOST_EVERY}). */
    private final Map<String, Instant> senderWarned = new ConcurrentHashMap<>();
    /** This node's clock taken as behind: envelopes of {@link #NODE_CLOCK_SENDERS} senders or more held at once. */
    private final AtomicBoolean nodeEpisode = new AtomicBoolean();
    private final AtomicReference<Instant> nodeWarned = new AtomicReference<>();

    /**
     * @param hold      how long an envelope is held at most, by the node clock from when it was first held; zero: off
     * @param maxFuture {@code jukibus.envelope.max-future}: an envelope is due back once its createdAt is no more than
     *                  this ahead of the node clock
     */
    public ClockAheadHold(DataSource store, Clock clock, Duration hold, Duration maxFuture, Bound perSender) {
        if (hold.isNegative()) {
            throw new IllegalArgumentException("jukibus.delivery.clock-ahead-hold must not be negative, not " + hold);
        }
        this.jdbc = store == null ? null : new JdbcTemplate(store);
        this.clock = clock;
        this.hold = hold;
        this.maxFuture = maxFuture;
        this.bound = perSender;
    }

    /** Holds nothing: every CLOCK_AHEAD refusal is told at once (tests of the refusal itself, tools). */
    public static ClockAheadHold none() {
        return new ClockAheadHold(null, Clock.systemUTC(), Duration.ZERO, Duration.ZERO, new Bound(1, 1));
    }

    public boolean on() {
        return jdbc != null && !hold.isZero();
    }

    public Duration hold() {
        return hold;
    }

    /**
     * Holds a verified envelope of {@code flow} refused CLOCK_AHEAD, put here by its signer {@code header.sender()} (the
     * caller checked both), unless it was held for the whole hold already or its sender's share is full.
     * {@code putBack}: the envelope is a copy this node put back (ClockAheadRelease#HELD_FOR).
     */
    public Decision hold(String flow, EnvelopeHeader header, byte[] envelope, String digest, boolean putBack) {
        if (!on()) {
            return Decision.NOT_HELD;
        }
        Instant now = clock.instant();
        List<Timestamp> since = jdbc.queryForList("SELECT held_since FROM clock_ahead_hold WHERE sender = ? AND message_id = ?",
                Timestamp.class, header.sender(), header.messageId());
        if (!since.isEmpty()) {
            if (!since.get(0).toInstant().plus(hold).isAfter(now)) {
                return Decision.HOLD_OVER;
            }
            // back from a put-back that came too early (the clock moved back meanwhile), or a redelivery: held again; its
            // next put-back is another copy, with another duplicate id (Held#duplicateId)
            jdbc.update("UPDATE clock_ahead_hold SET released_at = NULL, put_backs = put_backs + 1 WHERE sender = ? AND message_id = ?",
                    header.sender(), header.messageId());
            beginEpisode(header.sender(), "message " + header.messageId() + " held again");
            return Decision.HELD;
        }
        if (putBack) {
            // a copy this node put back whose row is gone: the seen messages record it told (forgetSeen), and this is
            // that refusal's broker message again after a rollback: told again now, never held for a second hold
            return Decision.HOLD_OVER;
        }
        int added = jdbc.update("INSERT INTO clock_ahead_hold (sender, message_id, envelope_sha256, flow, created_at, held_since,"
                        + " bytes, envelope, message_type, recipient) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                        + " WHERE (SELECT count(*) FROM clock_ahead_hold WHERE sender = ?) < ?"
                        + " AND (SELECT coalesce(sum(bytes), 0) FROM clock_ahead_hold WHERE sender = ?) + ? <= ?"
                        + " ON CONFLICT (sender, message_id) DO NOTHING",
                header.sender(), header.messageId(), digest, flow, Timestamp.from(header.createdAt()), Timestamp.from(now),
                envelope.length, envelope, header.type(), header.recipient(), header.sender(), bound.envelopes(), header.sender(), envelope.length, bound.bytes());
        if (added == 0 && jdbc.queryForObject("SELECT count(*) FROM clock_ahead_hold WHERE sender = ? AND message_id = ?",
                Long.class, header.sender(), header.messageId()) == 0) {
            log.warn("{}'s share of the clock-ahead hold ({} envelopes, {} bytes) is full: its message {} (created {}, now {}) "
                    + "is refused and its sender told, as without the hold", header.sender(), bound.envelopes(), bound.bytes(),
                    header.messageId(), header.createdAt(), now);
            return Decision.SENDER_FULL;
        }
        beginEpisode(header.sender(), "message " + header.messageId() + " created " + header.createdAt());
        return Decision.HELD;
    }

    /**
     * Forgets what the seen messages (table {@code seen_message}, the same store) record as delivered or refused and told:
     * a put-back copy that went through, the original delivered after a crash between its hold and its broker commit,
     * a late copy. Never earlier: a row deleted before the consumer's broker commit (which a crash can undo) would leave
     * the redelivered copy unrecognised. Returns how many went.
     */
    public int forgetSeen() {
        // a put-back copy refused and told: kept a while after its put-back, as the seen record of a told refusal commits
        // before the broker transaction that sends the notice; should that roll back (a crash), the copy comes again
        // and a copy that no longer opens is told only from this row (InboundDelivery#refusedAfterItsHold)
        return jdbc.update("DELETE FROM clock_ahead_hold h USING seen_message s WHERE s.sender = h.sender"
                + " AND s.message_id = h.message_id AND (s.broker_message_id NOT LIKE 'told:%' OR h.released_at <= ?)",
                Timestamp.from(clock.instant().minus(KEPT_AFTER_TOLD)));
    }

    /**
     * At most {@code limit} held envelopes due back on their queue, and no more than {@code maxBytes} of them (but at
     * least one: an envelope is at most jukibus.envelope.max-bytes), so that a batch in the heap stays small: made no
     * more than {@code max-future} ahead of the node clock now, or held for the whole hold (to be refused and told);
     * oldest first.
     */
    public List<Held> due(int limit, long maxBytes) {
        Instant now = clock.instant();
        return jdbc.query("SELECT h.sender, h.message_id, h.flow, h.envelope, h.held_since, h.put_backs FROM (SELECT sender, message_id, created_at, bytes,"
                        + " sum(bytes) OVER (ORDER BY created_at, sender, message_id) AS running FROM clock_ahead_hold"
                        + " WHERE released_at IS NULL AND (created_at <= ? OR held_since <= ?)) due"
                        + " JOIN clock_ahead_hold h ON h.sender = due.sender AND h.message_id = due.message_id"
                        + " WHERE due.running - due.bytes < ? ORDER BY due.created_at, due.sender, due.message_id LIMIT ?",
                (rs, i) -> new Held(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                        rs.getTimestamp(5).toInstant(), rs.getInt(6)),
                Timestamp.from(now.plus(maxFuture)), Timestamp.from(now.minus(hold)), maxBytes, limit);
    }

    /**
     * The header, verified when it was held, of {@code sender}'s envelope held here whose bytes have the SHA-256
     * {@code digest}: what a put-back copy stamped for {@code sender} is (ClockAheadRelease#HELD_FOR, trusted on a
     * message this node produced), when it no longer opens (InboundDelivery). Empty if no such row (forgotten, or
     * held before V437, which stored no type or recipient).
     */
    public Optional<EnvelopeHeader> heldAs(String sender, String digest) {
        if (jdbc == null) {
            return Optional.empty();
        }
        return jdbc.query("SELECT message_id, message_type, recipient, created_at FROM clock_ahead_hold WHERE sender = ?"
                        + " AND envelope_sha256 = ? AND message_type IS NOT NULL AND recipient IS NOT NULL",
                (rs, i) -> new EnvelopeHeader(rs.getString(1), rs.getString(2), sender, rs.getString(3),
                        rs.getTimestamp(4).toInstant(), null), sender, digest).stream().findFirst();
    }

    /** The envelopes are on their inbound queues again (committed). */
    public void released(List<Held> back) {
        Timestamp now = Timestamp.from(clock.instant());
        // not a row held again meanwhile (its copy, sent first in the batch, came back still ahead): that one waits for
        // its own next put-back, which a "released" here would leave undone for good
        jdbc.batchUpdate("UPDATE clock_ahead_hold SET released_at = ? WHERE sender = ? AND message_id = ? AND put_backs = ?",
                back.stream().map(h -> new Object[] {now, h.sender(), h.messageId(), h.putBacks()}).toList());
    }

    /**
     * Forgets put-back rows whose copy never came back to be delivered or refused (an operator removed it from the
     * queue) after {@code after}: they only count against their sender's share. Returns how many went.
     */
    public int forgetReleasedBefore(Duration after) {
        return jdbc.update("DELETE FROM clock_ahead_hold WHERE released_at < ?", Timestamp.from(clock.instant().minus(after)));
    }

    /** Envelopes held now (not put back), by sender. */
    public Map<String, Long> heldBySender() {
        Map<String, Long> held = new LinkedHashMap<>();
        if (on()) {
            jdbc.query("SELECT sender, count(*) FROM clock_ahead_hold WHERE released_at IS NULL GROUP BY sender ORDER BY sender",
                    rs -> {
                        held.put(rs.getString(1), rs.getLong(2));
                    });
        }
        return held;
    }

    /**
     * Called by each round with what is held now, by sender: a sender a round finds none of held ends its episode; one
     * it finds some of (after a start) begins one with its WARN; fewer than {@link #NODE_CLOCK_SENDERS} senders held
     * end the node-clock episode.
     */
    void episodes(Map<String, Long> heldNow) {
        for (String sender : List.copyOf(senderEpisodes.keySet())) {
            if (heldNow.getOrDefault(sender, 0L) == 0 && senderEpisodes.remove(sender) != null) {
                log.info("no envelopes from the future of {} held any more", sender);
            }
        }
        long senders = heldNow.values().stream().filter(n -> n > 0).count();
        if (senders >= NODE_CLOCK_SENDERS) {
            // counted first: after a start in a real episode, no sender is first logged as "its clock is probably ahead"
            beginNodeEpisode(senders, "after a start");
        }
        heldNow.forEach((sender, n) -> {
            if (n > 0) {
                beginEpisode(sender, "after a start");
            }
        });
        if (senderEpisodes.size() < NODE_CLOCK_SENDERS && nodeEpisode.compareAndSet(true, false)) {
            log.info("envelopes from the future held of {} sender(s) only: this node's clock is no longer taken as behind",
                    senderEpisodes.size());
        }
    }

    /**
     * {@code sender} has an envelope held: a new episode of its own if it had none held (a WARN, at most one an hour per
     * sender, none while this node's clock is taken as behind: that WARN says it for all), and the node-clock episode
     * once {@link #NODE_CLOCK_SENDERS} senders are held at once.
     */
    private void beginEpisode(String sender, String which) {
        Instant now = clock.instant();
        if (senderEpisodes.putIfAbsent(sender, now) != null) {
            return;
        }
        int senders = senderEpisodes.size();
        if (senders >= NODE_CLOCK_SENDERS) {
            beginNodeEpisode(senders, "the latest " + sender + ": " + which);
        }
        if (!nodeEpisode.get() && due(senderWarned.get(sender), now)) {
            senderWarned.put(sender, now);
            log.warn("{} ({}). {} Logged once until none of its envelopes is held, at most once an hour",
                    senderClockAlert(sender), which, holding());
        } else {
            log.info("envelopes from the future of {} held ({})", sender, which);
        }
    }

    /** The node-clock episode begins, if not on yet: its WARN, at most one an hour. */
    private void beginNodeEpisode(long senders, String which) {
        if (!nodeEpisode.compareAndSet(false, true)) {
            return;
        }
        Instant now = clock.instant();
        if (due(nodeWarned.get(), now)) {
            nodeWarned.set(now);
            log.warn("{} ({}). {}", nodeClockAlert(senders), which, holding());
        } else {
            log.info("envelopes from the future held of {} senders at once ({}): this node's clock may be behind", senders, which);
        }
    }

    private static boolean due(Instant warned, Instant now) {
        return warned == null || !warned.plus(WARN_AT_MOST_EVERY).isAfter(now);
    }

    private String holding() {
        return "Envelopes made more than " + maxFuture + " after this node's clock are held for up to " + hold
                + " and delivered once the clock reaches them; still ahead then, each is refused CLOCK_AHEAD and its sender told.";
    }

    /** The alert's words, in one place: the log, the health component ({@code heldBySender}: senders with some held). */
    public static String alert(Map<String, Long> heldBySender) {
        long senders = heldBySender.values().stream().filter(n -> n > 0).count();
        if (senders >= NODE_CLOCK_SENDERS) {
            return nodeClockAlert(senders);
        }
        return heldBySender.entrySet().stream().filter(e -> e.getValue() > 0).findFirst()
                .map(e -> senderClockAlert(e.getKey())).orElse("no envelopes from the future held");
    }

    private static String nodeClockAlert(long senders) {
        return "envelopes from the future held of " + senders + " senders at once: is this node's clock behind?"
                + " (timedatectl / chronyc tracking; jukibus clock show)";
    }

    private static String senderClockAlert(String sender) {
        return "envelopes from the future held of one sender, " + sender + ": its clock is probably ahead (this node's"
                + " clock is taken as behind once " + NODE_CLOCK_SENDERS + " senders are held at once)";
    }
}
