package org.jukibus.flow.certificatecopy;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.certificatecopy.ReceivedRequests.ReceivedRequest;
import org.jukibus.flow.certificatecopy.SentRequests.Outcome;
import org.jukibus.flow.certificatecopy.SentRequests.SentRequest;

/**
 * The reply (第6の4(2)) on both of its ends. At the home municipality: a reply must answer a request
 * this node received from that municipality and did not answer yet, and may not show more than the
 * request asked for; its envelope carries the request's message id as correlation id. At the issuing
 * municipality: a reply to a pending request goes to the legacy outbox with a printable copy for the
 * counter; any other (late, unexpected, a second answer) is kept in the legacy error folder with a
 * report saying why, so that nothing is lost and nothing loops through the dead-letter queue.
 */
public final class ReplyHandler implements FlowHandler {

    private final SentRequests sent;
    private final ReceivedRequests received;
    private final AnswerTimeouts timeouts;
    private final ErrorReports errors;
    private final Function<String, String> names;
    private final Clock clock;

    public ReplyHandler(SentRequests sent, ReceivedRequests received, AnswerTimeouts timeouts, ErrorReports errors,
                        Function<String, String> names, Clock clock) {
        this.sent = sent;
        this.received = received;
        this.timeouts = timeouts;
        this.errors = errors;
        this.names = names;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(CertificateCopyFlow.REPLY.name());
    }

    // --- home municipality: the legacy system's answer ---

    @Override
    public String check(LegacyInput input) throws LegacyInputException {
        CertificateCopyReply reply = Payloads.read(input.payload(), CertificateCopyReply.class);
        ReceivedRequest request = requestOf(input, reply);
        if (!input.messageId().equals(request.replyMessageId())) {
            withinRequest(reply, request.items());
        }
        return request.messageId();
    }

    @Override
    public void queued(LegacyInput input) throws LegacyInputException {
        CertificateCopyReply reply = Payloads.read(input.payload(), CertificateCopyReply.class);
        received.markAnswered(input.recipient(), requestOf(input, reply).messageId(), input.messageId(), clock.instant());
    }

    /** The received request this reply answers: the one it answered before (a file picked up again), else the open one. */
    private ReceivedRequest requestOf(LegacyInput input, CertificateCopyReply reply) throws LegacyInputException {
        String issuing = input.recipient();
        List<ReceivedRequest> all = received.of(issuing, reply.requestId());
        if (all.isEmpty()) {
            throw new LegacyInputException("no request " + reply.requestId() + " from " + issuing
                    + ": this node received no certificate copy request with that id from that municipality");
        }
        Optional<ReceivedRequest> same = all.stream().filter(r -> input.messageId().equals(r.replyMessageId())).findFirst();
        if (same.isPresent()) {
            return same.get();
        }
        return all.stream().filter(r -> !r.answered()).findFirst().orElseThrow(() -> new LegacyInputException(
                "request " + reply.requestId() + " from " + issuing + " was already answered (by message "
                        + all.get(0).replyMessageId() + " at " + all.get(0).answeredAt() + ")"));
    }

    /** A copy shows what was asked for and nothing more (住民基本台帳法 第12条の4). */
    static void withinRequest(CertificateCopyReply reply, CertificateCopyRequest.CopyItems asked) throws LegacyInputException {
        CertificateCopyReply.Certificate c = reply.certificate();
        if (c == null) {
            return;
        }
        String id = reply.requestId();
        if (CertificateCopyRequest.CopyItems.REQUESTER.equals(asked.scope()) && c.persons().size() > 1) {
            throw new LegacyInputException("request " + id + " asked for the requester only, but the reply lists "
                    + c.persons().size() + " persons");
        }
        if (!asked.householdHeadAndRelationship()
                && (c.householdHead() != null || c.persons().stream().anyMatch(p -> p.relationship() != null))) {
            throw new LegacyInputException("request " + id + " did not ask for the household head and relationship,"
                    + " but the reply shows them (HouseholdHead / Relationship)");
        }
        if (!asked.residentCode() && c.persons().stream().anyMatch(p -> p.residentCode() != null)) {
            throw new LegacyInputException("request " + id + " did not ask for resident codes, but the reply shows them (ResidentCode)");
        }
    }

    // --- issuing municipality: the answer arrives ---

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        CertificateCopyReply reply = Payloads.read(message.payload(), CertificateCopyReply.class);
        String flow = CertificateCopyFlow.REPLY.name();
        String replyId = message.header().messageId();
        String requestMessageId = message.header().correlationId();
        Instant now = clock.instant();

        Optional<SentRequest> request = requestMessageId == null ? Optional.empty() : sent.byMessageId(requestMessageId);
        Verdict verdict = request.isEmpty()
                ? new Verdict(Outcome.UNEXPECTED, "answers no request of this node (request " + reply.requestId() + " from "
                        + message.header().sender() + ", correlation id " + requestMessageId + ")")
                : judge(request.get(), reply, message, now);
        String xml = outbox.fileFor(flow, message.header()).getFileName().toString();
        if (verdict.outcome() == Outcome.ANSWERED) {
            // the printable copy first: whoever sees the reply's XML appear finds its copy already there
            outbox.write(flow, xml.replaceFirst("\\.xml$", ".html"), PrintableCopy.render(reply,
                    new PrintableCopy.Context(request.get().sentAt(), message.header().createdAt(), names)));
            outbox.write(message);
        } else {
            errors.keep(flow, xml, message.payload(),
                    verdict.outcome() == Outcome.LATE ? ErrorCode.LATE_ANSWER : ErrorCode.UNEXPECTED_ANSWER, verdict.problem());
        }
        sent.recordReply(replyId, requestMessageId, reply.requestId(), message.header().sender(), now, verdict.outcome(),
                verdict.problem());
    }

    /** What becomes of a reply: the answer (problem null), or kept aside with the problem. */
    private record Verdict(Outcome outcome, String problem) {
    }

    /** Whether this reply answers the request its correlation id names (now, or already before a redelivery). */
    private Verdict judge(SentRequest r, CertificateCopyReply reply, Delivered message, Instant now) throws IOException {
        String replyId = message.header().messageId();
        if (!r.homeMunicipality().equals(message.header().sender()) || !r.requestId().equals(reply.requestId())) {
            return new Verdict(Outcome.UNEXPECTED, "answers no request of this node: its correlation id " + r.messageId()
                    + " is request " + r.requestId() + " to " + r.homeMunicipality() + ", not request " + reply.requestId()
                    + " to " + message.header().sender());
        }
        if (replyId.equals(r.replyMessageId()) || sent.claimAnswer(r.messageId(), replyId, now)) {
            return new Verdict(Outcome.ANSWERED, null);
        }
        SentRequest current = sent.byMessageId(r.messageId()).orElseThrow();
        if (current.state() == SentRequests.State.ANSWERED) {
            return replyId.equals(current.replyMessageId()) ? new Verdict(Outcome.ANSWERED, null)
                    : new Verdict(Outcome.UNEXPECTED, "request " + r.requestId() + " was already answered (by message "
                    + current.replyMessageId() + " at " + current.answeredAt() + ")");
        }
        if (current.state() == SentRequests.State.PENDING) {
            timeouts.expire(current, now); // past its deadline, and the timer has not come round yet
        }
        return new Verdict(Outcome.LATE, "arrived after the request timed out at " + current.deadline() + " (request "
                + r.requestId() + " was sent at " + r.sentAt() + "); kept here for the counter to decide, not printed");
    }
}
