package org.jukibus.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ClosingTest {

    @Test
    void closes_in_the_order_given_and_skips_what_was_never_made() throws Exception {
        List<String> closed = new ArrayList<>();

        Closing.inOrder(() -> closed.add("store"), null, () -> closed.add("server"));

        assertThat(closed).containsExactly("store", "server");
    }

    @Test
    void a_failing_close_does_not_leave_the_others_open_and_the_first_failure_is_thrown() {
        List<String> closed = new ArrayList<>();
        IOException first = new IOException("store");
        IllegalStateException second = new IllegalStateException("broker");

        assertThatThrownBy(() -> Closing.inOrder(() -> {
            throw first;
        }, () -> {
            throw second;
        }, () -> closed.add("server"))).isSameAs(first).satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));

        assertThat(closed).containsExactly("server");
    }
}
