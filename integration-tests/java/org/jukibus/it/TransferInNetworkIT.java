package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.broker.BrokerStats;
import org.jukibus.flow.ResidentCode;
import org.junit.jupiter.api.Test;

/**
 * The whole network at once: three municipalities in two prefectures, both prefecture nodes and
 * central. Transfer-in notices between municipalities arrive exactly once, decrypted and verified,
 * in the right outboxes, with receipts back; the prefecture and central brokers never see them
 * (standard 第3の3(3)). What the prefectures do see is each old municipality's transfer-out
 * confirmation (第6の3), sent to its own prefecture, with the notice only inside its encrypted payload.
 */
class TransferInNetworkIT {

    static final int PER_PAIR = 10;

    @Provisioned(value = {TOKYO_PREF, OSAKA_PREF, CHIYODA, SHINJUKU, OSAKA}, started = Provisioned.ALL)
    static TestNetwork net;

    @Test
    void notices_arrive_exactly_once_in_the_right_outbox_and_never_touch_prefecture_or_central() throws Exception {
        String[][] pairs = {{SHINJUKU, OSAKA}, {OSAKA, CHIYODA}, {CHIYODA, SHINJUKU}, {OSAKA, SHINJUKU}};
        Map<String, List<String>> expected = new HashMap<>();
        List<String> residentCodes = new ArrayList<>();
        int n = 0;
        for (String[] pair : pairs) {
            for (int i = 0; i < PER_PAIR; i++, n++) {
                String noticeId = "N" + pair[0] + "-" + pair[1] + "-" + i;
                String residentCode = ResidentCode.of(4000000000L + n);
                residentCodes.add(residentCode);
                // the old municipality's prefecture knows the person (as the identity-update flow would have told it; IdentityUpdateIT tests that flow)
                IdentityRecords.seed(net, pair[1].substring(0, 2), residentCode, pair[1]);
                net.drop(pair[0], "transfer-in", noticeId + ".xml", Notices.transferIn(noticeId, residentCode, pair[0], pair[1]));
                expected.computeIfAbsent(pair[1], k -> new ArrayList<>()).add(noticeId);
            }
        }
        int total = n;

        await().atMost(Duration.ofSeconds(90)).until(() ->
                net.files(CHIYODA, "outbox", "transfer-in").size() + net.files(SHINJUKU, "outbox", "transfer-in").size()
                        + net.files(OSAKA, "outbox", "transfer-in").size() >= total);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                municipalReceipts(CHIYODA).size() + municipalReceipts(SHINJUKU).size() + municipalReceipts(OSAKA).size() >= total);
        // each old municipality confirmed each notice to its prefecture, which noted it and sent a receipt back
        long tokyoConfirmations = expected.entrySet().stream().filter(e -> e.getKey().startsWith("13"))
                .mapToLong(e -> e.getValue().size()).sum();
        await().atMost(Duration.ofSeconds(90)).until(() -> IdentityRecords.annotationCount(net, "13") == tokyoConfirmations
                && IdentityRecords.annotationCount(net, "27") == total - tokyoConfirmations);
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(CHIYODA, "outbox", "receipt").size()
                + net.files(SHINJUKU, "outbox", "receipt").size() + net.files(OSAKA, "outbox", "receipt").size() >= 2 * total);
        Thread.sleep(1000); // anything extra (a duplicate) would arrive by now

        for (String code : List.of(CHIYODA, SHINJUKU, OSAKA)) {
            List<String> arrived = new ArrayList<>();
            for (Path f : net.files(code, "outbox", "transfer-in")) {
                String xml = Files.readString(f, StandardCharsets.UTF_8);
                assertThat(xml).contains("<OldMunicipality>" + code + "</OldMunicipality>").contains("住基 太郎");
                arrived.add(xml.replaceAll("(?s).*<NoticeId>([^<]+)</NoticeId>.*", "$1"));
            }
            assertThat(arrived).as("notices delivered to %s", code)
                    .containsExactlyInAnyOrderElementsOf(expected.getOrDefault(code, List.of()));
            assertThat(net.browse(code, "jukibus.dlq")).as("dead letters at %s", code).isEmpty();
            assertThat(net.files(code, "error")).as("rejected inputs at %s", code).isEmpty();
        }
        // a receipt for every notice, back at its sender
        assertThat(municipalReceipts(SHINJUKU)).hasSize(PER_PAIR);
        assertThat(municipalReceipts(OSAKA)).hasSize(PER_PAIR * 2);
        assertThat(municipalReceipts(CHIYODA)).hasSize(PER_PAIR);
        // and a prefecture's receipt for every confirmation, back at the old municipality
        for (String code : List.of(CHIYODA, SHINJUKU, OSAKA)) {
            assertThat(net.files(code, "outbox", "receipt")).as("receipts at %s", code)
                    .hasSize(municipalReceipts(code).size() + expected.getOrDefault(code, List.of()).size());
        }

        // the envelope ids, from the outbox file names (<sender>-<message id>.xml)
        List<String> messageIds = net.deliveredIds(OSAKA, "transfer-in");
        net.assertNeverCarried(List.of("13", "27", "central"), List.of("transfer-in"), messageIds, OSAKA);
        assertThat(BrokerStats.messagesReceived(net.broker("central"))).as("messages that reached central's broker").isZero();
        for (String code : List.of("13", "27")) {
            // what reached a prefecture's broker: the confirmations its municipalities sent, the receipts it sent
            // back through its own outbound queue (in batches: at least one, at most one per confirmation), nothing else
            long confirmations = code.equals("13") ? tokyoConfirmations : total - tokyoConfirmations;
            assertThat(BrokerStats.messagesReceived(net.broker(code), "jukibus.inbound.transfer-out"))
                    .as("confirmations that reached the broker of %s", code).isEqualTo(confirmations);
            assertThat(BrokerStats.messagesReceived(net.broker(code), "jukibus.outbound"))
                    .as("receipt batches the prefecture %s sent", code).isBetween(1L, confirmations);
            assertThat(BrokerStats.messagesReceived(net.broker(code)))
                    .as("messages that reached the broker of %s", code)
                    .isEqualTo(confirmations + BrokerStats.messagesReceived(net.broker(code), "jukibus.outbound")
                            // its own receipts parked while their peer was down (flow.ParkedEnvelopes)
                            + BrokerStats.messagesReceived(net.broker(code),
                                    a -> a.startsWith(org.jukibus.broker.NodeBroker.PARKED_PREFIX)));
            assertThat(net.browse(code, "jukibus.dlq")).as("dead letters at %s", code).isEmpty();
        }
        // the brokers that did carry the notices never held the personal data readable
        for (String code : List.of(CHIYODA, SHINJUKU, OSAKA)) {
            for (String residentCode : residentCodes.subList(0, 5)) {
                assertThat(net.journalContains(code, residentCode))
                        .as("resident code %s readable in the journal of %s", residentCode, code).isFalse();
            }
        }
    }

    /** Receipts from municipalities (for notices), not from the prefecture (for confirmations). */
    static List<Path> municipalReceipts(String code) throws Exception {
        return net.files(code, "outbox", "receipt").stream()
                .filter(f -> f.getFileName().toString().matches("[0-9]{6}-.*")).toList();
    }
}
