package org.jukibus.flow.transferout;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jukibus.flow.transferout.TransferOutTestData.BUNKYO;
import static org.jukibus.flow.transferout.TransferOutTestData.OSAKA;
import static org.jukibus.flow.transferout.TransferOutTestData.SHINJUKU;

import java.time.Clock;

import org.jukibus.flow.PermanentFailure;
import org.junit.jupiter.api.Test;

/**
 * What the prefecture refuses before it touches its store (the store is not needed: these never
 * reach it); the party checks are the shared ones every delivery runs before the handler. Recording itself, against PostgreSQL, is in TransferOutConfirmationIT.
 */
class TransferOutRecorderTest {

    private final TransferOutRecorder tokyo = new TransferOutRecorder("13", TransferOutTestData.directory(true), null,
            Clock.systemUTC());

    @Test
    void a_municipality_of_another_prefecture_is_refused() {
        var fromOsaka = TransferOutTestData.delivered(TransferOutFlow.CONFIRMATION, OSAKA, "13",
                TransferOutTestData.confirmation(OSAKA, SHINJUKU, "13"));

        assertThatThrownBy(() -> tokyo.deliver(fromOsaka, null)).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("WRONG_PREFECTURE").hasMessageContaining("prefecture 27, not of 13")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((PermanentFailure) e).reason())
                        .isEqualTo("WRONG_PREFECTURE"));
    }

    @Test
    void a_confirmation_naming_another_prefecture_is_refused() {
        var named27 = TransferOutTestData.delivered(TransferOutFlow.CONFIRMATION, SHINJUKU, "13",
                TransferOutTestData.confirmation(SHINJUKU, BUNKYO, "27"));

        assertThatThrownBy(named27::requireSound).isInstanceOf(PermanentFailure.class) // run by InboundDelivery
                .hasMessageContaining("PARTY_MISMATCH").hasMessageContaining("Prefecture is 27");
    }

    @Test
    void a_confirmation_for_another_old_municipality_is_refused() {
        var forBunkyo = TransferOutTestData.delivered(TransferOutFlow.CONFIRMATION, SHINJUKU, "13",
                TransferOutTestData.confirmation(BUNKYO, SHINJUKU, "13"));

        assertThatThrownBy(forBunkyo::requireSound).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("PARTY_MISMATCH").hasMessageContaining("OldMunicipality is 131059");
    }
}
