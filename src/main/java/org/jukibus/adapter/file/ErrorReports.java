package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code .error} report that lies beside a rejected input file in the legacy error
 * folder; the file itself is moved there by the file consumer ({@code moveFailed}).
 */
public final class ErrorReports {

    private static final Logger log = LoggerFactory.getLogger(ErrorReports.class);

    private final Path legacyRoot;
    private final Clock clock;
    private final TransferLedger ledger;

    public ErrorReports(Path legacyRoot, Clock clock, TransferLedger ledger) {
        this.legacyRoot = legacyRoot;
        this.clock = clock;
        this.ledger = ledger;
    }

    public void write(Exchange exchange, @ExchangeProperty("JukibusFlow") String flow, @Header(Exchange.FILE_NAME) String fileName)
            throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        String problem = cause == null ? "unknown error" : cause.getMessage();
        String report = "file: " + fileName + "\n"
                + "flow: " + flow + "\n"
                + "rejected-at: " + clock.instant() + "\n"
                + "problem: " + problem + "\n";
        Path target = legacyRoot.resolve("error").resolve(flow).resolve(fileName + ".error");
        AtomicFiles.write(target, report.getBytes(StandardCharsets.UTF_8));
        // the file itself is still in the drop folder (moveFailed comes after this); the body may be an envelope by now
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        byte[] content = path == null ? new byte[0] : Files.readAllBytes(Path.of(path));
        ledger.record(flow, fileName, content, cause instanceof DuplicateFileException ? TransferLedger.Outcome.DUPLICATE
                : TransferLedger.Outcome.REJECTED, null, null, problem);
        log.warn("{} input {} rejected: {}", flow, fileName, problem);
    }
}
