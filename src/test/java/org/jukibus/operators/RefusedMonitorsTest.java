package org.jukibus.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.clock.MovableClock;
import org.junit.jupiter.api.Test;

/** A scraper refused every 15 s writes one operation-log line per certificate, reason and hour, with the count. */
class RefusedMonitorsTest {

    static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    final List<AuditEvent> lines = new ArrayList<>();
    final MovableClock clock = new MovableClock(T0);
    final RefusedMonitors refused = new RefusedMonitors(lines::add, clock);

    @Test
    void an_expired_monitoring_certificate_scraped_every_15_s_for_a_day_writes_a_line_an_hour_with_the_count() {
        for (int i = 0; i < 24 * 240; i++) { // a day of scrapes, one every 15 s
            clock.now = T0.plusSeconds(15L * i);
            refused.refused("1f", "EXPIRED", "monitoring certificate refused (EXPIRED): certificate CN=prometheus expired");
        }

        assertThat(lines).hasSize(24).allSatisfy(l -> assertThat(l.kind()).isEqualTo(AuditKind.OPERATOR_LOGIN_REFUSED));
        assertThat(lines.get(0).detail()).contains("expired").contains("written at most once an hour, with their count");
        assertThat(lines.get(1).detail()).contains("(and 239 more refusal(s) of this certificate for this reason since " + T0);
    }

    @Test
    void another_certificate_or_reason_is_written_at_once_and_a_clock_moved_back_does_not_silence_it() {
        clock.now = T0;
        refused.refused("1f", "EXPIRED", "refused (EXPIRED)");
        refused.refused("1f", "EXPIRED", "refused (EXPIRED)");
        refused.refused("2a", "EXPIRED", "refused (EXPIRED) another");
        refused.refused("1f", "REVOKED", "refused (REVOKED)");
        assertThat(lines).extracting(AuditEvent::detail).hasSize(3);

        clock.now = T0.minus(Duration.ofDays(40)); // the end of a drill
        refused.refused("1f", "EXPIRED", "refused (EXPIRED)");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3).detail()).contains("and 1 more refusal(s)");
    }

    @Test
    void a_client_presenting_ever_new_certificates_cannot_flood_the_log() {
        clock.now = T0;
        for (int i = 0; i < 10_000; i++) {
            refused.refused(Integer.toHexString(i), "UNKNOWN_ISSUER", "refused (UNKNOWN_ISSUER) " + i);
        }
        assertThat(lines).hasSize(RefusedMonitors.FOLLOWED + 1);
    }
}
