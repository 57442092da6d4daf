package org.jukibus.it;

import java.nio.charset.StandardCharsets;

/** The special transfer's legacy inputs (第6の5) as a legacy system writes them (schemas/*.xsd). */
final class SpecialTransferFiles {

    private SpecialTransferFiles() {
    }

    static byte[] residentCard(String municipality, String residentCode, String cardNumber, String status, String date) {
        return utf8("""
                <?xml version="1.0" encoding="UTF-8"?>
                <ResidentCard xmlns="urn:jukibus:resident-card:1">
                  <Municipality>%s</Municipality>
                  <ResidentCode>%s</ResidentCode>
                  <CardNumber>%s</CardNumber>
                  <Status>%s</Status>
                  <StatusDate>%s</StatusDate>
                </ResidentCard>
                """.formatted(municipality, residentCode, cardNumber, status, date));
    }

    static byte[] cardCheck(String checkId, String municipality, String residentCode) {
        return utf8("""
                <?xml version="1.0" encoding="UTF-8"?>
                <CardCheckRequest xmlns="urn:jukibus:card-check:1">
                  <CheckId>%s</CheckId>
                  <Municipality>%s</Municipality>
                  <ResidentCode>%s</ResidentCode>
                </CardCheckRequest>
                """.formatted(checkId, municipality, residentCode));
    }

    /** Certificate info of a resident born 1975-06-15, moving from {@code oldMunicipality} to {@code newAddress}. */
    static byte[] certificate(String registrationId, String residentCode, String name, String newAddress,
                              String oldMunicipality, String plannedNewMunicipality) {
        return utf8("""
                <?xml version="1.0" encoding="UTF-8"?>
                <TransferOutCertificate xmlns="urn:jukibus:transfer-out-certificate:1">
                  <RegistrationId>%s</RegistrationId>
                  <ResidentCode>%s</ResidentCode>
                  <Name>%s</Name>
                  <NameKana>ジュウキ イチロウ</NameKana>
                  <BirthDate>1975-06-15</BirthDate>
                  <Sex>1</Sex>
                  <Address>東京都新宿区西新宿二丁目8番1号</Address>
                  <HouseholdHead>%s</HouseholdHead>
                  <Relationship>世帯主</Relationship>
                  <PlannedTransferOutDate>2026-11-30</PlannedTransferOutDate>
                  <NewAddress>%s</NewAddress>
                  <CardNumber>JK%s</CardNumber>
                  <OldMunicipality>%s</OldMunicipality>
                  <PlannedNewMunicipality>%s</PlannedNewMunicipality>
                </TransferOutCertificate>
                """.formatted(registrationId, residentCode, name, name, newAddress, residentCode.substring(3),
                oldMunicipality, plannedNewMunicipality));
    }

    static byte[] firstTransferIn(String noticeId, String residentCode, String name, String birthDate,
                                  String newMunicipality, String oldMunicipality) {
        return utf8("""
                <?xml version="1.0" encoding="UTF-8"?>
                <FirstTransferInNotice xmlns="urn:jukibus:first-transfer-in:1">
                  <NoticeId>%s</NoticeId>
                  <ResidentCode>%s</ResidentCode>
                  <Name>%s</Name>
                  <BirthDate>%s</BirthDate>
                  <TransferInDate>2026-12-01</TransferInDate>
                  <NewMunicipality>%s</NewMunicipality>
                  <OldMunicipality>%s</OldMunicipality>
                </FirstTransferInNotice>
                """.formatted(noticeId, residentCode, name, birthDate, newMunicipality, oldMunicipality));
    }

    /** A transfer-out certificate registration, or a first transfer-in notice, with household members (世帯員) and more. */
    static byte[] with(byte[] file, String rootElement, String elements) {
        String xml = new String(file, StandardCharsets.UTF_8);
        return utf8(xml.replace("</" + rootElement + ">", elements + "</" + rootElement + ">"));
    }

    /** A registered household member born 2005-04-01 (schemas/transfer-out-certificate.xsd, HouseholdMember). */
    static String registeredMember(String residentCode, String name, String relationship) {
        return "<HouseholdMember><ResidentCode>%s</ResidentCode><Name>%s</Name><BirthDate>2005-04-01</BirthDate><Sex>2</Sex>"
                .formatted(residentCode, name) + "<Relationship>%s</Relationship></HouseholdMember>".formatted(relationship);
    }

    /** A household member asked for in a first transfer-in notice (schemas/first-transfer-in-notice.xsd). */
    static String askedMember(String residentCode, String name, String relationship) {
        return "<HouseholdMember><ResidentCode>%s</ResidentCode><Name>%s</Name><Relationship>%s</Relationship></HouseholdMember>"
                .formatted(residentCode, name, relationship);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
