package org.jukibus.it;

import java.nio.charset.StandardCharsets;

/** Transfer-in notices as a legacy system writes them (schemas/transfer-in-notice.xsd). */
final class Notices {

    private Notices() {
    }

    /** A notice the new municipality ({@code sender}) sends to the old one ({@code recipient}). */
    static byte[] transferIn(String noticeId, String residentCode, String sender, String recipient) {
        return ("""
                <?xml version="1.0" encoding="UTF-8"?>
                <TransferInNotice xmlns="urn:jukibus:transfer-in:1">
                  <NoticeId>%s</NoticeId>
                  <ResidentCode>%s</ResidentCode>
                  <Name>住基 太郎</Name>
                  <NameKana>ジュウキ タロウ</NameKana>
                  <BirthDate>1980-01-15</BirthDate>
                  <Sex>1</Sex>
                  <NewAddress>新住所 一丁目1番1号</NewAddress>
                  <TransferInDate>2026-11-20</TransferInDate>
                  <PreviousAddress>旧住所 二丁目2番2号</PreviousAddress>
                  <NewMunicipality>%s</NewMunicipality>
                  <OldMunicipality>%s</OldMunicipality>
                </TransferInNotice>
                """.formatted(noticeId, residentCode, sender, recipient)).getBytes(StandardCharsets.UTF_8);
    }
}
