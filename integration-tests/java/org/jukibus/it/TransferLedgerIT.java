package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.adapter.file.TransferLedger.Entry;
import org.jukibus.adapter.file.TransferLedger.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The transfer ledger (第4の6(2)ア) records every file taken from or given to the legacy system,
 * and makes pick-up idempotent: the same content dropped again — under another name, after a
 * restart — is refused as a duplicate and never reaches the recipient a second time.
 */
class TransferLedgerIT {

    @Provisioned(value = {OSAKA_PREF, SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA})
    static TestNetwork net;

    @Test
    void every_file_is_in_the_ledger_and_a_redropped_file_is_not_sent_twice() throws Exception {
        byte[] notice = Notices.transferIn("LEDGER-1", SAMPLE_RESIDENT, SHINJUKU, OSAKA);
        net.drop(SHINJUKU, "transfer-in", "first.xml", notice);
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == 1
                && net.files(SHINJUKU, "outbox", "receipt").size() == 1);

        // the same content again, after a restart of the sender (the broker's duplicate cache is not what stops it)
        net.stop(SHINJUKU);
        net.start(SHINJUKU);
        net.drop(SHINJUKU, "transfer-in", "again.xml", notice);
        Path error = net.node(SHINJUKU).legacyRoot().resolve("error").resolve("transfer-in");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(error.resolve("again.xml.error")));
        String report = Files.readString(error.resolve("again.xml.error"), StandardCharsets.UTF_8);
        assertThat(report).contains("DUPLICATE").contains("first.xml").contains("not sent again");

        String messageId = ledger(SHINJUKU).stream().filter(e -> e.outcome() == Outcome.QUEUED)
                .findFirst().orElseThrow().messageId();
        assertThat(ledger(SHINJUKU)).extracting(Entry::flow, Entry::fileName, Entry::outcome).contains(
                org.assertj.core.groups.Tuple.tuple("transfer-in", "first.xml", Outcome.QUEUED),
                org.assertj.core.groups.Tuple.tuple("transfer-in", "again.xml", Outcome.DUPLICATE));
        assertThat(ledger(SHINJUKU)).filteredOn(e -> e.flow().equals("receipt"))
                .singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.DELIVERED));
        assertThat(ledger(OSAKA)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(e.messageId()).isEqualTo(messageId);
            assertThat(e.peer()).isEqualTo(SHINJUKU);
            assertThat(e.sha256()).isEqualTo(TransferLedger.sha256(Files.readAllBytes(
                    net.files(OSAKA, "outbox", "transfer-in").get(0))));
        });
        assertThat(net.files(OSAKA, "outbox", "transfer-in")).hasSize(1);
        assertThat(net.browse(OSAKA, "jukibus.dlq")).isEmpty();
    }

    @Test
    void a_refused_file_is_in_the_ledger_with_its_reason() throws Exception {
        byte[] bad = "not xml at all".getBytes(StandardCharsets.UTF_8);
        net.drop(SHINJUKU, "transfer-in", "bad.xml", bad);
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger(SHINJUKU).stream().anyMatch(e -> e.fileName().equals("bad.xml")));
        assertThat(ledger(SHINJUKU)).filteredOn(e -> e.fileName().equals("bad.xml")).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(e.sha256()).isEqualTo(TransferLedger.sha256(bad));
            assertThat(e.detail()).contains("MALFORMED");
        });
    }

    private static List<Entry> ledger(String code) {
        return net.context(code).getBean(TransferLedger.class).day(LocalDate.now(ZoneOffset.UTC), null);
    }
}
