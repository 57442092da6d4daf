package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.specialtransfer.SpecialTransferFlow;
import org.junit.jupiter.api.Test;

/** A delivered payload must speak for the node that signed it and be addressed to the node it was sealed for. */
class DeliveredTest {

    static final byte[] NOTICE = """
            <FirstTransferInNotice xmlns="urn:jukibus:first-transfer-in:1">
              <NoticeId>N-1</NoticeId><ResidentCode>23456789012</ResidentCode><Name>住基 一郎</Name>
              <BirthDate>1975-06-15</BirthDate><TransferInDate>2026-12-01</TransferInDate>
              <NewMunicipality>271004</NewMunicipality><OldMunicipality>131041</OldMunicipality>
            </FirstTransferInNotice>""".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_payload_naming_its_signer_and_recipient_passes() {
        assertThatCode(() -> delivered("271004", "131041").requireParties()).doesNotThrowAnyException();
    }

    @Test
    void a_payload_speaking_for_another_municipality_is_refused_for_good() {
        assertThatThrownBy(() -> delivered("131059", "131041").requireParties())
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("PARTY_MISMATCH")
                .hasMessageContaining("NewMunicipality is 271004").hasMessageContaining("signed by 131059");
    }

    @Test
    void a_payload_addressed_to_another_municipality_is_refused_for_good() {
        assertThatThrownBy(() -> delivered("271004", "131059").requireParties())
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("OldMunicipality is 131041");
    }

    static Delivered delivered(String sender, String recipient) {
        EnvelopeHeader header = new EnvelopeHeader("m-1", "FirstTransferInNotice", sender, recipient, Instant.now(), null);
        return new Delivered(SpecialTransferFlow.FIRST_TRANSFER_IN, header, NOTICE);
    }
}
