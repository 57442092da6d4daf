package org.jukibus.flow.certificatecopy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.PermanentFailure;
import org.junit.jupiter.api.Test;

/** A peer may not speak for another municipality inside a payload it signed itself. */
class PartiesTest {

    static Delivered from(String sender, String recipient) {
        return new Delivered(CertificateCopyFlow.REPLY, new EnvelopeHeader("m-1", CertificateCopyReply.TYPE, sender, recipient,
                Instant.parse("2026-11-25T01:00:00Z"), "m-0"), new byte[0]);
    }

    @Test
    void the_payload_names_the_signer_and_this_node() {
        assertThatCode(() -> Parties.require(from("271004", "131041"), "271004", "131041")).doesNotThrowAnyException();
    }

    @Test
    void a_payload_naming_another_sender_or_recipient_is_a_permanent_failure() {
        assertThatThrownBy(() -> Parties.require(from("131059", "131041"), "271004", "131041"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("PARTY_MISMATCH")
                .hasMessageContaining("came from 131059");
        assertThatThrownBy(() -> Parties.require(from("271004", "131041"), "271004", "131059"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("PARTY_MISMATCH");
    }
}
