package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * A legacy file is a duplicate by its flow's business key (docs/legacy-files.md), not by its bytes:
 * the same notice dropped again with a trailing newline or a comment, or "corrected" under the same
 * NoticeId, is refused as DUPLICATE naming the first file, and the recipient gets it once.
 */
class BusinessKeyDuplicatesIT {

    @Provisioned(value = {TOKYO_PREF, SHINJUKU, OSAKA}, started = {SHINJUKU, OSAKA})
    static TestNetwork net;

    @Test
    void a_notice_dropped_again_with_other_bytes_or_corrected_under_its_notice_id_is_not_sent_again() throws Exception {
        String notice = new String(Notices.transferIn("KEY-1", SAMPLE_RESIDENT, SHINJUKU, OSAKA), StandardCharsets.UTF_8);
        net.drop(SHINJUKU, "transfer-in", "key-1.xml", notice.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == 1
                && net.files(SHINJUKU, "sent", "transfer-in").size() == 1);

        String newline = dropRejected(SHINJUKU, "transfer-in", "key-1-newline.xml", notice + "\n");
        String comment = dropRejected(SHINJUKU, "transfer-in", "key-1-comment.xml",
                notice.replace("<Name>", "<!-- sent again --><Name>"));
        String corrected = dropRejected(SHINJUKU, "transfer-in", "key-1-corrected.xml",
                notice.replace("住基 太郎", "住基 次郎"));

        for (String report : new String[] {newline, comment, corrected}) {
            assertThat(report).contains("DUPLICATE").contains("NoticeId KEY-1").contains("key-1.xml").contains("not sent again");
        }
        assertThat(corrected).contains("identified by NoticeId");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == 1);
    }

    @Test
    void a_transfer_out_confirmation_is_a_duplicate_by_resident_code_and_confirmation_time() throws Exception {
        String sample = Files.readString(Path.of("docs/samples/transfer-out-confirmation.xml"), StandardCharsets.UTF_8);
        net.drop(SHINJUKU, "transfer-out", "c-1.xml", sample.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(SHINJUKU, "sent", "transfer-out").size() == 1);

        String sameTime = dropRejected(SHINJUKU, "transfer-out", "c-1-other-address.xml",
                sample.replace("東京都文京区本郷七丁目3番1号", "東京都文京区本郷七丁目3番2号"));
        assertThat(sameTime).contains("DUPLICATE").contains("c-1.xml").contains("ResidentCode + ConfirmedAt");

        // a correction made later carries its own ConfirmedAt: it is one more confirmation, sent
        String correction = sample.replace("東京都文京区本郷七丁目3番1号", "東京都文京区本郷七丁目3番2号")
                .replace("2026-11-21T09:30:00+09:00", "2026-11-22T10:00:00+09:00");
        net.drop(SHINJUKU, "transfer-out", "c-1-correction.xml", correction.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(SHINJUKU, "sent", "transfer-out").size() == 2);
    }

    private static String dropRejected(String code, String flow, String file, String content) throws Exception {
        net.drop(code, flow, file, content.getBytes(StandardCharsets.UTF_8));
        return net.awaitRejected(code, flow, file);
    }
}
