package org.jukibus.flow.specialtransfer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.jukibus.flow.LegacyInputException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The old municipality's transfer-out certificate info (転出証明書情報, 第6の5(2)), table
 * {@code transfer_out_certificate}: every registration is kept; the latest for a resident code is
 * the one a first transfer-in notice is answered with, so a correction (a registration with a new
 * registration id) supersedes the earlier one without erasing it. A registration after a 世帯員に関する付記転出届
 * holds the household members too (table {@code transfer_out_certificate_member}).
 */
public final class CertificateRegister {

    /** A stored registration: its row id, what was registered, and when. */
    public record Registration(long id, TransferOutCertificate certificate, Instant registeredAt) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public CertificateRegister(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Registers certificate info. The same registration again (a file handled twice) adds nothing.
     *
     * @return whether it was new
     * @throws LegacyInputException when the registration id was used before for other content
     */
    public boolean register(TransferOutCertificate c, String sourceFile) throws LegacyInputException {
        // the registration and its household members together, or neither: a file handled again finds it whole
        if (Boolean.TRUE.equals(transactions.execute(status -> insert(c, sourceFile)))) {
            return true;
        }
        return false;
    }

    private boolean insert(TransferOutCertificate c, String sourceFile) {
        int inserted = jdbc.update("""
                INSERT INTO transfer_out_certificate (registration_id, resident_code, name, name_kana, birth_date, sex,
                    address, household_head, relationship, planned_transfer_out_date, new_address, card_number,
                    old_municipality, planned_new_municipality, registered_at, source_file)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (registration_id) DO NOTHING""",
                c.registrationId(), c.residentCode(), c.name(), c.nameKana(), LocalDate.parse(c.birthDate().strip()), c.sex(),
                c.address(), c.householdHead(), c.relationship(), LocalDate.parse(c.plannedTransferOutDate().strip()),
                c.newAddress(), c.cardNumber(), c.oldMunicipality(), c.plannedNewMunicipality(), Timestamps.now(clock),
                sourceFile);
        if (inserted == 1) {
            long id = byRegistrationId(c.registrationId()).orElseThrow().id();
            for (int i = 0; i < c.householdMembers().size(); i++) {
                TransferOutCertificate.Member m = c.householdMembers().get(i);
                jdbc.update("""
                        INSERT INTO transfer_out_certificate_member (certificate_id, position, resident_code, name, name_kana,
                            birth_date, sex, relationship) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                        id, i + 1, m.residentCode(), m.name(), m.nameKana(), LocalDate.parse(m.birthDate().strip()), m.sex(),
                        m.relationship());
            }
            return true;
        }
        return false;
    }

    /** The latest registration for a resident code. */
    public Optional<Registration> latest(String residentCode) {
        return first("SELECT * FROM transfer_out_certificate WHERE resident_code = ? ORDER BY id DESC LIMIT 1", residentCode);
    }

    public Optional<Registration> byId(long id) {
        return first("SELECT * FROM transfer_out_certificate WHERE id = ?", id);
    }

    private Optional<Registration> byRegistrationId(String registrationId) {
        return first("SELECT * FROM transfer_out_certificate WHERE registration_id = ?", registrationId);
    }

    private Optional<Registration> first(String sql, Object key) {
        List<Registration> found = jdbc.query(sql, (rs, row) -> registration(rs, members(rs.getLong("id"))), key);
        return found.stream().findFirst();
    }

    /** The household members (世帯員) registered with a registration, in their order. */
    private List<TransferOutCertificate.Member> members(long certificateId) {
        return jdbc.query("SELECT * FROM transfer_out_certificate_member WHERE certificate_id = ? ORDER BY position",
                (rs, i) -> new TransferOutCertificate.Member(rs.getString("resident_code"), rs.getString("name"),
                        rs.getString("name_kana"), rs.getObject("birth_date", LocalDate.class).toString(), rs.getString("sex"),
                        rs.getString("relationship")), certificateId);
    }

    private static Registration registration(ResultSet rs, List<TransferOutCertificate.Member> members) throws SQLException {
        TransferOutCertificate c = new TransferOutCertificate(rs.getString("registration_id"), rs.getString("resident_code"),
                rs.getString("name"), rs.getString("name_kana"), rs.getObject("birth_date", LocalDate.class).toString(),
                rs.getString("sex"), rs.getString("address"), rs.getString("household_head"), rs.getString("relationship"),
                rs.getObject("planned_transfer_out_date", LocalDate.class).toString(), rs.getString("new_address"),
                rs.getString("card_number"), rs.getString("old_municipality"), rs.getString("planned_new_municipality"),
                members);
        return new Registration(rs.getLong("id"), c, Timestamps.read(rs, "registered_at"));
    }
}
