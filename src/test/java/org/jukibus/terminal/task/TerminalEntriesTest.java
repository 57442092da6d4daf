package org.jukibus.terminal.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.jukibus.flow.ResidentCode;
import org.jukibus.flow.certificatecopy.CertificateCopyRequest;
import org.jukibus.flow.certificatecopy.ReceivedRequests.ReceivedRequest;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.XmlRejectedException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * What the terminal's forms become: the legacy input documents the drop folders take (valid against the same
 * schemas, with the operator last), and a refusal of the schema or a rule put back on the field it is about.
 */
class TerminalEntriesTest {

    static final String SELF = "131041";
    static final String HOLDER = ResidentCode.of("1234567890");
    static final String MEMBER = ResidentCode.of("1234567891");

    @Test
    void a_certificate_copy_request_form_is_the_request_a_legacy_system_drops_with_the_operator_last() throws Exception {
        LegacyEntry entry = CertificateCopyRequestEntry.entry(request(), SELF);

        String xml = new String(entry.document("clerk-7"), StandardCharsets.UTF_8);
        Document doc = valid("certificate-copy-request.xsd", entry.document("clerk-7"));
        org.w3c.dom.Node last = doc.getDocumentElement().getLastChild();
        while (!(last instanceof org.w3c.dom.Element)) {
            last = last.getPreviousSibling();
        }

        assertThat(entry.flow()).isEqualTo("certificate-copy-request");
        assertThat(entry.route()).isEqualTo(EntryRoute.SEND);
        assertThat(last.getLocalName()).isEqualTo("Operator");
        assertThat(xml).contains("IssuingMunicipality>131041<").contains("HomeMunicipality>271004<")
                .contains("Operator>clerk-7<").contains("Scope>household<").contains("HouseholdHeadAndRelationship>true<")
                .contains("Copies>2<");
    }

    @Test
    void a_blank_required_field_is_named_on_the_form() throws Exception {
        Map<String, String> form = request();
        form.put("name", "  ");

        LegacyEntry entry = CertificateCopyRequestEntry.entry(form, SELF);

        assertThat(refusalField(entry, "certificate-copy-request.xsd")).isEqualTo("name");
    }

    @Test
    void a_wrong_date_is_named_on_the_form() throws Exception {
        Map<String, String> form = request();
        form.put("birthDate", "1985-13-40");

        assertThat(refusalField(CertificateCopyRequestEntry.entry(form, SELF), "certificate-copy-request.xsd"))
                .isEqualTo("birthDate");
    }

    @Test
    void copies_that_are_not_a_number_are_refused_on_their_field() {
        Map<String, String> form = request();
        form.put("copies", "two");

        assertThatThrownBy(() -> CertificateCopyRequestEntry.entry(form, SELF)).isInstanceOfSatisfying(EntryRefusedException.class,
                e -> assertThat(e.field()).isEqualTo("copies"));
    }

    @Test
    void transfer_out_certificate_info_with_household_members_leaves_empty_rows_out() throws Exception {
        LegacyEntry entry = TransferOutCertificateEntry.entry(transferOut(), SELF);

        String xml = validXml("transfer-out-certificate.xsd", entry.document("clerk-7"));

        assertThat(entry.route()).isEqualTo(EntryRoute.HANDLE);
        assertThat(xml).contains("OldMunicipality>131041<").contains("Name>住基花子<").contains(MEMBER);
        assertThat(xml.split("HouseholdMember>", -1)).hasSize(3); // one member: its start and end tag
    }

    @Test
    void a_wrong_household_member_field_is_named_by_its_row() throws Exception {
        Map<String, String> form = transferOut();
        form.put("member2.residentCode", "12345");
        form.put("member2.name", "住基次郎");
        form.put("member2.birthDate", "2015-01-01");
        form.put("member2.sex", "1");
        form.put("member2.relationship", "子");

        assertThat(refusalField(TransferOutCertificateEntry.entry(form, SELF), "transfer-out-certificate.xsd"))
                .isEqualTo("member2.residentCode");
    }

    @Test
    void a_wrong_check_digit_as_the_intake_reports_it_is_named_by_its_row() throws Exception {
        Map<String, String> form = transferOut();
        String wrong = MEMBER.substring(0, 10) + ((MEMBER.charAt(10) - '0' + 1) % 10);
        form.put("member1.residentCode", wrong);
        LegacyEntry entry = TransferOutCertificateEntry.entry(form, SELF);
        Document doc = valid("transfer-out-certificate.xsd", entry.document("clerk-7"));

        String problem = ResidentCode.firstWrong(doc).orElseThrow().describe();

        assertThat(FieldLocator.locate(problem, entry.fields())).contains("member1.residentCode");
    }

    @Test
    void a_rule_naming_an_element_and_its_value_is_put_on_that_field() throws Exception {
        LegacyEntry entry = CertificateCopyRequestEntry.entry(request(), SELF);

        assertThat(FieldLocator.locate("HomeMunicipality 271004 is not in the node directory", entry.fields()))
                .contains("homeMunicipality");
        assertThat(FieldLocator.locate("the file is empty", entry.fields())).isEmpty();
    }

    @Test
    void a_rule_naming_several_elements_is_put_on_the_one_that_was_filled_in() throws Exception {
        Map<String, String> form = new HashMap<>(Map.of("answer", "certificate", "asOf", "2026-12-06", "address", "大阪府",
                "person1.name", "住基花子", "person1.relationship", "世帯主"));
        LegacyEntry entry = CertificateCopyAnswerEntry.entry(form, "271004", received());

        assertThat(FieldLocator.locate("request R-1 did not ask for the household head and relationship, but the reply"
                + " shows them (HouseholdHead / Relationship)", entry.fields())).contains("person1.relationship");
    }

