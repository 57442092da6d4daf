package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void the_same_input_from_the_same_sender_gets_the_same_id_and_anything_else_another() {
        byte[] file = "<TransferInNotice/>".getBytes(StandardCharsets.UTF_8);
        String id = MessageIds.forInput("131041", file);

        assertThat(MessageIds.forInput("131041", file)).isEqualTo(id);
        assertThat(MessageIds.forInput("271004", file)).isNotEqualTo(id);
        assertThat(MessageIds.forInput("131041", "<TransferInNotice />".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(id);
        assertThat(MessageIds.receiptOf("131041", id)).isEqualTo(MessageIds.receiptOf("131041", id)).isNotEqualTo(id);
    }

    /**
     * Issue 14 A: a hostile peer that sends us another peer's message id first must not take the id of our receipt or
     * answer to that other peer (our outbound broker would drop the second one as a duplicate, silently).
     */
    @Test
    void answers_to_the_same_message_id_from_two_senders_never_share_an_id() {
        String id = MessageIds.forInput("131059", "<TransferInNotice/>".getBytes(StandardCharsets.UTF_8));

        assertThat(MessageIds.receiptOf("271004", id)).isNotEqualTo(MessageIds.receiptOf("131059", id));
        assertThat(MessageIds.answerOf("transfer-out", "271004", id)).isNotEqualTo(MessageIds.answerOf("transfer-out", "131059", id));
        assertThat(MessageIds.answerOf("non-delivery", "271004", id)).isNotEqualTo(MessageIds.answerOf("non-delivery", "131059", id));
        // nor can a sender shift characters between its code and the id to meet another's
        assertThat(MessageIds.answerOf("receipt", "13105", "9" + id)).isNotEqualTo(MessageIds.answerOf("receipt", "131059", id));
    }

    @Test
    void ids_are_lower_case_rfc_9562_version_8_uuids_as_the_envelope_schema_requires() {
        String id = MessageIds.forInput("131041", new byte[] {1, 2, 3});
        UUID uuid = UUID.fromString(id);

        assertThat(uuid.version()).isEqualTo(8);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void a_message_made_again_from_the_same_name_gets_the_same_id() {
        String id = MessageIds.madeFrom("change-info", "liaison/0-4");

        assertThat(MessageIds.madeFrom("change-info", "liaison/0-4")).isEqualTo(id);
        assertThat(MessageIds.madeFrom("change-info", "liaison/0-5")).isNotEqualTo(id);
        assertThat(MessageIds.madeFrom("change-info", "liaison2/0-4")).isNotEqualTo(id);
        assertThat(UUID.fromString(id).version()).isEqualTo(8);
    }
}
