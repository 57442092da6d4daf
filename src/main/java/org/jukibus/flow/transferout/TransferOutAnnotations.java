package org.jukibus.flow.transferout;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The prefecture's notes of transfer-out confirmations against its identity records (第6の3(2)),
 * table {@code transfer_out_annotation} (db/migration/prefecture V101). Each note is made against
 * the person's current identity record ({@code identity_record}, V100) and kept as it was made:
 * a later correction is one more note, never an update.
 */
public final class TransferOutAnnotations {

    /** What {@link #record} did. */
    public enum Outcome {
        RECORDED,
        /** a note with this confirmation's message id from its sender exists already (a redelivery): nothing added */
        ALREADY_RECORDED,
        /** no current identity record for the resident code: nothing to note it against */
        UNKNOWN_PERSON
    }

    /** One note, as stored. */
    public record Annotation(long identityRecordId, String residentCode, String oldMunicipality, String newMunicipality,
                             LocalDate transferInDate, String newAddress, String transferInMessageId,
                             String confirmationMessageId, Instant confirmedAt, Instant recordedAt) {
    }

    private final JdbcTemplate jdbc;

    public TransferOutAnnotations(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Notes a confirmation against the person's current identity record, once per message id of its sender (the old
     * municipality; the id is the sender's choice, another municipality may use it too, V190): one
     * statement, so the check for the identity record and the insert cannot be split by another
     * writer, and {@code on conflict do nothing} makes a redelivery add nothing.
     */
    public Outcome record(TransferOutConfirmation confirmation, String messageId, Instant recordedAt) {
        int inserted = jdbc.update("""
                        insert into transfer_out_annotation (identity_record_id, resident_code, old_municipality,
                            new_municipality, transfer_in_date, new_address, transfer_in_message_id,
                            confirmation_message_id, confirmed_at, recorded_at)
                        select id, resident_code, ?, ?, ?, ?, ?, ?, ?, ?
                          from identity_record
                         where resident_code = ? and superseded_at is null
                        on conflict (confirmation_message_id, old_municipality) do nothing""",
                confirmation.oldMunicipality(), confirmation.newMunicipality(),
                Date.valueOf(LocalDate.parse(confirmation.transferInDate())), confirmation.newAddress(),
                confirmation.transferInMessageId(), messageId,
                Timestamp.from(OffsetDateTime.parse(confirmation.confirmedAt()).toInstant()), Timestamp.from(recordedAt),
                confirmation.residentCode());
        if (inserted == 1) {
            return Outcome.RECORDED;
        }
        Integer existing = jdbc.queryForObject(
                "select count(*) from transfer_out_annotation where confirmation_message_id = ? and old_municipality = ?",
                Integer.class, messageId, confirmation.oldMunicipality());
        return existing != null && existing > 0 ? Outcome.ALREADY_RECORDED : Outcome.UNKNOWN_PERSON;
    }

    /** Every note about a person, oldest first. */
    public List<Annotation> of(String residentCode) {
        return jdbc.query("""
                        select identity_record_id, resident_code, old_municipality, new_municipality, transfer_in_date,
                               new_address, transfer_in_message_id, confirmation_message_id, confirmed_at, recorded_at
                          from transfer_out_annotation where resident_code = ? order by recorded_at, id""",
                (rs, i) -> new Annotation(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getDate(5).toLocalDate(), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant(), rs.getTimestamp(10).toInstant()),
                residentCode);
    }
}
