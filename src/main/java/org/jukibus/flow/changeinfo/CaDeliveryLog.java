package org.jukibus.flow.changeinfo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The liaison node's delivery log of change info to the certification authority ({@code ca_delivery},
 * liaison/V100): one row per message from central, updated on every attempt. Each update commits on
 * its own, outside the broker transaction, so the attempts of a delivery rolled back for a retry stay
 * recorded.
 */
public final class CaDeliveryLog {

    private final JdbcTemplate jdbc;

    public CaDeliveryLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Notes a message (once) with the number of changes it holds; returns whether it is done already
     * (accepted by the authority, or none of its changes was of a certificate holder).
     */
    public boolean begin(String messageId, int entries) {
        jdbc.update("""
                insert into ca_delivery (message_id, entries, first_seen_at) values (?, ?, now())
                on conflict (message_id) do nothing""", messageId, entries);
        Integer delivered = jdbc.queryForObject(
                "select count(*) from ca_delivery where message_id = ? and delivered_at is not null", Integer.class, messageId);
        return delivered != null && delivered > 0;
    }

    /** Records an attempt: the digest of what was sent, the HTTP status (null: no answer) and, when it failed, why. */
    public void attempt(String messageId, String sentSha256, Integer httpStatus, String error) {
        jdbc.update("""
                update ca_delivery set attempts = attempts + 1, sent_sha256 = ?, http_status = ?, last_error = ?
                 where message_id = ?""", sentSha256, httpStatus, error == null ? null : truncate(error), messageId);
    }

    /** Records the attempt the authority accepted. */
    public void delivered(String messageId, String sentSha256, int httpStatus) {
        jdbc.update("""
                update ca_delivery set attempts = attempts + 1, sent_sha256 = ?, http_status = ?, last_error = null,
                       delivered_at = now()
                 where message_id = ?""", sentSha256, httpStatus, messageId);
    }

    /**
     * Records which of its changes are handed on (their positions) and how many are withheld (of residents who hold no
     * certificate): fixed at the first attempt, every retry sends the same ones ({@link #selection}).
     */
    public void counted(String messageId, int entries, int withheld, List<Integer> positions) {
        jdbc.update("update ca_delivery set entries = ?, withheld = ?, selected = ? where message_id = ? and selected is null",
                entries, withheld, positions.stream().map(String::valueOf).collect(Collectors.joining(",")), messageId);
    }

    /** The positions of the changes handed on at the message's first attempt, if it had one. */
    public Optional<List<Integer>> selection(String messageId) {
        return jdbc.queryForList("select selected from ca_delivery where message_id = ? and selected is not null",
                String.class, messageId).stream().findFirst()
                .map(text -> text.isEmpty() ? List.<Integer>of() : Arrays.stream(text.split(",")).map(Integer::valueOf).toList());
    }

    /** Closes a message none of whose changes is of a certificate holder: nothing was sent, nothing will be. */
    public void nothingToSend(String messageId) {
        jdbc.update("update ca_delivery set delivered_at = now() where message_id = ?", messageId);
    }

    private static String truncate(String s) {
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
