package org.jukibus.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.jukibus.flow.ResidentCode;

/** Transfer-in notices of a realistic size (about 2 KB: long Japanese addresses, household head). */
final class Notices {

    /** Every notice of a benchmark run is different: the intake refuses a second file with the same content. */
    private static final AtomicInteger SERIAL = new AtomicInteger(1);

    private Notices() {
    }

    static byte[] next(String sender, String recipient) {
        return notice(SERIAL.getAndIncrement(), sender, recipient);
    }

    static byte[] notice(int serial, String sender, String recipient) {
        String resident = ResidentCode.of(1_000_000_000L + serial);
        return ("""
                <?xml version="1.0" encoding="UTF-8"?>
                <TransferInNotice xmlns="urn:jukibus:transfer-in:1">
                  <NoticeId>BENCH-%s-%08d</NoticeId>
                  <ResidentCode>%s</ResidentCode>
                  <Name>住基 花子</Name>
                  <NameKana>ジュウキ ハナコ</NameKana>
                  <BirthDate>1985-04-01</BirthDate>
                  <Sex>2</Sex>
                  <NewAddress>東京都新宿区西新宿二丁目8番1号 新宿住基レジデンス北棟二十三階二千三百十二号室(管理組合気付、郵便物は一階集合郵便受け二三一二番へ。宅配便は地下一階の宅配ボックス又は管理事務所にて受取り、平日午前九時から午後五時まで対応。来訪者は正面玄関のインターホンで部屋番号を呼出し)</NewAddress>
                  <TransferInDate>2026-11-20</TransferInDate>
                  <PreviousAddress>大阪府大阪市北区中之島一丁目3番20号 中之島リバーサイド住基マンション東館十五階千五百八号室(旧住所、転出届出済み、転出証明書交付済み。郵便物の転送届は日本郵便に提出済み、転送期間は一年間。旧住所の管理会社へは退去届を提出し鍵を返却済み、敷金精算は新住所宛に郵送予定)</PreviousAddress>
                  <NewMunicipality>%s</NewMunicipality>
                  <OldMunicipality>%s</OldMunicipality>
                  <HouseholdHead>住基 太郎兵衛之介右衛門</HouseholdHead>
                  <Relationship>妻</Relationship>
                </TransferInNotice>
                """.formatted(sender, serial, resident, sender, recipient)).getBytes(StandardCharsets.UTF_8);
    }
}
