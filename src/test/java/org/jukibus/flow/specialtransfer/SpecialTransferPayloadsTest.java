package org.jukibus.flow.specialtransfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jukibus.envelope.PayloadTypes;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Certificate;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Status;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The special transfer's Jackson models, its XSDs and the documented samples describe the same documents. */
class SpecialTransferPayloadsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "resident-card.xml,            ResidentCard",
            "card-check-request.xml,       CardCheckRequest",
            "transfer-out-certificate.xml, TransferOutCertificate",
            "first-transfer-in-notice.xml, FirstTransferInNotice",
    })
    void every_documented_sample_is_valid_and_reads_into_its_model(String sample, String type) throws Exception {
        Document doc = SecureXml.parse(Files.readAllBytes(Path.of("docs/samples", sample)));
        String schema = PayloadTypes.defaults().schemaFor(type).orElseThrow();

        Schemas.validate(schema, doc);

        Class<?> model = Class.forName(getClass().getPackageName() + "." + type);
        Object read = Payloads.read(doc, model);
        assertThat(Payloads.read(Payloads.document(read), model)).isEqualTo(read);
    }

    @Test
    void the_samples_tell_one_story_that_ends_in_a_found_answer() throws Exception {
        TransferOutCertificate registered = read("transfer-out-certificate.xml", TransferOutCertificate.class);
        FirstTransferInNotice notice = read("first-transfer-in-notice.xml", FirstTransferInNotice.class);
        ResidentCard card = read("resident-card.xml", ResidentCard.class);

        assertThat(IdentityMatch.mismatches(registered, notice)).isEmpty();
        assertThat(notice.oldMunicipality()).isEqualTo(registered.oldMunicipality()).isEqualTo(card.municipality());
        assertThat(registered.cardNumber()).isEqualTo(card.cardNumber());
        assertThat(card.status()).isEqualTo(CardStatus.ISSUED);
        assertThat(notice.collectedCardNumber()).isEqualTo(card.cardNumber());
        assertThat(HouseholdMembers.answer(registered, notice.householdMembers())).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(TransferOutCertificateInfo.MemberStatus.FOUND));
    }

    /** 第6の5(1)(5): exactly the members asked for; an unknown one NOT_REGISTERED, without personal data; schema-valid. */
    @Test
    void an_answer_covers_exactly_the_household_members_asked_for() throws Exception {
        TransferOutCertificate registered = read("transfer-out-certificate.xml", TransferOutCertificate.class);
        List<FirstTransferInNotice.Member> asked = List.of(new FirstTransferInNotice.Member("23456789030", "住基 三郎", "子"),
                new FirstTransferInNotice.Member("23456789021", "住基　花子", "子"));

        List<TransferOutCertificateInfo.Member> members = HouseholdMembers.answer(registered, asked);
        TransferOutCertificateInfo info = new TransferOutCertificateInfo("OSK-4", registered.residentCode(), "131041", "271004",
                Status.FOUND, "2026-12-01T00:00:01Z", null, Certificate.of(registered, "2026-11-25T09:00:00Z"), members);
        byte[] xml = Payloads.bytes(info);

        assertThat(members).extracting(TransferOutCertificateInfo.Member::residentCode).containsExactly("23456789030", "23456789021");
        assertThat(members).extracting(TransferOutCertificateInfo.Member::status).containsExactly(
                TransferOutCertificateInfo.MemberStatus.NOT_REGISTERED, TransferOutCertificateInfo.MemberStatus.FOUND);
        assertThat(members.get(0).name()).isNull();
        assertThat(members.get(1).name()).isEqualTo("住基 花子");
        assertValid("transfer-out-certificate-info.xsd", xml);
        assertThat(Payloads.read(xml, TransferOutCertificateInfo.class)).isEqualTo(info);
        assertThat(HouseholdMembers.answer(null, asked)).extracting(TransferOutCertificateInfo.Member::status)
                .as("the holder not found: nothing about the household").containsOnly(TransferOutCertificateInfo.MemberStatus.WITHHELD);
    }

    @Test
    void a_found_answer_carries_the_certificate_and_is_valid() throws Exception {
        TransferOutCertificate registered = read("transfer-out-certificate.xml", TransferOutCertificate.class);
        TransferOutCertificateInfo info = new TransferOutCertificateInfo("OSK-1", registered.residentCode(), "131041", "271004",
                Status.FOUND, "2026-12-01T00:00:01.234Z", List.of(), Certificate.of(registered, "2026-11-25T09:00:00Z"), null);

        byte[] xml = Payloads.bytes(info);

        assertValid("transfer-out-certificate-info.xsd", xml);
        assertThat(new String(xml, StandardCharsets.UTF_8)).contains("住基 一郎").contains("JK00012345")
                .doesNotContain("MismatchedItem");
        assertThat(Payloads.read(xml, TransferOutCertificateInfo.class)).isEqualTo(info);
    }

    @Test
    void a_mismatch_answer_names_the_items_and_carries_no_personal_data() throws Exception {
        TransferOutCertificateInfo info = new TransferOutCertificateInfo("OSK-2", "23456789013", "131041", "271004",
                Status.MISMATCH, "2026-12-01T00:00:01Z", List.of("Name", "BirthDate"), null, null);

        byte[] xml = Payloads.bytes(info);

        assertValid("transfer-out-certificate-info.xsd", xml);
        assertThat(new String(xml, StandardCharsets.UTF_8)).doesNotContain("<Certificate>");
        assertThat(Payloads.read(xml, TransferOutCertificateInfo.class).mismatchedItems()).containsExactly("Name", "BirthDate");
    }

    @Test
    void a_not_registered_answer_is_valid() throws Exception {
        TransferOutCertificateInfo info = new TransferOutCertificateInfo("OSK-3", "23456789013", "131041", "271004",
                Status.NOT_REGISTERED, "2026-12-01T00:00:01Z", null, null, null);

        byte[] xml = Payloads.bytes(info);

        assertValid("transfer-out-certificate-info.xsd", xml);
        assertThat(Payloads.read(xml, TransferOutCertificateInfo.class)).isEqualTo(info);
    }

    @Test
    void an_answer_outside_the_schema_is_refused() {
        byte[] xml = """
                <TransferOutCertificateInfo xmlns="urn:jukibus:transfer-out-certificate-info:1">
                  <NoticeId>OSK-3</NoticeId><ResidentCode>23456789013</ResidentCode>
                  <OldMunicipality>131041</OldMunicipality><NewMunicipality>271004</NewMunicipality>
                  <Status>MAYBE</Status><AnsweredAt>2026-12-01T00:00:01</AnsweredAt>
                </TransferOutCertificateInfo>""".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Schemas.validate("transfer-out-certificate-info.xsd", SecureXml.parse(xml)))
                .isInstanceOf(XmlRejectedException.class).hasMessageContaining("Status");
    }

    static void assertValid(String schema, byte[] xml) {
        assertThatCode(() -> Schemas.validate(schema, SecureXml.parse(xml))).doesNotThrowAnyException();
    }

    static <T> T read(String sample, Class<T> model) throws Exception {
        return Payloads.read(SecureXml.parse(Files.readAllBytes(Path.of("docs/samples", sample))), model);
    }
}
