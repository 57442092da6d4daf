package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.jukibus.xml.SecureXml;
import org.jukibus.flow.transferin.TransferInFlow;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Two legacy files are the same message by their flow's business key, not by their bytes. */
class BusinessKeyTest {

    static final String NOTICE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <TransferInNotice xmlns="urn:jukibus:transfer-in:1">
              <NoticeId>SJK-1</NoticeId>
              <Name>住基 花子</Name>
            </TransferInNotice>
            """;

    @Test
    void an_id_key_is_the_named_elements_values() throws Exception {
        assertThat(BusinessKey.of("NoticeId").keyOf(doc(NOTICE))).isEqualTo("NoticeId SJK-1");
        assertThat(BusinessKey.of("NoticeId", "Name").keyOf(doc(NOTICE))).isEqualTo("NoticeId SJK-1, Name 住基 花子");
        assertThat(BusinessKey.of("NoticeId").keyOf(doc(NOTICE.replace("住基 花子", "住基 次郎"))))
                .as("a corrected notice with the same id is the same message").isEqualTo("NoticeId SJK-1");
        assertThatThrownBy(() -> BusinessKey.of("RequestId").keyOf(doc(NOTICE))).isInstanceOf(LegacyInputException.class);
    }

    @Test
    void a_content_key_ignores_formatting_comments_declaration_and_prefixes_but_not_values() throws Exception {
        String key = BusinessKey.CONTENT.keyOf(doc(NOTICE));
        String reformatted = "<t:TransferInNotice xmlns:t=\"urn:jukibus:transfer-in:1\"><!-- again -->"
                + "<t:NoticeId>SJK-1</t:NoticeId><t:Name>住基 <!-- x -->花子</t:Name></t:TransferInNotice>\n\n";

        assertThat(BusinessKey.CONTENT.keyOf(doc(NOTICE + "\n"))).isEqualTo(key);
        assertThat(BusinessKey.CONTENT.keyOf(doc(reformatted))).isEqualTo(key);
        assertThat(BusinessKey.CONTENT.keyOf(doc(NOTICE.replace("SJK-1", "SJK-2")))).isNotEqualTo(key);
        assertThat(BusinessKey.CONTENT.keyOf(doc(NOTICE.replace("<Name>住基 花子</Name>", "<Name>住基</Name><Name>花子</Name>"))))
                .as("a value cannot be split into two elements with the same text").isNotEqualTo(key);
    }

    @Test
    void every_flow_taken_from_legacy_files_that_has_an_id_is_keyed_by_it() {
        assertThat(TransferInFlow.NOTICE.businessKey().elements()).containsExactly("NoticeId");
        assertThat(org.jukibus.flow.specialtransfer.SpecialTransferFlow.FIRST_TRANSFER_IN.businessKey().elements())
                .containsExactly("NoticeId");
        assertThat(org.jukibus.flow.transferout.TransferOutFlow.CONFIRMATION.businessKey().elements())
                .containsExactly("ResidentCode", "ConfirmedAt");
    }

    private static Document doc(String xml) throws Exception {
        return SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8));
    }
}
