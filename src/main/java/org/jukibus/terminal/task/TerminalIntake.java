package org.jukibus.terminal.task;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jukibus.adapter.file.CodedRejection;
import org.jukibus.adapter.file.DuplicateFileException;
import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.flow.Headers;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a terminal form's legacy input to the intake routes the drop folders use ({@link EntryRoute}): the same
 * schema, resident-code, sender, recipient, duplicate and flow checks, the same sealing, the same records, the same
 * operation log entry naming the operator (MESSAGE_QUEUED or LOCAL_INPUT_HANDLED, actor {@code legacy-operator:<id>}).
 * A refusal comes back as an {@link EntryRefusedException} naming the field; the intake checks everything before
 * anything is queued or registered, so a refused form leaves nothing behind. Unlike a dropped file, a refused form
 * leaves no {@code .error} report and no ledger line: the operator sees the problem on the form. An entry whose
 * message left before a later step failed comes back the same way, coded {@link ErrorCode#SENT_NOT_RECORDED}: the form
 * says what was sent and not to enter it again, and its ledger line (QUEUED) refuses a corrected one as a DUPLICATE.
 */
public final class TerminalIntake {

    private static final Logger log = LoggerFactory.getLogger(TerminalIntake.class);

    private final ProducerTemplate camel;
    private final Predicate<String> flowEnabled;
    private final Clock clock;
    private final TransferLedger ledger;
    private final AtomicLong sequence = new AtomicLong();

    /** @param flowEnabled whether a flow is switched on ({@code jukibus.flows.<flow>.enabled}), as its drop folder is */
    public TerminalIntake(ProducerTemplate camel, Predicate<String> flowEnabled, Clock clock, TransferLedger ledger) {
        this.camel = camel;
        this.flowEnabled = flowEnabled;
        this.clock = clock;
        this.ledger = ledger;
    }

    /** Submits the entry as entered by {@code operatorId} (the logged-in operator's card id). */
    public Submitted submit(LegacyEntry entry, String operatorId) throws EntryRefusedException, IOException {
        String flow = entry.flow();
        if (!flowEnabled.test(flow)) {
            throw new EntryRefusedException(ErrorCode.FLOW_RULE,
                    "the " + flow + " flow is switched off on this node (jukibus.flows." + flow + ".enabled=false)", null);
        }
        byte[] document = entry.document(operatorId);
        String name = "terminal-" + operatorId + "-" + clock.millis() + "-" + sequence.incrementAndGet() + ".xml";
        Exchange done = camel.send(entry.route().endpoint(), exchange -> {
            exchange.setProperty(Headers.FLOW, flow);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
            exchange.getIn().setHeader(Exchange.FILE_LENGTH, (long) document.length);
            exchange.getIn().setBody(document);
        });
        Exception failure = done.getException();
        if (failure != null) {
            Map<?, ?> sent = done.getProperty(ErrorReports.SENT, Map.class);
            if (sent != null && !sent.isEmpty()) {
                String problem = "the " + flow + " intake failed: " + failure.getMessage() + alreadySent(sent);
                recordSent(done, flow, name, document, problem);
                // shown on the form like a refusal (a bare error page would have the clerk correct it and enter it again)
                throw new EntryRefusedException(ErrorCode.SENT_NOT_RECORDED, problem, null,
                        sent.keySet().stream().map(String::valueOf).toList());
            }
            Throwable coded = rejection(failure);
            if (coded == null) {
                throw new IllegalStateException("the " + flow + " intake failed: " + failure.getMessage(), failure);
            }
            throw new EntryRefusedException(ErrorReports.codeOf((Exception) coded), coded.getMessage(),
                    FieldLocator.locate(coded.getMessage(), entry.fields()).orElse(null));
        }
        // what the intake sealed (a local flow's input is not sealed); a batch split in parts is named by its whole id
        LegacyInput sealed = done.getProperty(LegacyIntake.INPUT, LegacyInput.class);
        return sealed == null ? new Submitted(flow, name, null, null)
                : new Submitted(flow, name, sealed.messageId(), sealed.flow().messageType());
    }

    /**
     * The ledger line of an entry whose message left, as a dropped file's ({@link ErrorReports#SENT_AS}): QUEUED, so a
     * corrected entry with the same business key is refused as a DUPLICATE. A store that cannot take it either (the
     * failure may be the ledger's) leaves only the form's text to protect: that is shown all the same.
     */
    private void recordSent(Exchange done, String flow, String name, byte[] document, String problem) {
        ErrorReports.SentAs as = done.getProperty(ErrorReports.SENT_AS, ErrorReports.SentAs.class);
        if (as == null) {
            return;
        }
        try {
            ledger.recordQueued(flow, name, document, as.messageId(), as.recipient(), as.keyDigest(),
                    ErrorCode.SENT_NOT_RECORDED + ": " + problem);
        } catch (RuntimeException storeDown) {
            log.warn("{} entry {}: its ledger line could not be written either ({}): only the form says not to enter it "
                    + "again", flow, name, storeDown.getMessage());
        }
    }

    /**
     * The messages that left before a later step failed ({@link ErrorReports#SENT}), as the error folder's report names
     * them: entered again, corrected, they would reach their recipient twice.
     */
    private static String alreadySent(Map<?, ?> sent) {
        return "; sent before the failure, and reaching the recipient: " + sent.values().stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining("; ")) + ". Do not enter it again";
    }

    /** The refusal the intake threw (a coded rejection or a duplicate), found through any wrapping; null for another failure. */
    private static Throwable rejection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CodedRejection || t instanceof DuplicateFileException) {
                return t;
            }
        }
        return null;
    }
}
