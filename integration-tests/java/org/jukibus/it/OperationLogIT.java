package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jukibus.audit.AuditCommand;
import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.flow.ResidentCode;
import org.jukibus.management.DeadLetterQueue;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * The operation log (操作履歴, standard 第4の4(6)) of two real nodes: transfer-in notices from Shinjuku to Osaka-shi
 * are logged as queued and forwarded at the sender and delivered at the recipient, with the same envelope digest;
 * a query at the counter, the nodes' start, approval, an operator's action and stop are logged; both logs verify with {@code jukibus audit
 * verify} as sealed; and no resident code or name is in them.
 */
class OperationLogIT {

    static final int NOTICES = 3;

    @TempDir
    Path root;

    @Test
    void every_message_is_logged_at_both_ends_and_both_logs_verify_as_sealed_without_personal_data(
            @Provisioned(value = {SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA}) TestNetwork net) throws Exception {
        List<String> residentCodes = new ArrayList<>();
        try {
            for (int i = 0; i < NOTICES; i++) {
                String residentCode = ResidentCode.of(7300000000L + i);
                residentCodes.add(residentCode);
                net.drop(SHINJUKU, "transfer-in", "audit-" + i + ".xml",
                        Notices.transferIn("NA-" + i, residentCode, SHINJUKU, OSAKA));
            }
            // a query at the counter, handled on the node itself
            String cardHolder = ResidentCode.of(7300000099L);
            residentCodes.add(cardHolder);
            net.drop(SHINJUKU, "card-check", "check-1.xml", SpecialTransferFiles.cardCheck("CHK-1", SHINJUKU, cardHolder));
            await().atMost(Duration.ofSeconds(120)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == NOTICES
                    && net.files(SHINJUKU, "outbox", "receipt").size() == NOTICES
                    && net.files(SHINJUKU, "outbox", "card-check").size() == 1);
            // an operator's action (here through JMX, without a web login)
            net.context(OSAKA).getBean(DeadLetterQueue.class).purge("transfer-in", true);
        } finally {
            net.close(); // the nodes stop: each logs its stop and seals
        }

        // the envelope ids, from the outbox file names (<sender>-<message id>.xml)
        List<String> messageIds = net.files(OSAKA, "outbox", "transfer-in").stream()
                .map(f -> f.getFileName().toString().replaceAll("^[0-9]+-(.+)\\.xml$", "$1")).toList();
        assertThat(messageIds).hasSize(NOTICES);
        Map<AuditKind, List<AuditEntry>> sender = byKind(HashChainLog.entries(auditDir(net, SHINJUKU)));
        Map<AuditKind, List<AuditEntry>> recipient = byKind(HashChainLog.entries(auditDir(net, OSAKA)));
        for (String id : messageIds) {
            AuditEntry queued = only(sender, AuditKind.MESSAGE_QUEUED, id);
            assertThat(queued.flow()).isEqualTo("transfer-in");
            assertThat(queued.type()).isEqualTo("TransferInNotice");
            assertThat(queued.sender()).isEqualTo(SHINJUKU);
            assertThat(queued.recipient()).isEqualTo(OSAKA);
            // forwarded once, or again after a failure mid-commit (the peer's broker drops the copy)
            assertThat(sender.get(AuditKind.MESSAGE_FORWARDED)).filteredOn(e -> id.equals(e.messageId())).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.digest()).isEqualTo(queued.digest()));
            AuditEntry delivered = only(recipient, AuditKind.MESSAGE_DELIVERED, id);
            assertThat(delivered.sender()).isEqualTo(SHINJUKU);
            assertThat(delivered.actor()).isEqualTo("node:" + OSAKA);
            assertThat(delivered.digest()).as("the recipient logs the envelope the sender logged").isEqualTo(queued.digest());
        }
        // the receipts travel the other way, in batches (at least one, at most one per notice)
        assertThat(recipient.get(AuditKind.MESSAGE_FORWARDED)).isNotEmpty()
                .allMatch(e -> "receipt-batch".equals(e.flow()));
        assertThat(sender.get(AuditKind.MESSAGE_DELIVERED)).hasSizeBetween(1, NOTICES)
                .allMatch(e -> "receipt-batch".equals(e.flow()));
        for (Map<AuditKind, List<AuditEntry>> node : List.of(sender, recipient)) {
            assertThat(node.get(AuditKind.ROUTES_APPROVED)).hasSize(1);
            assertThat(node.get(AuditKind.NODE_STARTED)).hasSize(1);
            assertThat(node.get(AuditKind.NODE_STOPPED)).hasSize(1);
            assertThat(node.get(AuditKind.SEAL)).isNotEmpty();
        }
        assertThat(sender.get(AuditKind.LOCAL_INPUT_HANDLED)).singleElement()
                .satisfies(e -> assertThat(e.flow()).isEqualTo("card-check"));
        assertThat(recipient.get(AuditKind.OPERATION)).singleElement()
                .satisfies(e -> assertThat(e.actor() + " " + e.detail()).isEqualTo("jmx dlq purge: 0 removed for good, 0 of them told their sender"));

        for (String code : List.of(SHINJUKU, OSAKA)) {
            Path cert = root.resolve(code + ".pem");
            Pem.writeCertificate(cert, net.node(code).keys().certificate());
            Path ca = net.network.ca().directory();
            StringWriter out = new StringWriter();
            CommandLine cli = AuditCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(out, true));
            int exit = cli.execute("verify", "--log", auditDir(net, code).toString(), "--certificate", cert.toString(),
                    "--root-ca", ca.resolve(CertificateAuthority.CERT_FILE).toString(),
                    "--crl", ca.resolve(CertificateAuthority.CRL_FILE).toString(), "--require-sealed");
            assertThat(exit).as("audit verify of %s:\n%s", code, out).isZero();
            assertThat(out.toString()).contains("intact");

            Path audit = auditDir(net, code);
            assertThat(TestNetwork.contains(audit, messageIds.get(0))).as("positive control").isTrue();
            for (String residentCode : residentCodes) {
                assertThat(TestNetwork.contains(audit, residentCode)).as("resident code in the log of %s", code).isFalse();
            }
            for (String personal : List.of("住基 太郎", "ジュウキ", "1980-01-15", "新住所", "旧住所")) {
                assertThat(TestNetwork.contains(audit, personal)).as("'%s' in the log of %s", personal, code).isFalse();
            }
        }
    }

    private static Path auditDir(TestNetwork net, String code) {
        return net.node(code).home().resolve("audit");
    }

    private static Map<AuditKind, List<AuditEntry>> byKind(List<AuditEntry> entries) {
        return entries.stream().collect(Collectors.groupingBy(AuditEntry::kind));
    }

    private static AuditEntry only(Map<AuditKind, List<AuditEntry>> log, AuditKind kind, String messageId) {
        List<AuditEntry> found = log.getOrDefault(kind, List.of()).stream().filter(e -> messageId.equals(e.messageId())).toList();
        assertThat(found).as("%s entries for %s", kind, messageId).hasSize(1);
        return found.get(0);
    }
}
