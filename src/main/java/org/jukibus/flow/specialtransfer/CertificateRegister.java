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

/**
 * The old municipality's transfer-out certificate info (転出証明書情報, 第6の5(2)), table
 * {@code transfer_out_certificate}: every registration is kept; the latest for a resident code is
 * the one a first transfer-in notice is answered with, so a correction (a registration with a new
 * registration id) supersedes the earlier one without erasing it.
 */
public final class CertificateRegister {

    /** A stored registration: its row id, what was registered, and when. */
    public record Registration(long id, TransferOutCertificate certificate, Instant registeredAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public CertificateRegister(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Registers certificate info. The same registration again (a file handled twice) adds nothing.
     *
     * @return whether it was new
     * @throws LegacyInputException when the registration id was used before for other content
     */
    public boolean register(TransferOutCertificate c, String sourceFile) throws LegacyInputException {
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
            return true;
        }
        TransferOutCertificate earlier = byRegistrationId(c.registrationId()).orElseThrow().certificate();
        if (!earlier.equals(c)) {
            throw new LegacyInputException("RegistrationId " + c.registrationId() + " is already registered with other"
                    + " content; a correction is a new registration with a new RegistrationId");
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
        List<Registration> found = jdbc.query(sql, CertificateRegister::registration, key);
        return found.stream().findFirst();
    }

    private static Registration registration(ResultSet rs, int row) throws SQLException {
        TransferOutCertificate c = new TransferOutCertificate(rs.getString("registration_id"), rs.getString("resident_code"),
                rs.getString("name"), rs.getString("name_kana"), rs.getObject("birth_date", LocalDate.class).toString(),
                rs.getString("sex"), rs.getString("address"), rs.getString("household_head"), rs.getString("relationship"),
                rs.getObject("planned_transfer_out_date", LocalDate.class).toString(), rs.getString("new_address"),
                rs.getString("card_number"), rs.getString("old_municipality"), rs.getString("planned_new_municipality"));
        return new Registration(rs.getLong("id"), c, Timestamps.read(rs, "registered_at"));
    }
}
