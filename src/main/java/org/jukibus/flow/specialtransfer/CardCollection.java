package org.jukibus.flow.specialtransfer;

import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;

/**
 * 住民基本台帳カードの回収 (第6の5(5)): the new municipality's counter collects the card holder's resident card
 * when it accepts the first transfer-in, and names it in the first transfer-in notice
 * ({@code CollectedCardNumber}). The node records the collection in its own card register (a RETURNED
 * event on the transfer-in date) once the notice is queued, and reports it to the legacy system as
 * {@code legacy/outbox/resident-card/<NoticeId>-collected.xml} (a {@link ResidentCard}).
 */
final class CardCollection {

    private final CardRegister cards;
    private final LegacyOutbox outbox;
    private final String self;

    CardCollection(CardRegister cards, LegacyOutbox outbox, String self) {
        this.cards = cards;
        this.outbox = outbox;
        this.self = self;
    }

    /** Before the notice is sent: a collected card registered here to another resident refuses the file. */
    void check(FirstTransferInNotice notice) throws LegacyInputException {
        if (notice.collectedCardNumber() != null) {
            cards.requireNotHeldByAnother(notice.collectedCardNumber(), notice.residentCode());
        }
    }

    /** Once the notice is queued (again after a crash: the event is recorded once, the report replaced). */
    void record(FirstTransferInNotice notice, String sourceFile) throws Exception {
        if (notice.collectedCardNumber() == null) {
            return;
        }
        ResidentCard collected = new ResidentCard(self, notice.residentCode(), notice.collectedCardNumber(),
                CardStatus.RETURNED, notice.transferInDate());
        cards.record(collected, sourceFile);
        outbox.write(SpecialTransferFlow.RESIDENT_CARD.name(), notice.noticeId() + "-collected.xml", Payloads.bytes(collected));
    }
}
