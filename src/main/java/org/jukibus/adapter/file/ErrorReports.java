package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code .error} report that lies beside a rejected input file in the legacy error
 * folder; the file itself is moved there by the file consumer ({@code moveFailed}). Flows also keep
 * delivered files they cannot hand over as usual there ({@link #keep}), with the same report. Every report has a
 * {@code code:} line ({@link ErrorCode}) just before its {@code problem:} line, for the legacy system to act on.
 */
public final class ErrorReports {

    private static final Logger log = LoggerFactory.getLogger(ErrorReports.class);

    /** The line with the {@link ErrorCode}, and the human text beside which it stands. */
    public static final String CODE = "code";
    public static final String PROBLEM = "problem";
    /**
     * Exchange property: the input's messages the broker took before the input failed (a later step: the operation
     * log, the ledger, a later part of a split), by id, each described for the legacy operator. Filled by
     * flow.LegacyIntake; the report lists them, since a corrected file would deliver them a second time.
     */
    public static final String SENT = "JukibusLegacySent";
    /**
     * Exchange property: the ledger line an input stands for once a message of it left ({@link SentAs}; filled by
     * flow.LegacyIntake when it seals the input). With a message sent the input failed yet is recorded as QUEUED, so
     * that a corrected file with the same business key is refused as a DUPLICATE, while the same file dropped again
     * unchanged (in error/, not sent/: picked up again) sends only what is missing.
     */
    public static final String SENT_AS = "JukibusLegacySentAs";

    /** The whole input's message id (a split's whole id), its recipient, its business key's digest (TransferLedger.keyDigest). */
    public record SentAs(String messageId, String recipient, String keyDigest) {
    }

    private final Path legacyRoot;
    private final Clock clock;
    private final TransferLedger ledger;

    public ErrorReports(Path legacyRoot, Clock clock, TransferLedger ledger) {
        this.legacyRoot = legacyRoot;
        this.clock = clock;
        this.ledger = ledger;
    }

    /**
     * The report of an input that failed, and its ledger line: REJECTED (or DUPLICATE), or QUEUED as {@code sentAs}
     * when a message of it left before the failure ({@link #SENT_AS}).
     */
    public void write(Exchange exchange, @ExchangeProperty("JukibusFlow") String flow, @Header(Exchange.FILE_NAME) String fileName,
                      @ExchangeProperty(SENT) Map<String, String> sent, @ExchangeProperty(SENT_AS) SentAs sentAs) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        String problem = cause == null ? "unknown error" : problemOf(cause);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("file", fileName);
        fields.put("flow", flow);
        fields.put("rejected-at", clock.instant().toString());
        fields.put("problem", problem);
        List<String> alreadySent = sent == null ? List.of() : List.copyOf(sent.values());
        if (!alreadySent.isEmpty()) {
            fields.put("sent", String.join("; ", alreadySent));
            fields.put("do-not-send-again", "the message(s) on the sent: line left this node before the failure and reach "
                    + "their recipient: do not correct this file nor send them again under another id; once the cause is "
                    + "fixed, drop this same file again unchanged, which sends only what is missing (a message sent before "
                    + "is not delivered twice)");
            problem = problem + " (after sending " + String.join("; ", alreadySent) + ")";
        }
        report(flow, fileName, alreadySent.isEmpty() ? codeOf(cause) : ErrorCode.SENT_NOT_RECORDED, fields);
        // the file itself is still in the drop folder (moveFailed comes after this); the body may be an envelope by now
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        byte[] content = path == null ? new byte[0] : Files.readAllBytes(Path.of(path));
        if (!alreadySent.isEmpty() && sentAs != null) {
            ledger.recordQueued(flow, fileName, content, sentAs.messageId(), sentAs.recipient(), sentAs.keyDigest(),
                    ErrorCode.SENT_NOT_RECORDED + ": " + problem);
        } else {
            ledger.record(flow, fileName, content, cause instanceof DuplicateFileException ? TransferLedger.Outcome.DUPLICATE
                    : TransferLedger.Outcome.REJECTED, null, null, problem);
        }
        log.warn("{} input {} rejected: {}", flow, fileName, problem);
    }

    /**
     * What the failure says happened. A local send's failure comes wrapped by Spring, whose message says only
     * "Uncategorized exception occurred during JMS processing": the broker's own reason beneath it is the one to report
     * (e.g. its disk at the bound, broker.DiskFullRefusal, after which the same file is to be dropped again).
     */
    public static String problemOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.springframework.jms.JmsException jms && jms.getMostSpecificCause() != jms
                    && jms.getMostSpecificCause().getMessage() != null) {
                return jms.getMostSpecificCause().getMessage();
            }
        }
        return cause.getMessage();
    }

    /** The code of a rejected input: the kind of problem its exception names. */
    public static ErrorCode codeOf(Exception cause) {
        if (cause instanceof DuplicateFileException) {
            return ErrorCode.DUPLICATE;
        }
        return cause instanceof CodedRejection coded ? coded.code() : ErrorCode.FAILED;
    }

    /**
     * Writes a report in the same format ({@code key: value} lines) for something other than a
     * rejected input that the legacy operator must act on, e.g. a negative answer from another
     * node: {@code error/<flow>/<name>.error}. Writing it again replaces it.
     */
    public Path report(String flow, String name, ErrorCode code, Map<String, String> fields) throws IOException {
        return reportAs(flow, name + ".error", code, fields);
    }

    /**
     * As {@link #report}, under exactly {@code fileName} (a report of another kind, such as a request's
     * {@code .timeout}), which must be a plain file name.
     */
    public Path reportAs(String flow, String fileName, ErrorCode code, Map<String, String> fields) throws IOException {
        StringBuilder report = new StringBuilder();
        fields.forEach((key, value) -> {
            if (key.equals(PROBLEM)) { // the code beside the human text it sums up
                report.append(CODE).append(": ").append(code.name()).append('\n');
            }
            report.append(key).append(": ").append(value).append('\n');
        });
        if (!fields.containsKey(PROBLEM)) {
            report.append(CODE).append(": ").append(code.name()).append('\n');
        }
        Path target = legacyRoot.resolve("error").resolve(flow).resolve(plain(fileName));
        AtomicFiles.write(target, report.toString().getBytes(StandardCharsets.UTF_8));
        return target;
    }

    /**
     * Keeps a file that reached this node but cannot be delivered as usual (an answer that came too
     * late, say) in {@code legacy/error/<flow>/}, beside a {@code .error} report saying why: nothing
     * is lost and the operator sees the reason. Writing the same file again replaces it.
     */
    public Path keep(String flow, String fileName, byte[] content, ErrorCode code, String problem) throws IOException {
        Path target = legacyRoot.resolve("error").resolve(flow).resolve(plain(fileName));
        AtomicFiles.write(target, content);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("file", fileName);
        fields.put("flow", flow);
        fields.put("kept-at", clock.instant().toString());
        fields.put("problem", problem);
        report(flow, fileName, code, fields);
        // in the ledger like a refused input, so the erasure run deletes it (and its report) after the legacy retention
        ledger.record(flow, fileName, content, TransferLedger.Outcome.REJECTED, null, null, "kept: " + problem);
        log.warn("{} {} kept in {}: {}", flow, fileName, target.getParent(), problem);
        return target;
    }

    /** Names come from payloads and peers: never let one climb out of the folder. */
    private static String plain(String name) {
        Path p = Path.of(name).getFileName();
        if (p == null || !p.toString().equals(name) || name.startsWith(".")) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        return name;
    }
}
