package org.jukibus.flow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.time.Instant;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.adapter.file.DuplicateFileException;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.adapter.file.WaitingFiles;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.audit.OperationLogUnwritable;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.envelope.PayloadRejectedException;
import org.jukibus.envelope.SealedEnvelope;
import org.jukibus.core.NodeRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;

/**
 * Turns a legacy input file into a sealed envelope for its recipient: validates it against the
 * flow's schema and its resident codes' check digits ({@link ResidentCode}), checks that this
 * node is the sender it names and that the recipient it names is in the directory with the right
 * role (for a prefecture: this node's own prefecture), lets the flow's handler check the rest,
 * then signs and encrypts it. Inputs of flows that stay on this node go to their handler instead.
 */
public final class LegacyIntake {

    private static final Logger log = LoggerFactory.getLogger(LegacyIntake.class);

    /** Exchange property holding the {@link LegacyInput} between sealing and queueing. */
    public static final String INPUT = "JukibusLegacyInput";
    /** Exchange properties holding the parts of a split input and their envelopes, between sealing and queueing. */
    private static final String PARTS = "JukibusLegacyParts";
    private static final String PART_ENVELOPES = "JukibusLegacyPartEnvelopes";
    /** Exchange property holding the input file's bytes as read, for the ledger. */
    private static final String CONTENT = "JukibusLegacyContent";
    /** Exchange property holding the digest of the input's business key, for the ledger. */
    private static final String KEY = "JukibusLegacyBusinessKey";
    /** Exchange property holding the legacy operator the input names ({@link LegacyOperator}), for the operation log. */
    private static final String OPERATOR = "JukibusLegacyOperator";
    /**
     * Exchange property holding the input's messages the broker took, by id, each described for the legacy operator
     * (shared with the split's part exchanges): the {@code .error} report of an input that fails after a send names
     * them ({@link ErrorReports#SENT}).
     */
    private static final String SENT = ErrorReports.SENT;
    /** Exchange property holding each message of the input described for the operator, by id, before the send. */
    private static final String DESCRIBED = "JukibusLegacyDescribed";

    private final Flows flows;
    private final FlowHandlers handlers;
    private final NodeDirectory directory;
    private final NodeEnvelopes envelopes;
    private final LegacyOutbox outbox;
    private final TransferLedger ledger;
    private final Path legacyRoot;
    private final OperationLog audit;
    /** The payloads sealed, kept for the outage window so an expired message can be resent. */
    private final SentPayloads sentPayloads;
    /** The delivery status of each message, opened before its send with its payload kept. */
    private final SendingStatus sendingStatus;
    /** The drop folders waiting for an outage to pass. */
    private final WaitingFiles waitingFiles;
    /** Business key digest to file name of the inputs between pick-up and the end of their exchange. */
    private final Map<String, String> inFlight = new ConcurrentHashMap<>();

    public LegacyIntake(Flows flows, FlowHandlers handlers, NodeDirectory directory, NodeEnvelopes envelopes,
                        LegacyOutbox outbox, TransferLedger ledger, Path legacyRoot, OperationLog audit,
                        SentPayloads sentPayloads, SendingStatus sendingStatus, WaitingFiles waitingFiles) {
        this.flows = flows;
        this.handlers = handlers;
        this.directory = directory;
        this.envelopes = envelopes;
        this.outbox = outbox;
        this.ledger = ledger;
        this.legacyRoot = legacyRoot;
        this.audit = audit;
        this.sentPayloads = sentPayloads;
        this.sendingStatus = sendingStatus;
        this.waitingFiles = waitingFiles;
    }

    /** A file for another node: checked, then sealed; the exchange body becomes the envelope. */
    public void seal(Exchange exchange) throws Exception {
        LegacyInput input = readForSending(exchange);
        mayGoOn(exchange);
        String correlationId = handlers.of(input.flow()).check(input);
        refuseDuplicate(input, exchange);
        SealedEnvelope sealed = envelopes.sealed(input.flow().messageType(), input.recipient(), input.messageId(), correlationId,
                input.payload());
        keepBeforeSending(exchange, List.of(input), correlationId, List.of(sealed));
        sealedAs(exchange, input);
        exchange.getIn().setBody(sealed.envelope());
        setHeaders(exchange.getIn(), input);
    }

