package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Flows;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.transferout.TransferOutFlow;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** The notice and the legacy file against non-delivery.xsd, and what a notice says (and does not say). */
class NonDeliveryModelsTest {

    private static final String SENT = "4c1f9e2a-7b3d-8e21-9a0c-5d6e7f8a9b0c";
    private final XmlMapper xml = new XmlMapper();

    @Test
    void a_notice_carries_the_reason_code_and_a_fixed_text_never_the_dead_letters_detail_or_payload() throws Exception {
        NonDeliveryNotices notices = new NonDeliveryNotices(null, null, null, id -> false, null, "13",
                Clock.fixed(Instant.parse("2026-11-21T00:00:02Z"), ZoneOffset.UTC));
        EnvelopeHeader refused = new EnvelopeHeader(SENT, "TransferOutConfirmation", "131041", "13",
                Instant.parse("2026-11-21T00:00:00Z"), null);

        Answer answer = notices.notice(refused.sender(), refused.messageId(), TransferOutFlow.CONFIRMATION.name(), "UNKNOWN_PERSON");

        assertThat(answer.flow()).isEqualTo(NonDeliveryFlow.FLOW);
        assertThat(answer.recipient()).isEqualTo("131041");
        assertThat(answer.correlationId()).isEqualTo(SENT);
        assertThat(answer.messageId()).isEqualTo(MessageIds.answerOf("non-delivery", "131041", SENT));
        Schemas.validate(NonDeliveryNotice.SCHEMA, answer.payload());
        String text = new String(SecureXml.serialize(answer.payload()), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("UNKNOWN_PERSON").contains("transfer-out").doesNotContain("50000000021").doesNotContain("住基");
    }

    @Test
    void a_reason_that_is_not_a_code_travels_as_undeliverable() {
        assertThat(NonDeliveryNotices.reasonCode("UNKNOWN_PERSON")).isEqualTo("UNKNOWN_PERSON");
        assertThat(NonDeliveryNotices.reasonCode("disk full: /var/legacy")).isEqualTo("UNDELIVERABLE");
        assertThat(NonDeliveryNotices.reasonCode(null)).isEqualTo("UNDELIVERABLE");
    }

    /**
     * A report's file name is made of the recipient's node code and the message id only as non-delivery.xsd allows them:
     * nothing a peer put in an id (a separator, dots, another case) reaches a name.
     */
    @Test
    void a_report_is_named_by_recipient_and_message_id_and_nothing_else_can_make_a_name() {
        assertThat(NonDeliveryFiles.fileName("271004", SENT, false)).isEqualTo("271004-" + SENT + ".xml");
        assertThat(NonDeliveryFiles.fileName("271004", SENT, true)).isEqualTo("271004-" + SENT + "-overdue.xml");
        for (String[] bad : new String[][] {{"../13", SENT}, {"13/x", SENT}, {"1", SENT}, {"13", "../../etc/passwd"},
                {"13", SENT.toUpperCase()}, {"13", SENT + "/x"}, {".13", SENT}, {null, SENT}, {"13", null}}) {
            assertThatThrownBy(() -> NonDeliveryFiles.fileName(bad[0], bad[1], false)).as(bad[0] + ", " + bad[1])
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void the_documented_sample_is_valid_and_reads_into_the_model() throws Exception {
        byte[] sample = Files.readAllBytes(Path.of("docs/samples/non-delivery.xml"));
        Schemas.validate(NonDeliveryNotice.SCHEMA, SecureXml.parse(sample));

        NonDelivery report = xml.readValue(sample, NonDelivery.class);

        assertThat(report.status()).isEqualTo(NonDelivery.NOT_DELIVERED);
        assertThat(report.reasonCode()).isEqualTo("UNKNOWN_PERSON");
    }

    @Test
    void an_overdue_report_written_from_the_model_is_valid_and_a_free_text_reason_is_not() throws Exception {
        NonDelivery overdue = new NonDelivery(SENT, "transfer-in", "131059", NonDelivery.OVERDUE, NonDelivery.BY_SENDER,
                NonDelivery.OVERDUE, "no receipt", "2026-11-21T00:00:00Z", "2026-11-21T04:00:00Z");
        Schemas.validate(NonDeliveryNotice.SCHEMA, SecureXml.parse(xml.writeValueAsBytes(overdue)));
        assertThat(NonDeliveryFiles.fileName(overdue)).isEqualTo("131059-" + SENT + "-overdue.xml");

        NonDelivery bad = new NonDelivery(SENT, "transfer-in", "131059", NonDelivery.NOT_DELIVERED, NonDelivery.BY_SENDER,
                "no such person 50000000021", null, null, "2026-11-21T04:00:00Z");
        assertThatThrownBy(() -> Schemas.validate(NonDeliveryNotice.SCHEMA, SecureXml.parse(xml.writeValueAsBytes(bad))))
                .isInstanceOf(XmlRejectedException.class);
        assertThat(NonDeliveryFiles.fileName(bad)).isEqualTo("131059-" + SENT + ".xml");
    }

    @Test
    void receipts_notices_and_monitoring_are_not_tracked_and_only_flows_with_an_answer_go_overdue() {
        assertThat(NonDeliveryFlow.tracked("receipt")).isFalse();
        assertThat(NonDeliveryFlow.tracked("non-delivery")).isFalse();
        assertThat(NonDeliveryFlow.tracked("heartbeat")).isFalse();
        assertThat(NonDeliveryFlow.tracked("transfer-out")).isTrue();
        Flows flows = Flows.standard();
        assertThat(NonDeliveryFlow.awaitsAnswer(flows.byName("transfer-in"))).isTrue();
        assertThat(NonDeliveryFlow.awaitsAnswer(flows.byName("identity-update"))).isTrue();
        assertThat(NonDeliveryFlow.awaitsAnswer(flows.byName("first-transfer-in"))).isTrue();
        assertThat(NonDeliveryFlow.awaitsAnswer(flows.byName("update-count-list"))).isFalse();
        assertThat(NonDeliveryFlow.awaitsAnswer(flows.byName("change-info"))).isFalse();
    }
}
