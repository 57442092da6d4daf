package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;

/** The resident code's check digit (住民票コード, modulus 11, weights 5,4,3,2,7,6,5,4,3,2). */
class ResidentCodeTest {

    @Test
    void the_published_example_is_valid_and_every_other_last_digit_is_not() {
        assertThat(ResidentCode.isValid("24727059608")).isTrue();
        for (char d = '0'; d <= '9'; d++) {
            if (d != '8') {
                assertThat(ResidentCode.isValid("2472705960" + d)).as("last digit " + d).isFalse();
            }
        }
    }

    @Test
    void the_sum_is_weighted_from_the_left_and_remainders_0_and_1_give_0() {
        // 1000000000: 1*5 = 5, remainder 5, check 6
        assertThat(ResidentCode.checkDigit("1000000000")).isEqualTo(6);
        // 0000000001: 1*2 = 2, remainder 2, check 9
        assertThat(ResidentCode.checkDigit("0000000001")).isEqualTo(9);
        // 0000000000: remainder 0 gives 0; 0000100001: 1*7 (5th digit) + 1*2 (10th) = 9, check 2
        assertThat(ResidentCode.checkDigit("0000000000")).isEqualTo(0);
        assertThat(ResidentCode.checkDigit("0000100001")).isEqualTo(2);
        // 0000000006: 6*2 = 12, remainder 1 gives 0
        assertThat(ResidentCode.checkDigit("0000000006")).isEqualTo(0);
        assertThat(ResidentCode.of("0000000006")).isEqualTo("00000000060");
    }

    @Test
    void codes_made_from_numbers_are_valid() {
        for (long n = 0; n < 2_000; n += 7) {
            assertThat(ResidentCode.isValid(ResidentCode.of(n))).isTrue();
        }
        assertThat(ResidentCode.isValid("2472705960")).isFalse();
        assertThat(ResidentCode.isValid("2472705960x")).isFalse();
        assertThat(ResidentCode.isValid(null)).isFalse();
    }

    @Test
    void every_resident_code_element_of_a_payload_is_checked_at_any_depth_but_a_yes_no_flag_is_not_a_code() throws Exception {
        var batch = SecureXml.parse(("""
                <IdentityUpdate xmlns="urn:jukibus:identity-update:1"><Sender>131041</Sender><Recipient>13</Recipient>
                  <Record><ResidentCode>24727059608</ResidentCode></Record>
                  <Record><ResidentCode>24727059609</ResidentCode></Record>
                </IdentityUpdate>""").getBytes(StandardCharsets.UTF_8));
        var wrong = ResidentCode.firstWrong(batch).orElseThrow();
        assertThat(wrong.describe()).isEqualTo("ResidentCode (the 2. of 2) 24727059609 is not a resident code: "
                + "its check digit is 9 but should be 8");
        assertThat(wrong.describeWithoutValue()).doesNotContain("24727059609").contains("wrong check digit");

        var flag = SecureXml.parse(("""
                <CertificateCopyRequest xmlns="urn:jukibus:certificate-copy-request:1">
                  <CopyItems><ResidentCode>false</ResidentCode></CopyItems>
                </CertificateCopyRequest>""").getBytes(StandardCharsets.UTF_8));
        assertThat(ResidentCode.firstWrong(flag)).isEmpty();
    }
}
