package org.jukibus.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Timer periods a route reads from a setting: only the forms Camel reads right. */
class TimerIntervalsTest {

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "10s", "1m", "2h"})
    void camel_periods_are_accepted(String value) {
        assertThat(TimerIntervals.require("jukibus.change-info.interval", value)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT10S", "0s", "10", "", "1d"})
    void other_forms_are_refused_naming_the_setting(String value) {
        assertThatThrownBy(() -> TimerIntervals.require("jukibus.change-info.interval", value))
                .hasMessageContaining("jukibus.change-info.interval").hasMessageContaining("'" + value + "'");
    }
}
