package org.jukibus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class FigureTest {

    @Test
    void medianAndSpreadOfTheRuns() {
        Figure odd = Figure.of(List.of(30.0, 10.0, 20.0));
        assertThat(odd).isEqualTo(new Figure(20.0, 10.0, 30.0));
        assertThat(odd.format("%.0f")).isEqualTo("20 (10–30)");
        assertThat(Figure.of(List.of(4.0, 1.0, 2.0, 3.0)).median()).isEqualTo(2.5);
        assertThat(Figure.of(List.of(5.0)).format("%.0f")).isEqualTo("5");
        assertThat(Figure.of(List.of(Double.NaN)).format("%.0f")).isEqualTo("—");
    }

    @Test
    void steadyWhenTwoConsecutiveWindowsAreWithinTenPercent() {
        assertThat(WarmUp.steady(Double.NaN, 100)).isFalse();
        assertThat(WarmUp.steady(100, 109)).isTrue();
        assertThat(WarmUp.steady(109, 100)).isTrue();
        assertThat(WarmUp.steady(100, 112)).isFalse();
    }

    @Test
    void notSteadyWhileTheJitStillTakesMoreThanATenthOfTheCpu() {
        WarmUp.Window first = new WarmUp.Window(100, 0.30);
        assertThat(WarmUp.steady(null, first)).isFalse();
        assertThat(WarmUp.steady(first, new WarmUp.Window(105, 0.25))).isFalse();
        assertThat(WarmUp.steady(first, new WarmUp.Window(105, 0.08))).isTrue();
        assertThat(WarmUp.steady(first, new WarmUp.Window(125, 0.02))).isFalse();
        assertThat(WarmUp.steady(first, new WarmUp.Window(105, Double.NaN))).isTrue();
    }
}
