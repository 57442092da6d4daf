package org.jukibus.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.jukibus.adapter.file.AtomicFiles;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.flow.Payloads;
import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Hands what an operator entered at the terminal to the node exactly as a resident-record system hands its files: as
 * a legacy input file in {@code legacy/inbox/<flow>/}, named after the operator, with the operator in its
 * {@code Operator} element (手入力, {@code schemas/legacy-input-types.xsd}). So the same intake checks it (schema,
 * check digits, sender and recipient, duplicates, the flow's own rules), logs it with the operator as actor
 * ({@code legacy-operator:<id>}) and sends or answers it, and a refusal is the same {@code .error} report a legacy
 * system gets. {@link #submit} waits until the intake has taken the file and says what became of it.
 */
public final class TerminalInbox {

    /** How often the inbox is looked at while waiting for the intake. */
    static final Duration POLL = Duration.ofMillis(50);

    private final Path legacyRoot;
    private final Duration timeout;

    public TerminalInbox(Path legacyRoot, Duration timeout) {
        this.legacyRoot = legacyRoot;
        this.timeout = timeout;
    }

    /**
     * What became of an input: taken by the intake (handled or queued for sending), refused (the {@code .error}
     * report's code and problem), or not taken in time (the flow is disabled or the node is overloaded; the file stays
     * in the inbox and is handled when the flow runs).
     *
     * @param fileName the input file's name in {@code legacy/inbox/<flow>/}
     * @param state    what became of it
     * @param code     the error code of a refusal ({@code SCHEMA}, {@code INVALID_RESIDENT_CODE} …), else null
     * @param problem  the refusal's problem, as the {@code .error} report says it, else null
     */
    public record Outcome(String fileName, State state, String code, String problem) {

        public boolean accepted() {
            return state == State.ACCEPTED;
        }
    }

    public enum State { ACCEPTED, REFUSED, WAITING }

    /**
     * Drops {@code payload} (a flow's Jackson XML model, e.g. a {@code CardCheckRequest}) for {@code flow}, entered by
     * {@code operator}, and waits for the intake.
     */
    public Outcome submit(String flow, Object payload, TerminalOperator operator) throws IOException, InterruptedException {
        Document document = Payloads.document(payload);
        Element root = document.getDocumentElement();
        Element entered = document.createElementNS(root.getNamespaceURI(), "Operator");
        entered.setTextContent(operator.id());
        root.appendChild(entered);
        String fileName = "terminal-" + operator.id() + "-" + UUID.randomUUID() + ".xml";
        Path file = legacyRoot.resolve("inbox").resolve(flow).resolve(fileName);
        AtomicFiles.write(file, SecureXml.serialize(document));
        for (long waited = 0; Files.exists(file); waited += POLL.toMillis()) {
            if (waited >= timeout.toMillis()) {
                return new Outcome(fileName, State.WAITING, null, "the node has not taken the input within " + timeout.toSeconds()
                        + " s; it stays in legacy/inbox/" + flow + "/ and is handled when the " + flow + " flow runs");
            }
            Thread.sleep(POLL.toMillis());
        }
        Path report = legacyRoot.resolve("error").resolve(flow).resolve(fileName + ".error");
        if (!Files.exists(report)) {
            return new Outcome(fileName, State.ACCEPTED, null, null);
        }
        String code = null;
        String problem = null;
        for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
            if (line.startsWith(ErrorReports.CODE + ": ")) {
                code = line.substring(ErrorReports.CODE.length() + 2);
            } else if (line.startsWith(ErrorReports.PROBLEM + ": ")) {
                problem = line.substring(ErrorReports.PROBLEM.length() + 2);
            }
        }
        return new Outcome(fileName, State.REFUSED, code, problem);
    }

    /**
     * A file in {@code legacy/outbox/<flow>/} (a local flow's answer to an input, a delivered message), or null when it
     * is not there (not written, or taken away by the resident-record system).
     */
    public byte[] outboxFile(String flow, String fileName) throws IOException {
        Path file = legacyRoot.resolve("outbox").resolve(flow).resolve(Path.of(fileName).getFileName().toString());
        return Files.exists(file) ? Files.readAllBytes(file) : null;
    }
}
