package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.envelope.PayloadTypes;
import org.jukibus.flow.identity.Outcome;
import org.jukibus.flow.identity.ReconciliationReport;
import org.jukibus.flow.nondelivery.NonDelivery;
import org.jukibus.flow.specialtransfer.CardCheckResult;
import org.jukibus.flow.specialtransfer.CardStatus;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo;
import org.jukibus.monitoring.NodeStatusAlert;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legacy contract (docs/legacy-files.md): every file a node writes into a legacy outbox has a schema in schemas/
 * and a sample in docs/samples/ that the schema accepts, what the node's own models write is valid against the same
 * schema, and every report in the error folder carries a {@code code:} line with an {@link ErrorCode} beside its
 * human text.
 */
class LegacyContractTest {

    /** Each XML sample and the schema it shows: the input files and every kind of outbox file. */
    static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("transfer-in-notice.xml", "transfer-in-notice.xsd"),
            Map.entry("transfer-out-confirmation.xml", "transfer-out-confirmation.xsd"),
            Map.entry("resident-card.xml", "resident-card.xsd"),
            Map.entry("card-check-request.xml", "card-check-request.xsd"),
            Map.entry("card-check-result.xml", "card-check-result.xsd"),
            Map.entry("transfer-out-certificate.xml", "transfer-out-certificate.xsd"),
            Map.entry("first-transfer-in-notice.xml", "first-transfer-in-notice.xsd"),
            Map.entry("transfer-out-certificate-info.xml", "transfer-out-certificate-info.xsd"),
            Map.entry("certificate-copy-request.xml", "certificate-copy-request.xsd"),
            Map.entry("certificate-copy-reply.xml", "certificate-copy-reply.xsd"),
            Map.entry("identity-update.xml", "identity-update.xsd"),
            Map.entry("identity-update-reconciliation.xml", "identity-update-reconciliation.xsd"),
            Map.entry("receipt.xml", "receipt.xsd"),
            Map.entry("receipt-batch.xml", "receipt-batch.xsd"),
            Map.entry("non-delivery.xml", "non-delivery.xsd"),
            Map.entry("node-status-alert.xml", "node-status-alert.xsd"));

    static final Path SAMPLES_DIR = Path.of("docs/samples");

    @TempDir
    Path legacyRoot;

    /**
     * A sample not listed in {@link #SAMPLES} shows a payload type: its schema is the one its flow package registered
     * for its root element (so a new flow's sample needs no line here).
     */
    @Test
    void every_sample_is_valid_against_its_schema_and_every_sample_is_listed() throws Exception {
        Set<String> xmlSamples;
        try (Stream<Path> files = Files.list(SAMPLES_DIR)) {
            xmlSamples = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".xml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(xmlSamples).as("the listed samples").containsAll(SAMPLES.keySet());
        for (String sample : xmlSamples) {
            byte[] xml = Files.readAllBytes(SAMPLES_DIR.resolve(sample));
            var document = SecureXml.parse(xml);
            String schema = SAMPLES.containsKey(sample) ? SAMPLES.get(sample)
                    : PayloadTypes.defaults().schemaFor(document.getDocumentElement().getLocalName()).orElse(null);
            assertThat(schema).as(sample + ": listed here, or a payload type with its schema").isNotNull();
            assertThatCode(() -> Schemas.validate(schema, document)).as(sample + " against " + schema)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void a_sample_that_breaks_its_schema_is_refused() throws Exception {
        String receipt = Files.readString(SAMPLES_DIR.resolve("receipt.xml")).replace("DELIVERED", "LOST");
        assertThatCode(() -> Schemas.validate("receipt.xsd", SecureXml.parse(receipt.getBytes(StandardCharsets.UTF_8))))
                .as("the check can fail").hasMessageContaining("LOST");
    }

    /** One of each outbox file as the node's models write it ({@link Payloads#bytes}, what the writers call). */
    @Test
    void what_the_node_writes_into_an_outbox_is_valid_against_the_schema() throws Exception {
        String now = "2026-11-25T01:02:03.456Z";
        Map<Object, String> written = new LinkedHashMap<>();
        written.put(new Receipt("6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b", now, "271004", Receipt.DELIVERED, null, null), "receipt.xsd");
        written.put(new CardCheckResult("SJK-CHK-0001", "131041", "23456789013", CardCheckResult.Result.HOLDS_CARD,
                "JK00012345", CardStatus.ISSUED, "2024-04-01", null, now), "card-check-result.xsd");
        written.put(new CardCheckResult("SJK-CHK-0002", "131041", "23456789013", CardCheckResult.Result.NO_CARD,
                null, null, null, "no resident card is registered for this resident code at 131041", now), "card-check-result.xsd");
        written.put(new TransferOutCertificateInfo("OSK-FTI-2026-0007", "23456789013", "131041", "271004",
                TransferOutCertificateInfo.Status.MISMATCH, now, List.of("Name", "BirthDate"), null, null), "transfer-out-certificate-info.xsd");
        written.put(new TransferOutCertificateInfo("OSK-FTI-2026-0008", "23456789013", "131041", "271004",
                TransferOutCertificateInfo.Status.FOUND, now, List.of(), new TransferOutCertificateInfo.Certificate(
                "SJK-TOC-2026-0042", now, "住基 一郎", "ジュウキ イチロウ", "1975-06-15", "1", "東京都新宿区西新宿二丁目8番1号",
                "住基 一郎", "世帯主", "2026-11-30", "大阪府大阪市北区中之島一丁目3番20号", "JK00012345", "271004"), null),
                "transfer-out-certificate-info.xsd");
        written.put(new ReconciliationReport("9d3ee079-5962-899a-8ef1-5d7dea0fff78", "13", Outcome.MISSING, 3, now, now,
                "no update-count list from 13 by the cut-off"), "identity-update-reconciliation.xsd");
        written.put(new NodeStatusAlert("131041", "municipal", "CLOCK_OFF", now, now, "the node's clock is 45 s ahead"),
                "node-status-alert.xsd");
        written.put(new NonDelivery("4c1f9e2a-7b3d-8e21-9a0c-5d6e7f8a9b0c", "transfer-in", "271004", NonDelivery.OVERDUE,
                NonDelivery.BY_SENDER, NonDelivery.OVERDUE, "no receipt in time", now, now), "non-delivery.xsd");
        for (Map.Entry<Object, String> file : written.entrySet()) {
            byte[] xml = Payloads.bytes(file.getKey());
            assertThatCode(() -> Schemas.validate(file.getValue(), SecureXml.parse(xml)))
                    .as(file.getKey().getClass().getSimpleName() + " against " + file.getValue() + ":\n"
                            + new String(xml, StandardCharsets.UTF_8))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void every_error_report_has_a_code_line_beside_its_problem() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T01:02:03.456Z"), ZoneOffset.UTC);
        ErrorReports reports = new ErrorReports(legacyRoot, clock,
                new org.jukibus.adapter.file.TransferLedger(org.jukibus.store.TestStores.fresh(org.jukibus.core.NodeRole.MUNICIPAL), clock));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request", "SJK-CCR-1");
        fields.put("problem", "no answer came in time");
        Path timeout = reports.reportAs("certificate-copy-request", "SJK-CCR-1-x.timeout", ErrorCode.NO_ANSWER, fields);
        Path kept = reports.keep("certificate-copy-reply", "271004-m.xml", "<a/>".getBytes(StandardCharsets.UTF_8),
                ErrorCode.LATE_ANSWER, "came after the request was closed");

        assertThat(Files.readString(timeout)).isEqualTo("request: SJK-CCR-1\ncode: NO_ANSWER\nproblem: no answer came in time\n");
        assertThat(parse(Files.readString(legacyRoot.resolve("error/certificate-copy-reply/271004-m.xml.error"))))
                .containsEntry("code", "LATE_ANSWER").containsEntry("problem", "came after the request was closed");
        assertThat(kept).hasContent("<a/>");
        Map<String, String> sample = parse(Files.readString(SAMPLES_DIR.resolve("error-report.error")));
        assertThat(sample).containsKeys("file", "flow", "rejected-at", "code", "problem");
        assertThat(ErrorCode.valueOf(sample.get("code"))).isEqualTo(ErrorCode.WRONG_RECIPIENT);
    }

    /** A report as a legacy system reads it: {@code key: value} lines. */
    static Map<String, String> parse(String report) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : report.split("\n")) {
            assertThat(line).matches("[a-z-]+: .+");
            fields.put(line.substring(0, line.indexOf(": ")), line.substring(line.indexOf(": ") + 2));
        }
        return fields;
    }
}
