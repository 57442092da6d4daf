package org.jukibus.flow.certificatecopy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.jukibus.flow.LegacyInputException;
import org.junit.jupiter.api.Test;

/** The home municipality's reply shows what the request asked for and nothing more. */
class WithinRequestTest {

    static final CertificateCopyReply HOUSEHOLD_WITH_CODES = CertificateCopyModelsTest.CERTIFICATE;

    static CertificateCopyRequest.CopyItems asked(String scope, boolean head, boolean codes) {
        return new CertificateCopyRequest.CopyItems(scope, head, codes);
    }

    @Test
    void a_reply_within_the_request_passes() {
        assertThatCode(() -> ReplyHandler.withinRequest(HOUSEHOLD_WITH_CODES, asked("household", true, true))).doesNotThrowAnyException();
        assertThatCode(() -> ReplyHandler.withinRequest(CertificateCopyModelsTest.REFUSAL, asked("requester", false, false)))
                .as("a refusal shows nothing").doesNotThrowAnyException();
    }

    @Test
    void the_household_for_the_requester_only_is_refused() {
        assertThatThrownBy(() -> ReplyHandler.withinRequest(HOUSEHOLD_WITH_CODES, asked("requester", true, true)))
                .isInstanceOf(LegacyInputException.class).hasMessage("request R-1 asked for the requester only, but the reply lists 2 persons");
    }

    @Test
    void a_household_head_or_relationship_not_asked_for_is_refused() {
        assertThatThrownBy(() -> ReplyHandler.withinRequest(HOUSEHOLD_WITH_CODES, asked("household", false, true)))
                .isInstanceOf(LegacyInputException.class).hasMessageContaining("did not ask for the household head and relationship");
        CertificateCopyReply.Person only = HOUSEHOLD_WITH_CODES.certificate().persons().get(1);
        CertificateCopyReply relationshipOnly = new CertificateCopyReply("R-1", "271004", "131041",
                new CertificateCopyReply.Certificate("2026-11-25", "大阪府大阪市北区中之島一丁目3番20号", null, List.of(only)), null);
        assertThatThrownBy(() -> ReplyHandler.withinRequest(relationshipOnly, asked("requester", false, true)))
                .isInstanceOf(LegacyInputException.class).hasMessageContaining("household head and relationship");
    }

    @Test
    void resident_codes_not_asked_for_are_refused() {
        assertThatThrownBy(() -> ReplyHandler.withinRequest(HOUSEHOLD_WITH_CODES, asked("household", true, false)))
                .isInstanceOf(LegacyInputException.class).hasMessageContaining("did not ask for resident codes");
    }
}
