package org.jukibus.flow.specialtransfer;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.jukibus.flow.LegacyInputException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The municipality's register of resident cards (住民基本台帳カード), table {@code resident_card_event}:
 * every issue, return and invalidation the legacy system reported, never overwritten. A card's
 * state is its latest event; a resident holds a card while one of their cards is in state ISSUED.
 */
public final class CardRegister {

    /** A card and its latest event. */
    public record CardState(String cardNumber, CardStatus status, LocalDate statusDate) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public CardRegister(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records a card event. The same event again (a file handled twice) adds nothing.
     *
     * @return whether the event was new
     * @throws LegacyInputException when the card number is registered to another resident
     */
    public boolean record(ResidentCard card, String sourceFile) throws LegacyInputException {
        requireNotHeldByAnother(card.cardNumber(), card.residentCode());
        return jdbc.update("""
                INSERT INTO resident_card_event (resident_code, card_number, status, status_date, registered_at, source_file)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (card_number, status, status_date) DO NOTHING""",
                card.residentCode(), card.cardNumber(), card.status().name(), LocalDate.parse(card.statusDate().strip()),
                Timestamps.now(clock), sourceFile) == 1;
    }

    /** @throws LegacyInputException when the card number is registered to another resident */
    public void requireNotHeldByAnother(String cardNumber, String residentCode) throws LegacyInputException {
        Optional<String> holder = jdbc.queryForList(
                "SELECT DISTINCT resident_code FROM resident_card_event WHERE card_number = ? AND resident_code <> ?",
                String.class, cardNumber, residentCode).stream().findFirst();
        if (holder.isPresent()) {
            throw new LegacyInputException("card " + cardNumber + " is registered to another resident code ("
                    + holder.get() + "), not to " + residentCode);
        }
    }

    /** Every card of the resident with its latest event, the most recent event first. */
    public List<CardState> cardsOf(String residentCode) {
        return jdbc.query("""
                SELECT * FROM (
                    SELECT DISTINCT ON (card_number) card_number, status, status_date, id
                    FROM resident_card_event WHERE resident_code = ?
                    ORDER BY card_number, status_date DESC, id DESC) latest
                ORDER BY status_date DESC, id DESC""",
                (rs, i) -> new CardState(rs.getString("card_number"), CardStatus.valueOf(rs.getString("status")),
                        rs.getObject("status_date", LocalDate.class)),
                residentCode);
    }
}
