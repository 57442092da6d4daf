package org.jukibus.flow.certificatecopy;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.ErrorReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes requests the home municipality did not answer in time: each gets a report
 * {@code legacy/error/certificate-copy-request/<request id>-<message id>.timeout} for the counter and is
 * marked TIMED_OUT. Run by the timer in {@code routes/municipal/certificate-copy.yaml}, and by a reply that
 * finds its request overdue before the timer did. The report is written before the mark, so a crash in
 * between writes the same report again rather than losing it.
 */
public final class AnswerTimeouts {

    private static final Logger log = LoggerFactory.getLogger(AnswerTimeouts.class);

    private final SentRequests sent;
    private final ErrorReports errors;
    private final Function<String, String> names;
    private final Clock clock;

    public AnswerTimeouts(SentRequests sent, ErrorReports errors, Function<String, String> names, Clock clock) {
        this.sent = sent;
        this.errors = errors;
        this.names = names;
        this.clock = clock;
    }

    /** Closes every overdue request; returns how many. */
    public int expireOverdue() throws IOException {
        Instant now = clock.instant();
        List<SentRequests.SentRequest> overdue = sent.overdue(now);
        for (SentRequests.SentRequest request : overdue) {
            expire(request, now);
        }
        return overdue.size();
    }

    void expire(SentRequests.SentRequest request, Instant now) throws IOException {
        String home = request.homeMunicipality();
        String name = names.apply(home);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request", request.requestId());
        fields.put("message", request.messageId());
        fields.put("flow", CertificateCopyFlow.REQUEST.name());
        fields.put("home-municipality", home + (name == null ? "" : " " + name));
        fields.put("sent-at", request.sentAt().toString());
        fields.put("timed-out-at", request.deadline().toString() + " (the answer timeout counted in operating time)");
        fields.put("problem", "no answer came from the home municipality " + home + " in time (the request was sent at "
                + request.sentAt() + " and had to be answered by " + request.deadline() + "); the request is closed."
                + " An answer that still comes is kept in error/" + CertificateCopyFlow.REPLY.name() + "/.");
        errors.reportAs(CertificateCopyFlow.REQUEST.name(), reportName(request), ErrorCode.NO_ANSWER, fields);
        if (sent.markTimedOut(request.messageId(), now)) {
            log.warn("certificate copy request {} to {} timed out at {}", request.requestId(), home, request.deadline());
        }
    }

    /** {@code <request id>-<message id>.timeout}: a request id may come again once its request is closed. */
    static String reportName(SentRequests.SentRequest request) {
        return request.requestId() + "-" + request.messageId() + ".timeout";
    }
}
