package org.jukibus.flow.specialtransfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.jukibus.flow.specialtransfer.CardCheckResult.Result;
import org.jukibus.flow.specialtransfer.CardRegister.CardState;
import org.junit.jupiter.api.Test;

/** The decisions of the special transfer that need no node: card holding and identity match. */
class SpecialTransferRulesTest {

    static final CardCheckRequest REQUEST = new CardCheckRequest("C-1", "131041", "23456789013");
    static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

    @Test
    void a_resident_with_an_issued_card_holds_it() {
        CardCheckResult r = CardCheckHandler.result(REQUEST, List.of(
                new CardState("NEW1", CardStatus.ISSUED, LocalDate.parse("2025-01-10")),
                new CardState("OLD1", CardStatus.INVALIDATED, LocalDate.parse("2025-01-09"))), NOW);

        assertThat(r.result()).isEqualTo(Result.HOLDS_CARD);
        assertThat(r.cardNumber()).isEqualTo("NEW1");
        assertThat(r.statusDate()).isEqualTo("2025-01-10");
        assertThat(r.reason()).isNull();
        assertThat(r.checkedAt()).isEqualTo("2026-11-25T09:00:00Z");
    }

    @Test
    void a_returned_card_is_no_card_with_its_date() {
        CardCheckResult r = CardCheckHandler.result(REQUEST, List.of(
                new CardState("OLD1", CardStatus.RETURNED, LocalDate.parse("2026-03-01"))), NOW);

        assertThat(r.result()).isEqualTo(Result.NO_CARD);
        assertThat(r.cardStatus()).isEqualTo(CardStatus.RETURNED);
        assertThat(r.statusDate()).isEqualTo("2026-03-01");
        assertThat(r.reason()).contains("OLD1").contains("returned on 2026-03-01");
    }

    @Test
    void an_unknown_resident_is_no_card_with_a_reason() {
        CardCheckResult r = CardCheckHandler.result(REQUEST, List.of(), NOW);

        assertThat(r.result()).isEqualTo(Result.NO_CARD);
        assertThat(r.cardNumber()).isNull();
        assertThat(r.reason()).contains("no resident card is registered");
    }

    @Test
    void names_match_across_full_and_half_width_and_spaces() {
        assertThat(IdentityMatch.mismatches(registered("住基 一郎", "1975-06-15"), notice("住基　一郎", "1975-06-15"))).isEmpty();
        assertThat(IdentityMatch.mismatches(registered("ＪＵＫＩ Ｔａｒｏ", "1975-06-15"), notice("JUKI Taro", "1975-06-15"))).isEmpty();
        assertThat(IdentityMatch.mismatches(registered("住基 一郎", "1975-06-15"), notice("住基一郎", "1975-06-15"))).isEmpty();
    }

    @Test
    void a_different_name_or_birth_date_is_named() {
        assertThat(IdentityMatch.mismatches(registered("住基 一郎", "1975-06-15"), notice("住基 二郎", "1975-06-15")))
                .containsExactly("Name");
        assertThat(IdentityMatch.mismatches(registered("住基 一郎", "1975-06-15"), notice("住基 一郎", "1975-06-16")))
                .containsExactly("BirthDate");
        assertThat(IdentityMatch.mismatches(registered("住基 一郎", "1975-06-15"), notice("住基 二郎", "1976-06-15")))
                .containsExactly("Name", "BirthDate");
    }

    static TransferOutCertificate registered(String name, String birthDate) {
        return new TransferOutCertificate("R-1", "23456789013", name, null, birthDate, "1", "住所", "住基 一郎", "世帯主",
                "2026-11-30", "新住所", "JK00012345", "131041", null, null);
    }

    static FirstTransferInNotice notice(String name, String birthDate) {
        return new FirstTransferInNotice("N-1", "23456789013", name, birthDate, "2026-12-01", "271004", "131041", null, null);
    }
}