    @Test
    void an_answer_with_the_certificate_answers_the_reviewed_request() throws Exception {
        Map<String, String> form = new HashMap<>(Map.of("answer", "certificate", "asOf", "2026-12-06",
                "address", "東京都新宿区歌舞伎町1-4-1", "person1.name", "住基花子", "person1.birthDate", "1985-04-01",
                "person1.sex", "2", "person1.becameResidentDate", "2010-04-01"));

        LegacyEntry entry = CertificateCopyAnswerEntry.entry(form, "271004", received());
        String xml = validXml("certificate-copy-reply.xsd", entry.document("clerk-8"));

        assertThat(entry.flow()).isEqualTo("certificate-copy-reply");
        assertThat(xml).contains("RequestId>R-1<").contains("HomeMunicipality>271004<")
                .contains("IssuingMunicipality>131041<").doesNotContain("Refusal");
        assertThat(xml.split("Person>", -1)).hasSize(3); // one person: its start and end tag
    }

    @Test
    void a_refusal_answers_with_its_reason() throws Exception {
        Map<String, String> form = Map.of("answer", "refusal", "reasonCode", "not-found", "reason", "該当する住民票がありません");

        String xml = validXml("certificate-copy-reply.xsd", CertificateCopyAnswerEntry.entry(form, "271004", received()).document("clerk-8"));

        assertThat(xml).contains("ReasonCode>not-found<").doesNotContain("<Certificate>");
    }

    @Test
    void identity_info_goes_to_the_prefecture_as_one_record_of_this_municipality() throws Exception {
        Map<String, String> form = Map.of("residentCode", HOLDER, "name", "住基太郎", "birthDate", "1980-01-01", "sex", "1",
                "address", "東京都新宿区西新宿2-8-1", "changeReason", "ADDRESS_CHANGE", "changeDate", "2026-12-01");

        LegacyEntry entry = IdentityInfoEntry.entry(form, SELF, "13");
        String xml = validXml("identity-update.xsd", entry.document("clerk-7"));

        assertThat(entry.route()).isEqualTo(EntryRoute.SEND_PARTS);
        assertThat(xml).contains("Sender>131041<").contains("Recipient>13<").contains("Municipality>131041<")
                .contains("ChangeReason>ADDRESS_CHANGE<");
    }

    @Test
    void a_change_reason_not_in_the_schema_is_refused_on_its_field() {
        Map<String, String> form = Map.of("changeReason", "MOVED");

        assertThatThrownBy(() -> IdentityInfoEntry.entry(form, SELF, "13")).isInstanceOfSatisfying(EntryRefusedException.class,
                e -> assertThat(e.field()).isEqualTo("changeReason"));
    }

    // --- helpers ---

    /** The form field the schema's refusal of the entry names (as the intake would refuse the same document). */
    private static String refusalField(LegacyEntry entry, String schema) throws Exception {
        Document doc = SecureXml.parse(entry.document("clerk-7"));
        try {
            Schemas.validate(schema, doc);
        } catch (XmlRejectedException e) {
            return FieldLocator.locate(e.getMessage(), entry.fields()).orElse(null);
        }
        throw new AssertionError("the entry is valid");
    }

    private static Document valid(String schema, byte[] document) throws Exception {
        Document doc = SecureXml.parse(document);
        Schemas.validate(schema, doc);
        return doc;
    }

    private static String validXml(String schema, byte[] document) throws Exception {
        valid(schema, document);
        return new String(document, StandardCharsets.UTF_8);
    }

    private static ReceivedRequest received() {
        return new ReceivedRequest("m-1", "R-1", SELF, Instant.parse("2026-12-06T01:00:00Z"),
                new CertificateCopyRequest.CopyItems("requester", false, false), null, null);
    }

    static Map<String, String> request() {
        return new HashMap<>(Map.ofEntries(Map.entry("requestId", "R-2026-001"), Map.entry("requestDate", "2026-12-06"),
                Map.entry("homeMunicipality", "271004"), Map.entry("name", "住基花子"), Map.entry("nameKana", "ジュウキハナコ"),
                Map.entry("birthDate", "1985-04-01"), Map.entry("sex", "2"), Map.entry("address", "大阪府大阪市北区中之島1-3-20"),
                Map.entry("identityCheck", "resident-card"), Map.entry("scope", "household"),
                Map.entry("householdHeadAndRelationship", "on"), Map.entry("copies", "2")));
    }

    static Map<String, String> transferOut() {
        return new HashMap<>(Map.ofEntries(Map.entry("registrationId", "T-001"), Map.entry("residentCode", HOLDER),
                Map.entry("name", "住基花子"), Map.entry("birthDate", "1985-04-01"), Map.entry("sex", "2"),
                Map.entry("address", "東京都新宿区歌舞伎町1-4-1"), Map.entry("householdHead", "住基花子"),
                Map.entry("relationship", "世帯主"), Map.entry("plannedTransferOutDate", "2026-12-20"),
                Map.entry("newAddress", "大阪府大阪市北区中之島1-3-20"), Map.entry("cardNumber", "0000111122223333"),
                Map.entry("plannedNewMunicipality", "271004"), Map.entry("member1.residentCode", MEMBER),
                Map.entry("member1.name", "住基一郎"), Map.entry("member1.birthDate", "2012-05-05"), Map.entry("member1.sex", "1"),
                Map.entry("member1.relationship", "子"), Map.entry("member3.name", " ")));
    }
}
