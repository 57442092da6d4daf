package org.jukibus.flow.certificatecopy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/**
 * The printable document the issuing municipality's counter prints (第6の4(3)): for a certificate, the
 * copy of the residence record with a blank certification (認証文) for the clerk; for a refusal, a notice
 * giving the home municipality's reason. One self-contained HTML file, UTF-8, {@code lang="ja"}, laid
 * out for A4; it names common Japanese fonts and falls back to the printer's own, so nothing is fetched.
 * Every value from the reply is escaped.
 */
public final class PrintableCopy {

    /** Dates on the counter's documents are Japanese local dates. */
    static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu年M月d日 H時mm分").withZone(JAPAN);

    /**
     * What the document says about the request besides the reply itself.
     *
     * @param sentAt     when the request left this node
     * @param answeredAt when the home municipality sent the reply (its envelope's created-at: the same on a redelivery)
     * @param names      a municipality's name by its code (from the directory), or null
     */
    public record Context(Instant sentAt, Instant answeredAt, Function<String, String> names) {
    }

    private PrintableCopy() {
    }

    public static byte[] render(CertificateCopyReply reply, Context context) {
        StringBuilder html = new StringBuilder(8192);
        boolean refused = reply.certificate() == null;
        String title = refused ? "住民票の写しの交付の特例に係る回答(交付できない旨の通知)" : "住民票の写し";
        html.append("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"UTF-8\">\n")
                .append("<title>").append(esc(title)).append(" — 請求番号 ").append(esc(reply.requestId())).append("</title>\n")
                .append(STYLE)
                .append("</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        if (!refused) {
            html.append("<p class=\"basis\">住民基本台帳法第12条の4の規定による交付(広域交付)</p>\n");
        }
        request(html, reply, context);
        if (refused) {
            refusal(html, reply.refusal());
        } else {
            certificate(html, reply.certificate());
            certification(html, reply, context);
        }
        html.append("</body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void request(StringBuilder html, CertificateCopyReply reply, Context context) {
        html.append("<table class=\"request\">\n");
        row(html, "請求番号", reply.requestId());
        row(html, "交付地市町村", municipality(reply.issuingMunicipality(), context));
        row(html, "住所地市町村", municipality(reply.homeMunicipality(), context));
        row(html, "請求の通知日時", DATE_TIME.format(context.sentAt()));
        row(html, "回答の日時", DATE_TIME.format(context.answeredAt()));
        html.append("</table>\n");
    }

    private static void certificate(StringBuilder html, CertificateCopyReply.Certificate c) {
        html.append("<table class=\"record\">\n");
        row(html, "住所", c.address());
        if (c.householdHead() != null) {
            row(html, "世帯主", c.householdHead());
        }
        row(html, "記載事項の基準日", date(c.asOf()));
        html.append("</table>\n");
        for (CertificateCopyReply.Person p : c.persons()) {
            html.append("<table class=\"person\">\n");
            row(html, "氏名", p.name());
            if (p.nameKana() != null) {
                row(html, "フリガナ", p.nameKana());
            }
            row(html, "生年月日", date(p.birthDate()));
            row(html, "性別", sex(p.sex()));
            if (p.relationship() != null) {
                row(html, "続柄", p.relationship());
            }
            row(html, "住民となった年月日", date(p.becameResidentDate()));
            if (p.addressSetDate() != null) {
                row(html, "住所を定めた年月日", date(p.addressSetDate()));
            }
            if (p.notificationDate() != null) {
                row(html, "届出の年月日", date(p.notificationDate()));
            }
            if (p.previousAddress() != null) {
                row(html, "従前の住所", p.previousAddress());
            }
            if (p.residentCode() != null) {
                row(html, "住民票コード", p.residentCode());
            }
            html.append("</table>\n");
        }
        html.append("<p class=\"note\">本籍・筆頭者は広域交付の住民票の写しには記載されません。</p>\n");
    }

    private static void certification(StringBuilder html, CertificateCopyReply reply, Context context) {
        html.append("<div class=\"certification\">\n<p>この写しは、")
                .append(esc(municipality(reply.homeMunicipality(), context)))
                .append("の住民票の原本と相違ないことを証明する。</p>\n")
                .append("<p class=\"line\">年　　　月　　　日</p>\n")
                .append("<p class=\"line\">")
                .append(esc(name(reply.issuingMunicipality(), context)))
                .append("長　<span class=\"blank\"></span>　印</p>\n")
                .append("<p class=\"line\">認証者(職員)　<span class=\"blank\"></span></p>\n</div>\n");
    }

    private static void refusal(StringBuilder html, CertificateCopyReply.Refusal r) {
        html.append("<p>住所地市町村から、次の理由により住民票の写しの情報は通知されませんでした。"
                + "住民票の写しは交付できません。</p>\n<table class=\"refusal\">\n");
        row(html, "理由の区分", switch (r.reasonCode()) {
            case "not-found" -> "該当する住民票がない";
            case "mismatch" -> "請求の内容が住民票の記載と一致しない";
            case "restricted" -> "交付が制限されている";
            default -> "その他";
        });
        row(html, "理由", r.reason());
        html.append("</table>\n");
    }

    private static void row(StringBuilder html, String label, String value) {
        html.append("<tr><th>").append(esc(label)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String municipality(String code, Context context) {
        String name = context.names().apply(code);
        return name == null ? code : name + "(" + code + ")";
    }

    private static String name(String code, Context context) {
        String name = context.names().apply(code);
        return name == null ? code : name;
    }

    static String date(String iso) {
        LocalDate d = LocalDate.parse(iso);
        return d.getYear() + "年" + d.getMonthValue() + "月" + d.getDayOfMonth() + "日";
    }

    private static String sex(String code) {
        return switch (code) {
            case "1" -> "男";
            case "2" -> "女";
            default -> "不明";
        };
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String STYLE = """
            <style>
            @page { size: A4 portrait; margin: 18mm 16mm; }
            html { font-family: "Noto Serif CJK JP", "Noto Sans CJK JP", "IPAexMincho", "IPAMincho", "IPAexGothic",
                   "IPAGothic", "Hiragino Mincho ProN", "Yu Mincho", "YuMincho", "MS Mincho", "Meiryo", serif;
                   font-size: 10.5pt; line-height: 1.5; color: #000; background: #fff; }
            body { margin: 0 auto; max-width: 178mm; }
            h1 { font-size: 18pt; text-align: center; letter-spacing: 0.5em; margin: 0 0 4mm; }
            .basis, .note { font-size: 9pt; text-align: center; margin: 0 0 4mm; }
            table { width: 100%; border-collapse: collapse; margin: 0 0 4mm; page-break-inside: avoid; break-inside: avoid; }
            th, td { border: 0.3mm solid #000; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
            th { width: 36mm; font-weight: normal; background: #f2f2f2; }
            .request th, .request td { font-size: 9pt; }
            .certification { margin-top: 10mm; page-break-inside: avoid; break-inside: avoid; }
            .certification .line { text-align: right; margin: 3mm 0; }
            .blank { display: inline-block; width: 45mm; border-bottom: 0.3mm solid #000; }
            @media print { th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
            </style>
            """;
}
