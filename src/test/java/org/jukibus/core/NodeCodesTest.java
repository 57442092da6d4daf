package org.jukibus.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeCodesTest {

    @ParameterizedTest
    @ValueSource(strings = {"131016", "131041", "271004", "011002", "472018", "141003"})
    void realLocalGovernmentCodesAreValid(String code) {
        assertThat(NodeCodes.requireValid(NodeRole.MUNICIPAL, code)).isEqualTo(code);
    }

    @Test
    void checkDigitCoversRemaindersZeroAndOne() {
        // 13104: sum 33, remainder 0 -> 11 -> check digit 1 (Shinjuku 131041)
        assertThat(NodeCodes.checkDigit("13104")).isEqualTo(1);
        // 01100: sum 9, remainder 9 -> 2 (Sapporo 011002)
        assertThat(NodeCodes.checkDigit("01100")).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"131040", "131017", "271005", "011001"})
    void wrongCheckDigitIsRejectedWithReason(String code) {
        assertThatThrownBy(() -> NodeCodes.requireValid(NodeRole.MUNICIPAL, code))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(code).hasMessageContaining("check digit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"13104", "1310411", "13104a", "481001", "001007", ""})
    void malformedMunicipalCodesAreRejected(String code) {
        assertThat(NodeCodes.isValid(NodeRole.MUNICIPAL, code)).isFalse();
    }

    @Test
    void prefectureCodes() {
        assertThat(NodeCodes.isValid(NodeRole.PREFECTURE, "01")).isTrue();
        assertThat(NodeCodes.isValid(NodeRole.PREFECTURE, "47")).isTrue();
        assertThat(NodeCodes.isValid(NodeRole.PREFECTURE, "00")).isFalse();
        assertThat(NodeCodes.isValid(NodeRole.PREFECTURE, "48")).isFalse();
        assertThat(NodeCodes.isValid(NodeRole.PREFECTURE, "1")).isFalse();
        assertThatThrownBy(() -> NodeCodes.requireValid(NodeRole.PREFECTURE, "48")).hasMessageContaining("'48'");
    }

    @Test
    void centralAndLiaisonIds() {
        assertThat(NodeCodes.isValid(NodeRole.CENTRAL, "jlis-1")).isTrue();
        assertThat(NodeCodes.isValid(NodeRole.LIAISON, "LIAISON01")).isTrue();
        assertThat(NodeCodes.isValid(NodeRole.CENTRAL, "j lis")).isFalse();
        assertThat(NodeCodes.isValid(NodeRole.LIAISON, "a/b")).isFalse();
        assertThat(NodeCodes.isValid(NodeRole.CENTRAL, "x".repeat(33))).isFalse();
    }
}
