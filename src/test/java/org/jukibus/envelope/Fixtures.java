package org.jukibus.envelope;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;

/** Shared test data. */
final class Fixtures {
    static final String SENDER = "131041";    // Shinjuku, new municipality
    static final String RECIPIENT = "011002"; // Sapporo, old municipality
    static final String THIRD = "272051";

    static final String RESIDENT_CODE = "12345678903";
    static final String NAME = "山田太郎";

    private Fixtures() {
    }

    static String notice(String residentCode) {
        return """
                <TransferInNotice xmlns="urn:jukibus:transfer-in:1">\
                <NoticeId>TI-2026-000123</NoticeId>\
                <ResidentCode>%s</ResidentCode>\
                <Name>%s</Name>\
                <NameKana>ヤマダ　タロウ</NameKana>\
                <BirthDate>1980-04-01</BirthDate>\
                <Sex>1</Sex>\
                <NewAddress>東京都新宿区歌舞伎町一丁目4番1号</NewAddress>\
                <TransferInDate>2026-04-01</TransferInDate>\
                <PreviousAddress>北海道札幌市中央区北1条西2丁目</PreviousAddress>\
                <NewMunicipality>131041</NewMunicipality>\
                <OldMunicipality>011002</OldMunicipality>\
                <HouseholdHead>山田太郎</HouseholdHead>\
                <Relationship>世帯主</Relationship>\
                </TransferInNotice>""".formatted(residentCode, NAME);
    }

    static Document noticeDoc() throws Exception {
        return SecureXml.parse(notice(RESIDENT_CODE).getBytes(StandardCharsets.UTF_8));
    }

    static Document doc(String xml) throws Exception {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    static EnvelopeHeader header(Instant createdAt) {
        return new EnvelopeHeader(UUID.randomUUID().toString(), "TransferInNotice", SENDER, RECIPIENT,
                createdAt.truncatedTo(ChronoUnit.MILLIS), null);
    }
}
