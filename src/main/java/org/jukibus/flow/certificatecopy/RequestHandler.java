package org.jukibus.flow.certificatecopy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.jukibus.calendar.OperatingCalendar;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;

/**
 * The request (第6の4(1)) on both of its ends. At the issuing municipality: one pending request per
 * request id, recorded with its answer deadline once it is on its way: the answer timeout counted in operating time
 * of the node's calendar (only the hours between opening and closing on operating days count). At the home municipality: the
 * request is recorded (the reply is checked against it) and handed to the legacy system for review.
 */
public final class RequestHandler implements FlowHandler {

    private final SentRequests sent;
    private final ReceivedRequests received;
    private final Duration answerTimeout;
    private final Supplier<OperatingCalendar> calendar;
    private final Clock clock;

    public RequestHandler(SentRequests sent, ReceivedRequests received, Duration answerTimeout,
                          Supplier<OperatingCalendar> calendar, Clock clock) {
        this.sent = sent;
        this.received = received;
        this.answerTimeout = answerTimeout;
        this.calendar = calendar;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(CertificateCopyFlow.REQUEST.name());
    }

    @Override
    public String check(LegacyInput input) throws LegacyInputException {
        String requestId = input.text("RequestId");
        Optional<SentRequests.SentRequest> pending = sent.pending(requestId);
        // the same file picked up again after a crash is the request already on its way, not a second one
        if (pending.isPresent() && !pending.get().messageId().equals(input.messageId())) {
            SentRequests.SentRequest p = pending.get();
            throw new LegacyInputException("duplicate request: request " + requestId + " to " + p.homeMunicipality()
                    + " (message " + p.messageId() + ", sent at " + p.sentAt() + ") is still waiting for its answer until "
                    + p.deadline() + "; the id can be used again once that request is answered or has timed out");
        }
        return null;
    }

    @Override
    public void queued(LegacyInput input) throws LegacyInputException {
        Instant now = clock.instant();
        sent.record(input.messageId(), input.text("RequestId"), input.recipient(), now,
                calendar.get().plusOperatingTime(now, answerTimeout));
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        CertificateCopyRequest request = Payloads.read(message.payload(), CertificateCopyRequest.class);
        // recorded before the legacy system sees it, so that its answer always finds the request
        received.record(message.header().messageId(), request.requestId(), message.header().sender(), clock.instant(),
                request.copyItems());
        outbox.write(message);
    }
}
