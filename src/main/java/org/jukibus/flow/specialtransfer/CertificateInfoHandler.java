package org.jukibus.flow.specialtransfer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.PermanentFailure;
import org.jukibus.flow.specialtransfer.FirstTransferInLog.Sent;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.MemberStatus;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Status;

/**
 * The transfer-out certificate info (転出証明書情報の通知, 第6の5(4)) arriving at the new municipality:
 * it must answer a first transfer-in notice this node sent to the node that answers; it goes to
 * {@code legacy/outbox/transfer-out-certificate-info/} for the counter (第6の5(5)). A NOT_REGISTERED
 * or MISMATCH answer, or one where a household member asked for was not found, also gets a report in
 * {@code legacy/error/first-transfer-in/}, named like the answer's outbox file, so the counter does not
 * take silence for a yes. An answer must name exactly the household members the notice asked for.
 */
final class CertificateInfoHandler implements FlowHandler {

    private final FirstTransferInLog notices;
    private final ErrorReports reports;
    private final NodeDirectory directory;

    CertificateInfoHandler(FirstTransferInLog notices, ErrorReports reports, NodeDirectory directory) {
        this.notices = notices;
        this.reports = reports;
        this.directory = directory;
    }

    @Override
    public List<String> flows() {
        return List.of(SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE_INFO.name());
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        EnvelopeHeader header = message.header();
        TransferOutCertificateInfo info = Payloads.read(message.payload(), TransferOutCertificateInfo.class);
        if (header.correlationId() == null) {
            throw new PermanentFailure("UNSOLICITED", "transfer-out certificate info " + header.messageId()
                    + " from " + header.sender() + " answers no notice");
        }
        // Not found may be a race after a crash (the answer came in before the restarted intake recorded
        // the notice as queued): a transient failure, retried, and dead-lettered when it persists.
        Sent notice = notices.sent(header.correlationId()).filter(s -> s.oldMunicipality().equals(header.sender()))
                .orElseThrow(() -> new IllegalStateException("transfer-out certificate info " + header.messageId() + " from "
                        + header.sender() + " answers " + header.correlationId() + ", which is no first transfer-in notice"
                        + " this node sent to " + header.sender()));
        if (!notice.residentCode().equals(info.residentCode()) || !notice.noticeId().equals(info.noticeId())) {
            throw new PermanentFailure("ANSWER_MISMATCH", "transfer-out certificate info " + header.messageId()
                    + " does not name the resident code and notice id of the notice it answers (" + notice.noticeId() + ")");
        }
        List<String> answeredMembers = info.members().stream().map(TransferOutCertificateInfo.Member::residentCode).toList();
        if (!answeredMembers.equals(notice.memberCodes())) {
            throw new PermanentFailure("ANSWER_MISMATCH", "transfer-out certificate info " + header.messageId()
                    + " answers for household members " + answeredMembers + ", but the notice " + notice.noticeId()
                    + " asked for " + notice.memberCodes());
        }
        Path file = outbox.write(message);
        List<TransferOutCertificateInfo.Member> missing = info.members().stream()
                .filter(m -> m.status() != MemberStatus.FOUND).toList();
        if (info.status() != Status.FOUND || !missing.isEmpty()) {
            report(header, info, missing, file);
        }
        notices.answered(header.messageId(), notice.messageId(), header.sender(), info.status());
    }

    private void report(EnvelopeHeader header, TransferOutCertificateInfo info, List<TransferOutCertificateInfo.Member> missing,
                        Path answerFile) throws Exception {
        String oldMunicipality = header.sender() + directory.byCode(header.sender()).map(NodeEntry::name)
                .map(name -> " (" + name + ")").orElse("");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("notice", info.noticeId());
        fields.put("flow", SpecialTransferFlow.FIRST_TRANSFER_IN.name());
        fields.put("resident-code", info.residentCode());
        fields.put("old-municipality", oldMunicipality);
        fields.put("status", info.status().name());
        fields.put("answered-at", info.answeredAt());
        fields.put("problem", switch (info.status()) {
            case NOT_REGISTERED -> "the old municipality has no transfer-out certificate info registered for this"
                    + " resident code: check the resident code and the old municipality with the resident, or ask the"
                    + " old municipality; without it the first transfer-in cannot be accepted as a special transfer";
            case MISMATCH -> "the old municipality has transfer-out certificate info for this resident code, but "
                    + String.join(" and ", info.mismatchedItems()) + " of the notice differ from the registered ones:"
                    + " check the notice against the resident's documents and send a corrected notice, or ask the old"
                    + " municipality";
            case FOUND -> "the card holder's certificate info was found, but not that of every household member asked"
                    + " for (household-members): only the members found can be accepted with this special transfer;"
                    + " check the others' resident codes and names with the resident, or ask the old municipality";
        });
        if (!missing.isEmpty()) {
            fields.put("household-members", missing.stream().map(HouseholdMembers::describe).collect(Collectors.joining("; ")));
        }
        fields.put("answer", "outbox/" + SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE_INFO.name() + "/" + answerFile.getFileName());
        String name = answerFile.getFileName().toString().replaceFirst("\\.xml$", "");
        reports.report(SpecialTransferFlow.FIRST_TRANSFER_IN.name(), name, ErrorCode.CERTIFICATE_INFO_REFUSED, fields);
    }
}
