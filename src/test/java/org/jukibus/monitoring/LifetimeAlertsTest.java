package org.jukibus.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.pki.CertificateAuthority;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What central alerts on in a heartbeat's lifetimes: expiry within 14 days, an older directory/CRL, a clock off by over 30 s. */
class LifetimeAlertsTest {

    static final Instant NOW = Instant.parse("2026-12-06T09:00:00Z");
    /** The heartbeat's time-to-live: the longest it may have waited on the way. */
    static final Duration TTL = Duration.ofMinutes(5);

    @TempDir
    static Path tmp;
    /** Central's own: directory serial 12, CRL number {@link #crl}. */
    static NetworkTrust.State central;
    static long crl;

    @BeforeAll
    static void setUp() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "Juki-net Root", "pw".toCharArray());
        ca.issueCrl(Duration.ofDays(7));
        central = new NetworkTrust.State(new NodeDirectory(12, NOW, List.of()), ca.issueCrl(Duration.ofDays(7)));
        crl = central.crlNumber().longValueExact();
    }

    static NodeHeartbeat beat(Instant sentAt, Instant certificateEnd, NodeHeartbeat.Trust trust) {
        return beat(sentAt, certificateEnd, trust, 100L * 1024 * 1024 * 1024);
    }

    static NodeHeartbeat beat(Instant sentAt, Instant certificateEnd, NodeHeartbeat.Trust trust, long diskFree) {
        return new NodeHeartbeat("131041", "municipal", sentAt.toString(), NodeHeartbeat.UP, List.of(), List.of(), 0, diskFree,
                certificateEnd.toString(), new NodeHeartbeat.SecurityCounts(0, 0, 0), trust);
    }

    static NodeHeartbeat.Trust trust(long directory, long crl, Instant crlNextUpdate) {
        return new NodeHeartbeat.Trust(directory, BigInteger.valueOf(crl), crlNextUpdate.toString());
    }

    static List<String> statuses(NodeHeartbeat heartbeat) {
        return LifetimeAlerts.problems(heartbeat, NOW, central, TTL).stream().map(LifetimeAlerts.Problem::status).toList();
    }

    @Test
    void a_node_in_good_order_raises_nothing() {
        assertThat(statuses(beat(NOW.minusSeconds(2), NOW.plus(Duration.ofDays(300)), trust(12, crl, NOW.plus(Duration.ofDays(3))))))
                .isEmpty();
    }

    @Test
    void a_certificate_within_14_days_of_expiry_or_a_crl_within_2_days_or_past_it_is_alerted() {
        assertThat(statuses(beat(NOW, NOW.plus(Duration.ofDays(13)), trust(12, crl, NOW.plus(Duration.ofDays(300))))))
                .containsExactly("CERTIFICATE_EXPIRING");
        assertThat(statuses(beat(NOW, NOW.plus(Duration.ofDays(300)), trust(12, crl, NOW.plus(Duration.ofHours(47))))))
                .containsExactly("CRL_EXPIRING");
        assertThat(LifetimeAlerts.problems(beat(NOW, NOW.plus(Duration.ofDays(300)), trust(12, crl, NOW.minusSeconds(60))), NOW, central, TTL))
                .singleElement().satisfies(p -> assertThat(p.detail()).contains("was due for renewal at"));
    }

    @Test
    void a_node_behind_centrals_directory_or_crl_is_alerted() {
        Instant later = NOW.plus(Duration.ofDays(300));
        assertThat(statuses(beat(NOW, later, trust(11, crl, later)))).containsExactly("TRUST_BEHIND");
        assertThat(statuses(beat(NOW, later, trust(12, crl - 1, later)))).containsExactly("TRUST_BEHIND");
        // a node of an earlier version does not report its trust: nothing to compare
        assertThat(statuses(beat(NOW, later, null))).isEmpty();
    }

    @Test
    void a_clock_more_than_30_seconds_ahead_or_behind_beyond_the_transit_is_alerted() {
        Instant later = NOW.plus(Duration.ofDays(300));
        assertThat(statuses(beat(NOW.plusSeconds(31), later, trust(12, crl, later)))).containsExactly("CLOCK_OFF");
        assertThat(statuses(beat(NOW.plusSeconds(29), later, trust(12, crl, later)))).isEmpty();
        // a heartbeat that waited up to its TTL for central is not a slow clock
        assertThat(statuses(beat(NOW.minus(TTL), later, trust(12, crl, later)))).isEmpty();
        assertThat(statuses(beat(NOW.minus(TTL).minusSeconds(31), later, trust(12, crl, later)))).containsExactly("CLOCK_OFF");
    }

    @Test
    void a_node_with_less_than_2_gib_free_is_alerted_and_an_unknown_free_space_is_not() {
        Instant later = NOW.plus(Duration.ofDays(300));
        assertThat(statuses(beat(NOW, later, trust(12, crl, later), LifetimeAlerts.DISK_WARN_BYTES - 1))).containsExactly("DISK_LOW");
        assertThat(LifetimeAlerts.problems(beat(NOW, later, trust(12, crl, later), 300L * 1024 * 1024), NOW, central, TTL))
                .singleElement().satisfies(p -> assertThat(p.detail()).contains("300 MiB free"));
        assertThat(statuses(beat(NOW, later, trust(12, crl, later), LifetimeAlerts.DISK_WARN_BYTES))).isEmpty();
        assertThat(statuses(beat(NOW, later, trust(12, crl, later), -1))).isEmpty();
    }
}
