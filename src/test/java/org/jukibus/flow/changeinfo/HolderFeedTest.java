package org.jukibus.flow.changeinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The certification authority's feed of certificate holders, as the liaison node reads one answer. */
class HolderFeedTest {

    private static byte[] feed(String changes) {
        return ("<CertificateHolderChanges xmlns=\"urn:jukibus:certificate-holders:1\">" + changes
                + "</CertificateHolderChanges>").getBytes(StandardCharsets.UTF_8);
    }

    private static String change(long seq, String code, String status) {
        return "<Change><Seq>" + seq + "</Seq><ResidentCode>" + code + "</ResidentCode><Status>" + status + "</Status></Change>";
    }

    @Test
    void an_answer_becomes_its_changes_in_order() throws Exception {
        assertThat(HolderFeed.read(feed(change(5, "24727059608", "HOLDER") + change(7, "10000000006", "NOT_HOLDER")), 4))
                .containsExactly(new CertificateHolders.Change(5, "24727059608", true),
                        new CertificateHolders.Change(7, "10000000006", false));
        assertThat(HolderFeed.read(feed(""), 7)).isEmpty();
    }

    @Test
    void changes_not_after_the_one_asked_for_or_not_increasing_are_refused() {
        assertThatThrownBy(() -> HolderFeed.read(feed(change(4, "24727059608", "HOLDER")), 4))
                .isInstanceOf(IOException.class).hasMessageContaining("Seq 4 after 4");
        assertThatThrownBy(() -> HolderFeed.read(feed(change(6, "24727059608", "HOLDER") + change(6, "10000000006", "HOLDER")), 4))
                .isInstanceOf(IOException.class).hasMessageContaining("Seq 6 after 6");
    }

    @Test
    void a_wrong_check_digit_or_an_answer_off_the_schema_is_refused() {
        assertThatThrownBy(() -> HolderFeed.read(feed(change(5, "24727059609", "HOLDER")), 0))
                .isInstanceOf(IOException.class).hasMessageContaining("24727059609").hasMessageContaining("check digit");
        assertThatThrownBy(() -> HolderFeed.read(feed(change(5, "24727059608", "MAYBE")), 0))
                .isInstanceOf(IOException.class).hasMessageContaining("certificate-holders.xsd");
    }
}
