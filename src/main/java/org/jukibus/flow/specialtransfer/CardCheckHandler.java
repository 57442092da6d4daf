package org.jukibus.flow.specialtransfer;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.specialtransfer.CardCheckResult.Result;
import org.jukibus.flow.specialtransfer.CardRegister.CardState;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;

/**
 * {@code legacy/inbox/card-check/}: the card-holding check at the counter (住民基本台帳カードの保有の確認,
 * 第6の5(1)), answered from the {@link CardRegister} into {@code legacy/outbox/card-check/<CheckId>.xml}.
 * A resident without a card, or unknown to the register, is a NO_CARD answer, not an error.
 */
final class CardCheckHandler implements FlowHandler {

    private final CardRegister cards;
    private final Clock clock;

    CardCheckHandler(CardRegister cards, Clock clock) {
        this.cards = cards;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(SpecialTransferFlow.CARD_CHECK.name());
    }

    @Override
    public void local(LegacyInput input, LegacyOutbox outbox) throws Exception {
        CardCheckRequest request = Payloads.read(input.payload(), CardCheckRequest.class);
        CardCheckResult result = result(request, cards.cardsOf(request.residentCode()), clock.instant());
        byte[] xml = Payloads.bytes(result);
        Schemas.validate("card-check-result.xsd", SecureXml.parse(xml)); // the counter gets only what the schema promises
        outbox.write(SpecialTransferFlow.CARD_CHECK.name(), request.checkId() + ".xml", xml);
    }

    /** The answer, given the resident's cards (latest event first). */
    static CardCheckResult result(CardCheckRequest request, List<CardState> cardsLatestFirst, Instant now) {
        CardState held = cardsLatestFirst.stream().filter(c -> c.status() == CardStatus.ISSUED).findFirst().orElse(null);
        if (held != null) {
            return answer(request, Result.HOLDS_CARD, held, null, now);
        }
        if (cardsLatestFirst.isEmpty()) {
            return answer(request, Result.NO_CARD, null, "no resident card is registered for this resident code at "
                    + request.municipality(), now);
        }
        CardState last = cardsLatestFirst.get(0);
        return answer(request, Result.NO_CARD, last, "card " + last.cardNumber() + " was "
                + last.status().name().toLowerCase(Locale.ROOT) + " on " + last.statusDate() + " and no other card is valid", now);
    }

    private static CardCheckResult answer(CardCheckRequest request, Result result, CardState card, String reason, Instant now) {
        return new CardCheckResult(request.checkId(), request.municipality(), request.residentCode(), result,
                card == null ? null : card.cardNumber(), card == null ? null : card.status(),
                card == null ? null : card.statusDate().toString(), reason, now.toString());
    }
}
