package org.jukibus.terminal.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.certificatecopy.CertificateCopyFlow;
import org.jukibus.flow.certificatecopy.CertificateCopyRequest;
import org.jukibus.flow.certificatecopy.ReceivedRequests;
import org.jukibus.flow.certificatecopy.ReceivedRequests.ReceivedRequest;
import org.jukibus.flow.certificatecopy.SentRequests;
import org.jukibus.flow.certificatecopy.SentRequests.SentRequest;

/**
 * The certificate-copy counter's screens over the flow's own records (住民票の写しの交付の特例, 第6の4): at the home
 * municipality the requests received and not answered yet, each with the request as delivered to the legacy outbox
 * for review (第6の4(3)); at the issuing municipality the requests sent and, once answered, the printable copy with
 * its blank certification the reply handler wrote beside the reply. The screens showing them write the operation
 * log entry for opening a request or a copy (personal data).
 */
public final class CertificateCopyDesk {

    /** How many sent requests the issuing side lists. */
    static final int RECENT = 50;

    private final ReceivedRequests received;
    private final SentRequests sent;
    private final LegacyOutbox outbox;

    public CertificateCopyDesk(ReceivedRequests received, SentRequests sent, LegacyOutbox outbox) {
        this.received = received;
        this.sent = sent;
        this.outbox = outbox;
    }

    /** A received request for review: the record and the request as delivered (null when the legacy outbox no longer has it). */
    public record Review(ReceivedRequest request, CertificateCopyRequest delivered) {
    }

    /** The home municipality's queue: requests not answered yet, oldest first. */
    public List<ReceivedRequest> openRequests() {
        return received.open();
    }

    /** The request {@code messageId} from {@code issuing}, for review. */
    public Optional<Review> review(String issuing, String messageId) throws IOException {
        Optional<ReceivedRequest> request = received.byMessage(issuing, messageId);
        if (request.isEmpty()) {
            return Optional.empty();
        }
        Path file = outbox.fileFor(CertificateCopyFlow.REQUEST.name(), issuing, messageId);
        CertificateCopyRequest delivered;
        try {
            delivered = Payloads.read(Files.readAllBytes(file), CertificateCopyRequest.class);
        } catch (NoSuchFileException e) {
            delivered = null; // taken by a legacy system or erased: the record still says what was asked for
        }
        return Optional.of(new Review(request.get(), delivered));
    }

    /** The issuing municipality's requests, newest first. */
    public List<SentRequest> sentRequests() {
        return sent.recent(RECENT);
    }

    /**
     * The printable copy (or refusal notice) of the answer to the sent request {@code messageId}; empty when it has
     * no answer or the file is gone.
     */
    public Optional<byte[]> printableCopy(String messageId) throws IOException {
        Optional<SentRequest> request = sent.byMessageId(messageId).filter(r -> r.replyMessageId() != null);
        if (request.isEmpty()) {
            return Optional.empty();
        }
        Path xml = outbox.fileFor(CertificateCopyFlow.REPLY.name(), request.get().homeMunicipality(), request.get().replyMessageId());
        Path html = xml.resolveSibling(xml.getFileName().toString().replaceFirst("\\.xml$", ".html"));
        if (!Files.exists(html)) {
            return Optional.empty();
        }
        return Optional.of(Files.readAllBytes(html));
    }
}
