package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.jukibus.operators.ClientCertificates;
import org.jukibus.clock.NodeClock;
import org.jukibus.envelope.TestKeys;
import org.junit.jupiter.api.Test;

/**
 * The lifetimes of the certificates that reach a node from outside (analysis-months12 M1 (b)): the monitoring
 * certificate Prometheus scrapes with and the operators' cards, 365 days by default, on the node's clock moved to
 * day 340 of their life: the gauges, and the WARN once a day.
 */
class LifetimeMetricsTest {

    static final Instant ISSUED = Instant.parse("2026-12-07T00:00:00Z");
    static final double DAY = Duration.ofDays(1).toSeconds();

    final NodeClock clock = new NodeClock(Clock.fixed(ISSUED, ZoneOffset.UTC), Duration.ZERO);
    /** The registration in force: operator id to card SHA-256s; empty: none accepted. */
    Optional<Map<String, Set<String>>> registration = Optional.of(Map.of());
    final ClientCertificates clients = new ClientCertificates(clock, () -> registration);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    LifetimeMetricsTest() {
        TestKeys.NodeKeys node = TestKeys.node("131041");
        new LifetimeMetrics(clock, node.certificate(), TestKeys.root().certificate(), null, null, clients).bindTo(registry);
    }

    static X509Certificate validFor(Duration validity) {
        TestKeys.NodeKeys holder = TestKeys.node("131059");
        return TestKeys.certified(holder, holder.keyPair(), ISSUED.minusSeconds(60), ISSUED.plus(validity)).certificate();
    }

    double scraping() {
        return registry.get("jukibus.certificate.expiry").tag("certificate", "scraping").gauge().value();
    }

    double card(String operator) {
        return registry.get("jukibus.operator.card.expiry").tag("operator", operator).gauge().value();
    }

    void day(double days) {
        clock.moveTo(Duration.ofSeconds((long) (days * DAY)));
    }

    @Test
    void a_monitoring_certificate_and_an_operator_card_are_exported_and_warned_of_from_30_days_ahead_once_a_day() {
        assertThat(scraping()).as("no monitor has scraped yet").isNaN();
        X509Certificate monitor = validFor(Duration.ofDays(365));
        clients.monitorAccepted(monitor);
        clients.operatorAccepted("yamada", "card-1", validFor(Duration.ofDays(365)));
        assertThat(registry.find("jukibus.operator.card.expiry").gauges()).as("a gauge per operator who logged in").hasSize(1);
        assertThat(scraping()).isEqualTo(365 * DAY);
        assertThat(card("yamada")).isEqualTo(365 * DAY);
        assertThat(clients.lapsing()).isEmpty();
        assertThat(clients.warnOncePerDay()).isFalse();

        day(335); // 30 days left: not yet
        clients.monitorAccepted(monitor); // Prometheus scrapes on
        assertThat(clients.warnOncePerDay()).isFalse();

        day(340);
        assertThat(clients.lapsing()).as("scraped last 5 days ago: that monitor is gone").hasSize(1);
        clients.monitorAccepted(monitor);
        assertThat(scraping()).isEqualTo(25 * DAY);
        assertThat(card("yamada")).isEqualTo(25 * DAY);
        assertThat(clients.lapsing()).satisfiesExactly(
                s -> assertThat(s).contains("monitoring certificate").contains("expires at " + ISSUED.plus(Duration.ofDays(365))),
                s -> assertThat(s).contains("card of operator yamada"));
        assertThat(clients.warnOncePerDay()).isTrue();
        day(340.9);
        assertThat(clients.warnOncePerDay()).as("once a day").isFalse();
        day(341);
        assertThat(clients.warnOncePerDay()).as("the next day").isTrue();

        // Prometheus gets a renewed certificate: the old one, no longer presented, is forgotten after a day
        clients.monitorAccepted(validFor(Duration.ofDays(730)));
        assertThat(scraping()).as("the old one still counts").isEqualTo(24 * DAY);
        day(342.5);
        clients.monitorAccepted(validFor(Duration.ofDays(730)));
        assertThat(scraping()).isEqualTo((730 - 342.5) * DAY);
        clients.operatorAccepted("yamada", "card-2", validFor(Duration.ofDays(730)));
        assertThat(card("yamada")).as("the card logged in with last").isEqualTo((730 - 342.5) * DAY);
        assertThat(clients.lapsing()).isEmpty();

        day(366);
        assertThat(registry.get("jukibus.certificate.expiry").tag("certificate", "node").gauge().value())
                .as("the node's own, beside them").isEqualTo(Duration.between(clock.instant(),
                        TestKeys.node("131041").certificate().getNotAfter().toInstant()).toMillis() / 1000.0);
    }

    /**
     * Review M3: a card no longer registered (the operator removed, or registered with a new card not logged in with
     * yet) is dropped at the hourly round: its gauge goes and the daily WARN stops naming it; while no registration is
     * accepted (unreadable, refused) the cards known are kept.
     */
    @Test
    void a_card_no_longer_registered_loses_its_gauge_and_its_warning() {
        clients.operatorAccepted("yamada", "card-y", validFor(Duration.ofDays(365)));
        clients.operatorAccepted("suzuki", "card-s", validFor(Duration.ofDays(365)));
        clients.operatorAccepted("tanaka", "card-t", validFor(Duration.ofDays(365)));
        day(340);
        assertThat(clients.lapsing()).hasSize(3);

        registration = Optional.empty();
        clients.dropUnregistered();
        assertThat(clients.lapsing()).as("no registration accepted now: nothing forgotten").hasSize(3);

        // suzuki removed; tanaka registered with a new card, not logged in with yet
        registration = Optional.of(Map.of("yamada", Set.of("card-y"), "tanaka", Set.of("card-t2")));
        clients.dropUnregistered();
        assertThat(registry.find("jukibus.operator.card.expiry").gauges()).extracting(g -> g.getId().getTag("operator"))
                .containsExactly("yamada");
        assertThat(clients.lapsing()).singleElement().satisfies(s -> assertThat(s).contains("card of operator yamada"));
        assertThat(clients.warnOncePerDay()).isTrue();

        clients.operatorAccepted("tanaka", "card-t2", validFor(Duration.ofDays(730)));
        assertThat(card("tanaka")).as("the new card, at its first login").isEqualTo((730 - 340) * DAY);
        assertThat(card("yamada")).isEqualTo(25 * DAY);
    }
}
