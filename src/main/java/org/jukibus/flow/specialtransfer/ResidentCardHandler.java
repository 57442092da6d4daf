package org.jukibus.flow.specialtransfer;

import java.util.List;

import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;

/** {@code legacy/inbox/resident-card/}: card events from the legacy system into the {@link CardRegister}. */
final class ResidentCardHandler implements FlowHandler {

    private final CardRegister cards;

    ResidentCardHandler(CardRegister cards) {
        this.cards = cards;
    }

    @Override
    public List<String> flows() {
        return List.of(SpecialTransferFlow.RESIDENT_CARD.name());
    }

    @Override
    public void local(LegacyInput input, LegacyOutbox outbox) throws Exception {
        cards.record(Payloads.read(input.payload(), ResidentCard.class), input.fileName());
    }
}
