package org.jukibus.flow.certificatecopy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jukibus.flow.Payloads;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** The request and reply models and their XSDs describe the same documents, in both directions. */
class CertificateCopyModelsTest {

    private final XmlMapper xml = new XmlMapper();

    static final CertificateCopyRequest REQUEST = new CertificateCopyRequest("R-1", "2026-11-25", "131041", "271004",
            new CertificateCopyRequest.Requester("住基 花子", "ジュウキ ハナコ", "1985-04-01", "2", "大阪府大阪市北区中之島一丁目3番20号", "12345678903"),
            "document", new CertificateCopyRequest.CopyItems("household", true, true), 2);

    static final CertificateCopyReply CERTIFICATE = new CertificateCopyReply("R-1", "271004", "131041",
            new CertificateCopyReply.Certificate("2026-11-25", "大阪府大阪市北区中之島一丁目3番20号", "住基 一郎", List.of(
                    new CertificateCopyReply.Person("住基 一郎", null, "1980-01-15", "1", "世帯主", "2010-04-01", null, null, null, "10987654320"),
                    new CertificateCopyReply.Person("住基 花子", "ジュウキ ハナコ", "1985-04-01", "2", "妻", "2010-04-01",
                            "2015-10-01", "2015-10-05", "大阪府大阪市中央区大手前二丁目1番22号", "12345678903"))),
            null);

    static final CertificateCopyReply REFUSAL = new CertificateCopyReply("R-2", "271004", "131041", null,
            new CertificateCopyReply.Refusal("restricted", "支援措置の対象のため交付できません"));

    @Test
    void a_request_written_from_the_model_is_valid_and_reads_back() throws Exception {
        byte[] written = xml.writeValueAsBytes(REQUEST);

        assertThatCode(() -> Schemas.validate("certificate-copy-request.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(xml.readValue(written, CertificateCopyRequest.class)).isEqualTo(REQUEST);
    }

    @Test
    void a_certificate_and_a_refusal_written_from_the_model_are_valid_and_read_back() throws Exception {
        for (CertificateCopyReply reply : List.of(CERTIFICATE, REFUSAL)) {
            byte[] written = xml.writeValueAsBytes(reply);

            assertThatCode(() -> Schemas.validate("certificate-copy-reply.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
            assertThat(xml.readValue(written, CertificateCopyReply.class)).isEqualTo(reply);
        }
    }

    @Test
    void the_documented_samples_are_valid_and_read_into_the_models() throws Exception {
        byte[] request = Files.readAllBytes(Path.of("docs/samples/certificate-copy-request.xml"));
        byte[] reply = Files.readAllBytes(Path.of("docs/samples/certificate-copy-reply.xml"));
        Schemas.validate("certificate-copy-request.xsd", SecureXml.parse(request));
        Schemas.validate("certificate-copy-reply.xsd", SecureXml.parse(reply));

        CertificateCopyRequest r = Payloads.read(SecureXml.parse(request), CertificateCopyRequest.class);
        CertificateCopyReply c = Payloads.read(reply, CertificateCopyReply.class);

        assertThat(r.issuingMunicipality()).isEqualTo("131041");
        assertThat(r.copyItems().scope()).isEqualTo("requester");
        assertThat(c.requestId()).isEqualTo(r.requestId());
        assertThat(c.certificate().persons()).singleElement().extracting(CertificateCopyReply.Person::name).isEqualTo("住基 花子");
    }

    @Test
    void the_domicile_cannot_be_requested() throws Exception {
        String sample = Files.readString(Path.of("docs/samples/certificate-copy-request.xml"));
        String withDomicile = sample.replace("<ResidentCode>false</ResidentCode>",
                "<ResidentCode>false</ResidentCode>\n    <Domicile>true</Domicile>");

        assertThatThrownBy(() -> Schemas.validate("certificate-copy-request.xsd",
                SecureXml.parse(withDomicile.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(XmlRejectedException.class).hasMessageContaining("Domicile");
    }

    @Test
    void a_reply_is_either_a_certificate_or_a_refusal_never_both() throws Exception {
        String both = new String(xml.writeValueAsBytes(CERTIFICATE), StandardCharsets.UTF_8).replace("</Certificate>",
                "</Certificate><Refusal><ReasonCode>other</ReasonCode><Reason>x</Reason></Refusal>");

        assertThatThrownBy(() -> Schemas.validate("certificate-copy-reply.xsd", SecureXml.parse(both.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(XmlRejectedException.class).hasMessageContaining("Refusal");
    }
}
