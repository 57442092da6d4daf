package org.jukibus.flow.certificatecopy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The printable document for the counter: Japanese, UTF-8, A4, every value escaped. */
class PrintableCopyTest {

    static final PrintableCopy.Context CONTEXT = new PrintableCopy.Context(Instant.parse("2026-11-25T01:00:00Z"),
            Instant.parse("2026-11-25T01:12:00Z"), Map.of("131041", "新宿区", "271004", "大阪市")::get);

    @Test
    void a_certificate_shows_the_record_the_parties_and_a_line_for_the_certification() {
        String html = render(CertificateCopyModelsTest.CERTIFICATE);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<html lang=\"ja\">").contains("<meta charset=\"UTF-8\">")
                .contains("@page { size: A4").contains("Noto Serif CJK JP").contains("serif;");
        assertThat(html).contains("<h1>住民票の写し</h1>").contains("住基 花子").contains("ジュウキ ハナコ").contains("妻")
                .contains("1985年4月1日").contains("女").contains("住民票コード").contains("12345678903")
                .contains("新宿区(131041)").contains("大阪市(271004)").contains("R-1")
                .contains("2026年11月25日 10時00分") // sent at, Japan time
                .contains("大阪市(271004)の住民票の原本と相違ないことを証明する").contains("新宿区長");
        assertThat(html).doesNotContain("本籍:");
    }

    @Test
    void a_refusal_is_a_notice_with_the_reason() {
        String html = render(CertificateCopyModelsTest.REFUSAL);

        assertThat(html).contains("交付できない旨の通知").contains("交付が制限されている").contains("支援措置の対象のため交付できません")
                .doesNotContain("相違ないことを証明する");
    }

    @Test
    void values_from_the_reply_are_escaped() {
        CertificateCopyReply hostile = new CertificateCopyReply("R-3", "271004", "131041",
                new CertificateCopyReply.Certificate("2026-11-25", "<script>alert(1)</script>", null, List.of(
                        new CertificateCopyReply.Person("A&B \"C\" 'D'", null, "1980-01-15", "9", null, "2010-04-01", null, null, null, null))),
                null);

        String html = render(hostile);

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("A&amp;B &quot;C&quot; &#39;D&#39;").contains("不明");
    }

    @Test
    void a_municipality_missing_from_the_directory_is_shown_by_its_code() {
        String html = new String(PrintableCopy.render(CertificateCopyModelsTest.REFUSAL,
                new PrintableCopy.Context(CONTEXT.sentAt(), CONTEXT.answeredAt(), code -> null)), StandardCharsets.UTF_8);

        assertThat(html).contains("<td>271004</td>").contains("<td>131041</td>");
    }

    private static String render(CertificateCopyReply reply) {
        return new String(PrintableCopy.render(reply, CONTEXT), StandardCharsets.UTF_8);
    }
}