    /**
     * A file for another node that may be sent as several messages (the {@code legacy-batch-intake}
     * template): checked as a whole, split by the flow's handler ({@link FlowHandler#split}), each part
     * sealed. The exchange body becomes the list of JMS-ready messages, which the route sends one by
     * one; a part that was sent before the node died is sent again with the same id when the file is
     * picked up again, and the brokers drop the copy.
     */
    public void sealParts(Exchange exchange) throws Exception {
        LegacyInput whole = readForSending(exchange);
        mayGoOn(exchange);
        FlowHandler handler = handlers.of(whole.flow());
        String correlationId = handler.check(whole);
        refuseDuplicate(whole, exchange);
        List<Document> payloads = handler.split(whole);
        List<LegacyInput> parts = new ArrayList<>(payloads.size());
        List<Message> sealed = new ArrayList<>(payloads.size());
        List<SealedEnvelope> envelopesOfParts = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            String id = payloads.size() == 1 ? whole.messageId() : MessageIds.partOf(whole.messageId(), i + 1);
            LegacyInput part = new LegacyInput(whole.flow(), whole.fileName(), payloads.get(i), id, whole.recipient());
            Message message = new DefaultMessage(exchange);
            SealedEnvelope envelope = envelopes.sealed(part.flow().messageType(), part.recipient(), id, correlationId, part.payload());
            message.setBody(envelope.envelope());
            setHeaders(message, part);
            parts.add(part);
            sealed.add(message);
            envelopesOfParts.add(envelope);
        }
        keepBeforeSending(exchange, parts, correlationId, envelopesOfParts);
        sealedAs(exchange, whole);
        exchange.setProperty(PARTS, parts);
        exchange.setProperty(PART_ENVELOPES, sealed.stream().map(m -> m.getBody(byte[].class)).toList());
        exchange.getIn().setBody(sealed);
    }

    /**
     * Before the send, each message's payload, its envelope's digest and its open delivery status, one transaction each,
     * flushed: a receipt for it finds all of it even if the node or its store dies right after the send (a crash before
     * the send leaves the file in the inbox, picked up again: sealed again under the same id, the status kept). A
     * message whose send then fails (the input refused) has its status closed as not sent, so no overdue report follows.
     */
    private void keepBeforeSending(Exchange exchange, List<LegacyInput> parts, String correlationId, List<SealedEnvelope> sealed) {
        Map<String, String> sent = Collections.synchronizedMap(new LinkedHashMap<>()); // in the order sent
        exchange.setProperty(SENT, sent);
        Map<String, String> described = new HashMap<>();
        for (LegacyInput part : parts) {
            described.put(part.messageId(), describe(part));
        }
        exchange.setProperty(DESCRIBED, described);
        List<LegacyInput> opened = new ArrayList<>(parts.size());
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                closeUnsent(done, opened, sent);
            }
        });
        for (int i = 0; i < parts.size(); i++) {
            LegacyInput part = parts.get(i);
            Instant at = envelopes.now();
            opened.add(part); // before: a commit whose outcome is unknown (it threw after committing) is closed too
            // the plaintext the envelope carries: the payload as serialised once, for the encryption
            sentPayloads.keep(part.messageId(), part.recipient(), correlationId, sealed.get(i).plaintext(), sealed.get(i).envelope(), at,
                    (c, digest) -> sendingStatus.open(c, part.messageId(), part.flow(), part.recipient(), digest, at));
        }
    }

    /**
     * Once the input is checked on its own (schema, sender, recipient: a bad file is refused whatever the node's state),
     * before anything is stored, sent or handled: fails if the input must wait for the node ({@link LegacyInputOutages}).
     * While the operation log takes no entries (it stays so until a restart): the input would be sent and then fail at
     * its MESSAGE_QUEUED line, refused as SENT_NOT_RECORDED, as every file dropped during a full disk was. While its drop
     * folder waits for an outage to pass, every input but the one tried ({@link WaitingFiles#check}).
     */
    private void mayGoOn(Exchange exchange) throws WaitingFiles.FolderWaiting {
        String logStopped = audit.failure();
        if (logStopped != null) {
            throw new OperationLogUnwritable(logStopped, new IOException(logStopped));
        }
        waitingFiles.check(exchange);
    }

    /** The input sealed (a split's whole), and the ledger line it stands for should it fail after a send. */
    private static void sealedAs(Exchange exchange, LegacyInput input) {
        exchange.setProperty(INPUT, input);
        exchange.setProperty(ErrorReports.SENT_AS, new ErrorReports.SentAs(input.messageId(), input.recipient(),
                exchange.getProperty(KEY, String.class)));
    }

    /** After each send (a step of the route, per part): the broker took the message, its status stays open. */
    @SuppressWarnings("unchecked")
    public void sent(Exchange exchange) {
        String id = exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class);
        exchange.getProperty(SENT, Map.class).put(id, exchange.getProperty(DESCRIBED, Map.class).get(id));
    }

    /**
     * A message as the legacy operator knows it: {@code message <id> to <recipient> (NoticeId SJK-2026-000123)}; without
     * the key of a flow keyed by its whole content (a digest tells the operator nothing, and costs a pass over each part).
     */
    private static String describe(LegacyInput part) {
        String what = "message " + part.messageId() + " to " + part.recipient();
        if (part.flow().businessKey().elements().isEmpty()) {
            return what;
        }
        try {
            return what + " (" + part.flow().businessKey().keyOf(part.payload()) + ")";
        } catch (LegacyInputException | RuntimeException noKey) {
            return what; // a part without the whole file's key elements: its id names it
        }
    }

    private void closeUnsent(Exchange done, List<LegacyInput> opened, Map<String, String> sent) {
        if (done.getProperty(WaitingFiles.WAITS) != null) {
            return; // the input stays in its drop folder and is sent under the same ids later: its status stays open
        }
        Exception failure = done.getException() != null ? done.getException() : done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = failure == null ? "the input was not sent" : String.valueOf(failure.getMessage());
        for (LegacyInput part : opened) {
            if (!sent.containsKey(part.messageId())) {
                try {
                    sendingStatus.notSent(part.messageId(), part.recipient(), reason);
                } catch (RuntimeException e) {
                    // stays open: the overdue report names it later, beside the input's .error report
                    log.error("message {} to {} was not sent ({}) and its delivery status could not be closed: {}",
                            part.messageId(), part.recipient(), reason, e.getMessage());
                }
            }
        }
    }

    /** The file parsed, its sender and recipient checked; its message id derived from its content. */
    private LegacyInput readForSending(Exchange exchange) throws Exception {
        FlowDefinition flow = flowOf(exchange);
        if (flow.recipientRole() == null) {
            throw new IllegalStateException("the " + flow.name() + " flow has no recipient: it is handled locally");
        }
        byte[] content = content(exchange);
        Document payload = parse(flow, content);
        exchange.setProperty(OPERATOR, LegacyOperator.take(payload));
        String recipient = recipient(flow, payload);
        String messageId = MessageIds.forInput(envelopes.selfCode(), content);
        LegacyInput input = new LegacyInput(flow, fileName(exchange), payload, messageId, recipient);
        exchange.setProperty(CONTENT, content);
        return input;
    }

    private void setHeaders(Message message, LegacyInput input) {
        message.setHeader(Headers.MESSAGE_ID, input.messageId());
        message.setHeader(Headers.CREATED_AT, envelopes.now().toString());
        message.setHeader(Headers.TYPE, input.flow().messageType());
        message.setHeader(Headers.RECIPIENT, input.recipient());
        message.setHeader(Headers.ADDRESS, input.flow().inboundAddress());
        message.setHeader(Headers.DUPLICATE_ID, input.messageId());
    }

    /**
     * After the envelope (or every part's) is in the outbound queue: what the flow records about it.
     * The ledger gets one entry per file, under the whole file's id.
     */
    @SuppressWarnings("unchecked")
    public void queued(Exchange exchange) throws Exception {
        LegacyInput input = exchange.getProperty(INPUT, LegacyInput.class);
        List<LegacyInput> parts = exchange.getProperty(PARTS, List.class);
        List<byte[]> envelopesSent = exchange.getProperty(PART_ENVELOPES, List.class);
        if (parts == null) {
            parts = List.of(input);
            envelopesSent = List.of(exchange.getIn().getBody(byte[].class));
        }
        for (int i = 0; i < parts.size(); i++) {
            LegacyInput part = parts.get(i);
            audit.record(AuditEvent.of(AuditKind.MESSAGE_QUEUED).flow(part.flow().name())
                    .actor(LegacyOperator.actor(exchange.getProperty(OPERATOR, String.class)))
                    .message(part.messageId(), part.flow().messageType()).sender(envelopes.selfCode())
                    .recipient(part.recipient()).digestOf(envelopesSent.get(i)));
            handlers.of(part.flow()).queued(part);
        }
        ledger.recordQueued(input.flow().name(), input.fileName(), exchange.getProperty(CONTENT, byte[].class),
                input.messageId(), input.recipient(), exchange.getProperty(KEY, String.class));
    }

    /**
     * A message with the business key of one queued before ({@link FlowDefinition#businessKey}: e.g. the
     * same NoticeId, whatever the bytes) is not sent again. Checked once the input is otherwise valid,
     * so that a broken file is reported as what is wrong with it. The exception: the earlier pick-up of
     * this very file never got to move it to sent/ (the node died in between) — then this is that
     * file, picked up again with the same message id, and the brokers' duplicate detection keeps the
     * second send from arriving.
     */
    private void refuseDuplicate(LegacyInput input, Exchange exchange) throws LegacyInputException, DuplicateFileException {
        FlowDefinition flow = input.flow();
        String key = flow.businessKey().keyOf(input.payload());
        String digest = TransferLedger.keyDigest(flow.name(), key);
        claim(digest, key, input, exchange);
        // by message id as well: ledger lines written before business keys were recorded have none
        var earlier = ledger.queuedEarlier(flow.name(), digest, input.messageId());
        if (earlier.isPresent() && !pickedUpAgain(earlier.get(), input)) {
            TransferLedger.Entry first = earlier.get();
            throw new DuplicateFileException("DUPLICATE: " + described(flow, key) + " was picked up from "
                    + first.fileName() + " at " + first.recordedAt() + " and sent as message " + first.messageId()
                    + "; it is not sent again" + keyRule(flow));
        }
        exchange.setProperty(KEY, digest);
    }

    /**
     * Files are read by several threads: of two files with the same business key in the drop folder at
     * the same time, the second waits for no ledger entry but is refused here while the first is
     * being sent. The claim ends with the file's exchange, whatever its outcome.
     */
    private void claim(String digest, String key, LegacyInput input, Exchange exchange) throws DuplicateFileException {
        String other = inFlight.putIfAbsent(digest, input.fileName());
        if (other != null) {
            throw new DuplicateFileException("DUPLICATE: " + described(input.flow(), key) + " is being sent from "
                    + other + "; it is not sent again" + keyRule(input.flow()));
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                inFlight.remove(digest, input.fileName());
            }
        });
    }

    private static String described(FlowDefinition flow, String key) {
        return flow.businessKey().elements().isEmpty() ? "the same content" : "a " + flow.messageType() + " with " + key;
    }

    private static String keyRule(FlowDefinition flow) {
        return flow.businessKey().elements().isEmpty() ? ""
                : " (a " + flow.name() + " message is identified by " + flow.businessKey().describe()
                + ": a corrected or different message needs its own; see docs/legacy-files.md)";
    }

    /** The very file queued before (same name, same content), not yet moved to sent/: the node died in between. */
    private boolean pickedUpAgain(TransferLedger.Entry earlier, LegacyInput input) {
        return earlier.fileName().equals(input.fileName()) && input.messageId().equals(earlier.messageId())
                && !movedToSent(input);
    }

    private boolean movedToSent(LegacyInput input) {
        Path sent = legacyRoot.resolve("sent").resolve(input.flow().name());
        try (var days = Files.list(sent)) {
            return days.anyMatch(day -> Files.exists(day.resolve(input.fileName())));
        } catch (IOException e) {
            return false; // no sent/ folder yet: nothing was moved
        }
    }

    /** A file for a flow that stays on this node (a registration, a query at the counter). */
    public void handleLocally(Exchange exchange) throws Exception {
        FlowDefinition flow = flowOf(exchange);
        byte[] content = content(exchange);
        Document payload = parse(flow, content);
        mayGoOn(exchange);
        String operator = LegacyOperator.take(payload);
        LegacyInput input = new LegacyInput(flow, fileName(exchange), payload, null, null);
        handlers.of(flow).local(input, outbox);
        audit.record(AuditEvent.of(AuditKind.LOCAL_INPUT_HANDLED).flow(flow.name()).actor(LegacyOperator.actor(operator)));
        ledger.record(flow.name(), input.fileName(), content, TransferLedger.Outcome.HANDLED, null, null, null);
    }

    private FlowDefinition flowOf(Exchange exchange) {
        return flows.byName(exchange.getProperty(Headers.FLOW, String.class));
    }

    private static String fileName(Exchange exchange) {
        return exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
    }

    /** Schema-valid, naming this node as its sender where the flow has one, every resident code valid. */
    /**
     * The file's bytes. One larger than a payload may be is refused before it is read: read whole, a huge file
     * would exhaust the heap (or, past 2 GiB, fail with an Error that no .error report is written for).
     */
    private byte[] content(Exchange exchange) throws LegacyInputException {
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        if (path != null && Files.isSymbolicLink(Path.of(path))) {
            // whoever may write the drop folder must not make the node read (and send) a file elsewhere
            throw new LegacyInputException(ErrorCode.NOT_A_FILE, "the file is a symbolic link; links are not followed, drop the file itself");
        }
        Long length = exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class);
        if (length != null && length > envelopes.maxPayloadBytes()) {
            throw new LegacyInputException(ErrorCode.TOO_LARGE, "the file is " + length + " bytes, the limit is " + envelopes.maxPayloadBytes());
        }
        byte[] content = exchange.getIn().getBody(byte[].class);
        if (content == null || content.length == 0) {
            throw new LegacyInputException(ErrorCode.SCHEMA, "the file is empty");
        }
        LegacyEncoding.requireUtf8(content);
        return content;
    }

    private Document parse(FlowDefinition flow, byte[] content) throws LegacyInputException {
        Document payload;
        try {
            payload = envelopes.parsePayload(content, flow.messageType());
        } catch (PayloadRejectedException e) {
            throw new LegacyInputException(ErrorCode.SCHEMA, e.getMessage(), e);
        }
        var wrongCode = ResidentCode.firstWrong(payload);
        if (wrongCode.isPresent()) {
            throw new LegacyInputException(ErrorCode.INVALID_RESIDENT_CODE, wrongCode.get().describe());
        }
        if (flow.senderElement() != null) {
            String self = envelopes.selfCode();
            String sender = Payloads.text(payload, flow.senderElement());
            if (!self.equals(sender)) {
                throw new LegacyInputException(ErrorCode.WRONG_SENDER, flow.senderElement() + " is " + sender + " but this node is " + self);
            }
        }
        return payload;
    }

    private String recipient(FlowDefinition flow, Document payload) throws LegacyInputException {
        String self = envelopes.selfCode();
        String recipient = Payloads.text(payload, flow.recipientElement());
        NodeEntry entry = directory.byCode(recipient).orElseThrow(() -> new LegacyInputException(ErrorCode.WRONG_RECIPIENT,
                flow.recipientElement() + " " + recipient + " is not in the node directory"));
        if (entry.role() != flow.recipientRole()) {
            throw new LegacyInputException(ErrorCode.WRONG_RECIPIENT, flow.recipientElement() + " " + recipient + " is a " + entry.role().id()
                    + " node, but a " + flow.messageType() + " goes to a " + flow.recipientRole().id() + " node");
        }
        if (recipient.equals(self)) {
            throw new LegacyInputException(ErrorCode.WRONG_RECIPIENT, flow.recipientElement() + " " + recipient + " is this node itself");
        }
        // a municipality reports to its own prefecture only (第6の3, 第6の6); central, to whichever it reports to (第6の8(5)イ)
        Optional<NodeEntry> own = directory.byCode(self);
        String ownPrefecture = own.map(NodeEntry::prefecture).orElse(null);
        boolean central = own.map(NodeEntry::role).orElse(null) == NodeRole.CENTRAL;
        if (entry.role() == NodeRole.PREFECTURE && !central && !recipient.equals(ownPrefecture)) {
            throw new LegacyInputException(ErrorCode.WRONG_RECIPIENT, flow.recipientElement() + " " + recipient
                    + " is not this node's prefecture (" + ownPrefecture + ")");
        }
        return recipient;
    }
}
