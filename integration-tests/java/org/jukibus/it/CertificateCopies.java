package org.jukibus.it;

import java.nio.charset.StandardCharsets;

/**
 * Certificate copy requests and replies as legacy systems write them
 * ({@code schemas/certificate-copy-request.xsd}, {@code schemas/certificate-copy-reply.xsd}).
 */
final class CertificateCopies {

    static final String REQUESTER = "住基 花子";
    static final String HOUSEHOLD_HEAD = "住基 一郎";

    private CertificateCopies() {
    }

    /** A request for the whole household with head and relationship, without resident codes. */
    static byte[] request(String requestId, String issuing, String home) {
        return request(requestId, issuing, home, "2026-11-25");
    }

    /** The same request taken on another day: another file, another message, the same request id. */
    static byte[] request(String requestId, String issuing, String home, String requestDate) {
        return ("""
                <?xml version="1.0" encoding="UTF-8"?>
                <CertificateCopyRequest xmlns="urn:jukibus:certificate-copy-request:1">
                  <RequestId>%s</RequestId>
                  <RequestDate>%s</RequestDate>
                  <IssuingMunicipality>%s</IssuingMunicipality>
                  <HomeMunicipality>%s</HomeMunicipality>
                  <Requester>
                    <Name>%s</Name>
                    <NameKana>ジュウキ ハナコ</NameKana>
                    <BirthDate>1985-04-01</BirthDate>
                    <Sex>2</Sex>
                    <Address>大阪府大阪市北区中之島一丁目3番20号</Address>
                  </Requester>
                  <IdentityCheck>resident-card</IdentityCheck>
                  <CopyItems>
                    <Scope>household</Scope>
                    <HouseholdHeadAndRelationship>true</HouseholdHeadAndRelationship>
                    <ResidentCode>false</ResidentCode>
                  </CopyItems>
                </CertificateCopyRequest>
                """.formatted(requestId, requestDate, issuing, home, REQUESTER)).getBytes(StandardCharsets.UTF_8);
    }

    /** The household's record: head and requester, with relationships; {@code residentCodes} adds their codes. */
    static byte[] certificate(String requestId, String home, String issuing, boolean residentCodes) {
        String head = residentCodes ? "<ResidentCode>10987654320</ResidentCode>" : "";
        String requester = residentCodes ? "<ResidentCode>12345678903</ResidentCode>" : "";
        return reply(requestId, home, issuing, """
                  <Certificate>
                    <AsOf>2026-11-25</AsOf>
                    <Address>大阪府大阪市北区中之島一丁目3番20号</Address>
                    <HouseholdHead>%s</HouseholdHead>
                    <Person>
                      <Name>%s</Name>
                      <BirthDate>1980-01-15</BirthDate>
                      <Sex>1</Sex>
                      <Relationship>世帯主</Relationship>
                      <BecameResidentDate>2010-04-01</BecameResidentDate>
                      %s
                    </Person>
                    <Person>
                      <Name>%s</Name>
                      <NameKana>ジュウキ ハナコ</NameKana>
                      <BirthDate>1985-04-01</BirthDate>
                      <Sex>2</Sex>
                      <Relationship>妻</Relationship>
                      <BecameResidentDate>2010-04-01</BecameResidentDate>
                      <AddressSetDate>2015-10-01</AddressSetDate>
                      %s
                    </Person>
                  </Certificate>
                """.formatted(HOUSEHOLD_HEAD, HOUSEHOLD_HEAD, head, REQUESTER, requester));
    }

    static byte[] refusal(String requestId, String home, String issuing, String reason) {
        return reply(requestId, home, issuing, """
                  <Refusal>
                    <ReasonCode>not-found</ReasonCode>
                    <Reason>%s</Reason>
                  </Refusal>
                """.formatted(reason));
    }

    private static byte[] reply(String requestId, String home, String issuing, String body) {
        return ("""
                <?xml version="1.0" encoding="UTF-8"?>
                <CertificateCopyReply xmlns="urn:jukibus:certificate-copy-reply:1">
                  <RequestId>%s</RequestId>
                  <HomeMunicipality>%s</HomeMunicipality>
                  <IssuingMunicipality>%s</IssuingMunicipality>
                %s</CertificateCopyReply>
                """.formatted(requestId, home, issuing, body)).getBytes(StandardCharsets.UTF_8);
    }
}
