package org.jukibus.flow.specialtransfer;

import java.time.Clock;
import java.util.List;

import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.specialtransfer.CertificateAnswerLog.Entry;
import org.jukibus.flow.specialtransfer.CertificateRegister.Registration;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Certificate;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Status;

/**
 * The old municipality's answer to a first transfer-in notice (転出証明書情報の通知, 第6の5(4)): the
 * latest registered certificate info for the resident code (FOUND), or NOT_REGISTERED, or MISMATCH
 * naming the items that differ (and carrying no personal data); and for each household member the
 * notice asks for, what {@link HouseholdMembers} finds in that registration. The answer is decided once per
 * notice and recorded in the {@link CertificateAnswerLog}; a redelivery of the notice gets the
 * recorded answer again, so it is the same message with the same id every time; a notice is named by its
 * message id and its verified sender together. A new notice (a
 * second first transfer-in for the same resident) is decided afresh: the same registration gives
 * the same certificate info again.
 */
final class CertificateInfoAnswers {

    private final CertificateRegister certificates;
    private final CertificateAnswerLog log;
    private final Clock clock;

    CertificateInfoAnswers(CertificateRegister certificates, CertificateAnswerLog log, Clock clock) {
        this.certificates = certificates;
        this.log = log;
        this.clock = clock;
    }

    Answer answer(Delivered delivered) throws Exception {
        FirstTransferInNotice notice = Payloads.read(delivered.payload(), FirstTransferInNotice.class);
        String noticeMessageId = delivered.header().messageId();
        // keyed by the sender as well: the notice's message id is the sender's choice
        Entry entry = log.forNotice(delivered.header().sender(), noticeMessageId).orElse(null);
        if (entry == null) {
            entry = log.recordOnce(decide(delivered, notice));
        }
        Registration found = entry.status() != Status.FOUND ? null : certificates.byId(entry.certificateId())
                .orElseThrow(() -> new IllegalStateException("a recorded answer names a missing registration"));
        Certificate certificate = found == null ? null : Certificate.of(found.certificate(), found.registeredAt().toString());
        TransferOutCertificateInfo info = new TransferOutCertificateInfo(notice.noticeId(), notice.residentCode(),
                delivered.header().recipient(), delivered.header().sender(), entry.status(), entry.answeredAt().toString(),
                entry.mismatchedItems(), certificate,
                HouseholdMembers.answer(found == null ? null : found.certificate(), notice.householdMembers()));
        return Answer.to(delivered, SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE_INFO, Payloads.document(info));
    }

    private Entry decide(Delivered delivered, FirstTransferInNotice notice) {
        Registration latest = certificates.latest(notice.residentCode()).orElse(null);
        List<String> mismatches = latest == null ? List.of() : IdentityMatch.mismatches(latest.certificate(), notice);
        Status status = latest == null ? Status.NOT_REGISTERED : mismatches.isEmpty() ? Status.FOUND : Status.MISMATCH;
        String noticeMessageId = delivered.header().messageId();
        return new Entry(MessageIds.answerOf(SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE_INFO.name(),
                delivered.header().sender(), noticeMessageId),
                noticeMessageId, notice.noticeId(), delivered.header().sender(), notice.residentCode(), status,
                status == Status.FOUND ? latest.id() : null, mismatches, Timestamps.now(clock).toInstant());
    }
}
