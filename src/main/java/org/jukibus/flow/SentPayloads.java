package org.jukibus.flow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import org.jukibus.clock.NodeClock;
import org.jukibus.audit.Sha256;
import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;

/**
 * The payloads this node sealed from legacy inputs, and those of the answers it could not seal (flow.Answers#seal: a
 * recipient not in the directory or revoked; a transfer-out confirmation is personal data too), in its store (table
 * {@code sent_payload}) for
 * the outage window and the resend allowance after it: an envelope is encrypted to its recipient, so this copy is what
 * a message that expired here (dead letter EXPIRED, at sealed-at + outage window) is sealed again from when an operator
 * resends it ({@code jukibus dlq resend}); without the allowance the hourly {@link #purge} would take the payload in the
 * same hour the message expired. Personal data: every row, whatever made it, kept no longer than window + allowance
 * after it was kept ({@link #purge}), and never
 * beyond the erasure retention (CertainErasure).
 */
public final class SentPayloads {

    /** A kept payload and what it was sealed for. */
    public record Kept(String recipient, String correlationId, byte[] payload) {
    }

    private final DataSource store;
    private final Clock clock;
    /** The outage window plus the resend allowance ({@code jukibus.delivery.resend-allowance}). */
    private final Duration keptFor;
    /**
     * How long the digests of the envelopes sealed are kept: as long as the payloads, and at least as long as an open
     * delivery status (twice the window, NodeConfiguration#outageWindowPurge), whose receipt they may still close.
     */
    private final Duration digestsKeptFor;

    public SentPayloads(DataSource store, Clock clock, Duration outageWindow, Duration resendAllowance) {
        if (resendAllowance.isNegative()) {
            throw new IllegalArgumentException("jukibus.delivery.resend-allowance must not be negative, not " + resendAllowance);
        }
        this.store = store;
        this.clock = clock;
        this.keptFor = outageWindow.plus(resendAllowance);
        Duration openStatus = outageWindow.multipliedBy(2);
        this.digestsKeptFor = keptFor.compareTo(openStatus) >= 0 ? keptFor : openStatus;
    }

    /** The store work done in the transaction that keeps a payload, given its envelope's SHA-256 (hex). */
    @FunctionalInterface
    public interface InSameTransaction {
        void run(Connection c, String envelopeSha256) throws SQLException;
    }

    /**
     * Keeps a payload (again for the same id: nothing changes, it is the same content), committed with the store's
     * WAL flushed: for a message sealed from a legacy input the same transaction holds what its receipt is checked
     * against, which a crash of the store must not take after the message was sent.
     */
    public void keep(String messageId, String recipient, String correlationId, Document payload, Instant createdAt) {
        keep(messageId, recipient, correlationId, payload, null, createdAt, null);
    }

    /**
     * As {@link #keep(String, String, String, Document, Instant)}, and records the digest of {@code envelope}, the one
     * about to be sent ({@code sealed_envelope}, V300), in the same transaction: every envelope sealed under that id,
     * so that a receipt for one sealed before a crash still closes the message (nondelivery.SentMessages#sealedAs).
     */
    public void keep(String messageId, String recipient, String correlationId, Document payload, byte[] envelope,
                     Instant createdAt) {
        keep(messageId, recipient, correlationId, payload, envelope, createdAt, null);
    }

    /**
     * As {@link #keep(String, String, String, Document, byte[], Instant)}, and runs {@code alsoRecord} (the opening of
     * the message's delivery status, {@link SendingStatus}) in the same transaction: all of it or none, before the send.
     */
    public void keep(String messageId, String recipient, String correlationId, Document payload, byte[] envelope,
                     Instant createdAt, InSameTransaction alsoRecord) {
        keep(messageId, recipient, correlationId, SecureXml.serialize(payload), envelope, createdAt, alsoRecord);
    }

    /**
     * As {@link #keep(String, String, String, Document, byte[], Instant, InSameTransaction)}, with the payload already
     * serialised ({@code payloadXml}, UTF-8; the sealer's plaintext, so a sealed payload is serialised once).
     */
    public void keep(String messageId, String recipient, String correlationId, byte[] payloadXml, byte[] envelope,
                     Instant createdAt, InSameTransaction alsoRecord) {
        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("insert into sent_payload "
                         + "(message_id, recipient, correlation_id, payload, created_at) values (?, ?, ?, ?, ?) "
                         + "on conflict (message_id) do nothing")) {
                s.setString(1, messageId);
                s.setString(2, recipient);
                s.setString(3, correlationId);
                s.setBytes(4, payloadXml);
                s.setTimestamp(5, Timestamp.from(createdAt));
                s.executeUpdate();
                if (envelope != null) {
                    recordSealed(c, messageId, recipient, envelope, createdAt);
                }
                if (alsoRecord != null) {
                    alsoRecord.run(c, envelope == null ? null : Sha256.hex(envelope));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot keep the payload of message " + messageId + " in the store: " + e.getMessage(), e);
        }
    }

    private static void recordSealed(Connection c, String messageId, String recipient, byte[] envelope, Instant sealedAt)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into sealed_envelope (message_id, recipient, envelope_sha256,"
                + " sealed_at) values (?, ?, ?, ?) on conflict do nothing")) {
            s.setString(1, messageId);
            s.setString(2, recipient);
            s.setString(3, Sha256.hex(envelope));
            s.setTimestamp(4, Timestamp.from(sealedAt));
            s.executeUpdate();
        }
    }

    /**
     * When this node last sealed message {@code messageId} for {@code recipient} (the payload kept, or an envelope
     * sealed again after a crash, whichever is later); empty if it never did or has forgotten.
     */
    public Optional<Instant> lastSealed(String messageId, String recipient) {
        try (Connection c = store.getConnection();
             PreparedStatement s = c.prepareStatement("select greatest(p.created_at, (select max(e.sealed_at) from"
                     + " sealed_envelope e where e.message_id = p.message_id and e.recipient = p.recipient))"
                     + " from sent_payload p where p.message_id = ? and p.recipient = ?")) {
            s.setString(1, messageId);
            s.setString(2, recipient);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getTimestamp(1).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read when message " + messageId + " was sealed from the store: " + e.getMessage(), e);
        }
    }

    public Optional<Kept> find(String messageId) {
        try (Connection c = store.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "select recipient, correlation_id, payload from sent_payload where message_id = ?")) {
            s.setString(1, messageId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Kept(r.getString(1), r.getString(2), r.getBytes(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the payload of message " + messageId + " from the store: " + e.getMessage(), e);
        }
    }

    /**
     * Forgets payloads sealed longer than the window and the resend allowance ago (never ahead of the system clock: a
     * drill); returns how many.
     */
    public int purge() throws SQLException {
        Instant now = NodeClock.forForgetting(clock);
        return purge(now.minus(keptFor), now.minus(digestsKeptFor));
    }

    /** Forgets payloads (and the digests of their envelopes) sealed before {@code cutoff}; returns how many payloads. */
    public int purgeSealedBefore(Instant cutoff) throws SQLException {
        return purge(cutoff, cutoff);
    }

    private int purge(Instant payloadsBefore, Instant digestsBefore) throws SQLException {
        try (Connection c = store.getConnection();
             PreparedStatement s = c.prepareStatement("delete from sent_payload where created_at < ?");
             PreparedStatement digests = c.prepareStatement("delete from sealed_envelope where sealed_at < ?")) {
            digests.setTimestamp(1, Timestamp.from(digestsBefore));
            digests.executeUpdate();
            s.setTimestamp(1, Timestamp.from(payloadsBefore));
            return s.executeUpdate();
        }
    }
}
