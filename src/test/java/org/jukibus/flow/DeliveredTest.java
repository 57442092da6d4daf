package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.specialtransfer.SpecialTransferFlow;
import org.jukibus.flow.transferin.TransferInFlow;
import org.junit.jupiter.api.Test;

/** A delivered payload must speak for the node that signed it and be addressed to the node it was sealed for. */
class DeliveredTest {

    static final byte[] NOTICE = """
            <FirstTransferInNotice xmlns="urn:jukibus:first-transfer-in:1">
              <NoticeId>N-1</NoticeId><ResidentCode>23456789013</ResidentCode><Name>住基 一郎</Name>
              <BirthDate>1975-06-15</BirthDate><TransferInDate>2026-12-01</TransferInDate>
              <NewMunicipality>271004</NewMunicipality><OldMunicipality>131041</OldMunicipality>
            </FirstTransferInNotice>""".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_payload_naming_its_signer_and_recipient_passes() {
        assertThatCode(() -> delivered("271004", "131041").requireSound()).doesNotThrowAnyException();
    }

    @Test
    void a_payload_speaking_for_another_municipality_is_refused_for_good() {
        assertThatThrownBy(() -> delivered("131059", "131041").requireSound())
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("PARTY_MISMATCH")
                .hasMessageContaining("NewMunicipality is 271004").hasMessageContaining("signed by 131059");
    }

    @Test
    void a_payload_addressed_to_another_municipality_is_refused_for_good() {
        assertThatThrownBy(() -> delivered("271004", "131059").requireSound())
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("OldMunicipality is 131041");
    }

    @Test
    void a_transfer_in_notice_naming_another_new_municipality_than_its_signer_is_refused() throws Exception {
        byte[] lying = transferIn("131016", "271004"); // sealed by 131041, claims to come from 131016
        EnvelopeHeader header = new EnvelopeHeader("m-2", "TransferInNotice", "131041", "271004", Instant.now(), null);

        assertThatThrownBy(() -> new Delivered(TransferInFlow.NOTICE, header, lying).requireSound())
                .isInstanceOfSatisfying(PermanentFailure.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.reason()).isEqualTo(Delivered.PARTY_MISMATCH))
                .hasMessageContaining("NewMunicipality is 131016").hasMessageContaining("signed by 131041");
    }

    @Test
    void a_transfer_in_notice_naming_a_third_old_municipality_is_refused() throws Exception {
        byte[] lying = transferIn("131041", "131059");
        EnvelopeHeader header = new EnvelopeHeader("m-3", "TransferInNotice", "131041", "271004", Instant.now(), null);

        assertThatThrownBy(() -> new Delivered(TransferInFlow.NOTICE, header, lying).requireSound())
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("OldMunicipality is 131059")
                .hasMessageContaining("sealed for 271004");
    }

    static byte[] transferIn(String newMunicipality, String oldMunicipality) {
        return """
                <TransferInNotice xmlns="urn:jukibus:transfer-in:1">
                  <NoticeId>N-1</NoticeId><ResidentCode>24727059608</ResidentCode><Name>住基 花子</Name>
                  <BirthDate>1985-04-01</BirthDate><Sex>2</Sex><NewAddress>新住所</NewAddress>
                  <TransferInDate>2026-11-20</TransferInDate><PreviousAddress>旧住所</PreviousAddress>
                  <NewMunicipality>%s</NewMunicipality><OldMunicipality>%s</OldMunicipality>
                </TransferInNotice>""".formatted(newMunicipality, oldMunicipality).getBytes(StandardCharsets.UTF_8);
    }

    static Delivered delivered(String sender, String recipient) {
        EnvelopeHeader header = new EnvelopeHeader("m-1", "FirstTransferInNotice", sender, recipient, Instant.now(), null);
        return new Delivered(SpecialTransferFlow.FIRST_TRANSFER_IN, header, NOTICE);
    }
}
