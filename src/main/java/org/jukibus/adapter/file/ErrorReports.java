package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code .error} report that lies beside a rejected input file in the legacy error
 * folder; the file itself is moved there by the file consumer ({@code moveFailed}). Flows also keep
 * delivered files they cannot hand over as usual there ({@link #keep}), with the same report.
 */
public final class ErrorReports {

    private static final Logger log = LoggerFactory.getLogger(ErrorReports.class);

    private final Path legacyRoot;
    private final Clock clock;

    public ErrorReports(Path legacyRoot, Clock clock) {
        this.legacyRoot = legacyRoot;
        this.clock = clock;
    }

    public void write(Exchange exchange, @ExchangeProperty("JukibusFlow") String flow, @Header(Exchange.FILE_NAME) String fileName)
            throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        String problem = cause == null ? "unknown error" : cause.getMessage();
        writeReport(legacyRoot.resolve("error").resolve(flow).resolve(fileName + ".error"), flow, fileName, problem);
        log.warn("{} input {} rejected: {}", flow, fileName, problem);
    }

    /**
     * Keeps a file that reached this node but cannot be delivered as usual (an answer that came too
     * late, say) in {@code legacy/error/<flow>/}, beside a {@code .error} report saying why: nothing
     * is lost and the operator sees the reason. Writing the same file again replaces it.
     */
    public Path keep(String flow, String fileName, byte[] content, String problem) throws IOException {
        Path target = errorFolder(flow).resolve(plain(fileName));
        AtomicFiles.write(target, content);
        writeReport(target.resolveSibling(target.getFileName() + ".error"), flow, fileName, problem);
        log.warn("{} {} kept in {}: {}", flow, fileName, target.getParent(), problem);
        return target;
    }

    /** A report of its own in {@code legacy/error/<flow>/}, for something that went wrong without a file (no answer in time). */
    public Path report(String flow, String fileName, String text) throws IOException {
        Path target = errorFolder(flow).resolve(plain(fileName));
        AtomicFiles.write(target, text.getBytes(StandardCharsets.UTF_8));
        return target;
    }

    private void writeReport(Path target, String flow, String fileName, String problem) throws IOException {
        String report = "file: " + fileName + "\n"
                + "flow: " + flow + "\n"
                + "rejected-at: " + clock.instant() + "\n"
                + "problem: " + problem + "\n";
        AtomicFiles.write(target, report.getBytes(StandardCharsets.UTF_8));
    }

    private Path errorFolder(String flow) {
        return legacyRoot.resolve("error").resolve(plain(flow));
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
