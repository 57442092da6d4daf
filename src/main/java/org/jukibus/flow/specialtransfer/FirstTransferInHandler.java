package org.jukibus.flow.specialtransfer;

import java.util.List;

import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.Payloads;

/**
 * The first transfer-in notice (最初の転入届を受けた旨の通知, 第6の5(3)) on both of its nodes. At the new
 * municipality: a notice's household members (世帯員) are each named once; a queued notice is recorded, so the
 * answer can be matched to it, and the card the counter collected is recorded ({@link CardCollection}). At the old
 * municipality: the notice goes to {@code legacy/outbox/first-transfer-in/} and the node answers
 * it by itself with the transfer-out certificate info (第6の5(4), {@link CertificateInfoAnswers}); the answer
 * goes to the signer, which the shared delivery checked is the NewMunicipality the notice names.
 */
final class FirstTransferInHandler implements FlowHandler {

    private final FirstTransferInLog sent;
    private final CertificateInfoAnswers answers;
    private final CardCollection collection;

    FirstTransferInHandler(FirstTransferInLog sent, CertificateInfoAnswers answers, CardCollection collection) {
        this.sent = sent;
        this.answers = answers;
        this.collection = collection;
    }

    @Override
    public List<String> flows() {
        return List.of(SpecialTransferFlow.FIRST_TRANSFER_IN.name());
    }

    @Override
    public String check(LegacyInput input) throws LegacyInputException {
        FirstTransferInNotice notice = Payloads.read(input.payload(), FirstTransferInNotice.class);
        HouseholdMembers.requireDistinct(notice.residentCode(),
                notice.householdMembers().stream().map(FirstTransferInNotice.Member::residentCode).toList());
        collection.check(notice);
        return null;
    }

    @Override
    public void queued(LegacyInput input) throws Exception {
        FirstTransferInNotice notice = Payloads.read(input.payload(), FirstTransferInNotice.class);
        sent.sent(input.messageId(), notice);
        collection.record(notice, input.fileName());
    }

    @Override
    public List<Answer> answers(Delivered message) throws Exception {
        return List.of(answers.answer(message));
    }
}
