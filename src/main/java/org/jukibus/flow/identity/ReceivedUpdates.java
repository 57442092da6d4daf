package org.jukibus.flow.identity;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The identity updates this node recorded and the update-count list it made for each (table
 * {@code identity_update_received}, prefecture and central V111). Written in the same transaction as
 * the records: its row is what makes a redelivered update record nothing again, and what answers it
 * again with the very same list. Keyed by (message id, sender) (V190): the id is the sender's choice, so
 * two senders with the same id are two updates, each recorded and answered on its own.
 */
public final class ReceivedUpdates {

    /** A recorded update: the signed answer's payload and the update forwarded to central (or null). */
    public record Received(byte[] countList, String forwardMessageId) {
    }

    private final JdbcTemplate jdbc;

    public ReceivedUpdates(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The update {@code messageId} from {@code sender}, if it was recorded. */
    public Optional<Received> find(String sender, String messageId) {
        return jdbc.query("select count_list, forward_message_id from identity_update_received where message_id = ? and sender = ?",
                (rs, i) -> new Received(rs.getBytes(1), rs.getString(2)), messageId, sender).stream().findFirst();
    }

    public void save(String messageId, String sender, Instant now, UpdateCountList list, byte[] countList,
                     String forwardMessageId) {
        int refused = list.refusals().size();
        jdbc.update("""
                        insert into identity_update_received (message_id, sender, received_at, record_count, recorded,
                            refused, count_list, forward_message_id) values (?, ?, ?, ?, ?, ?, ?, ?)""",
                messageId, sender, Timestamp.from(now), list.received(), list.received() - refused, refused, countList,
                forwardMessageId);
    }
}
