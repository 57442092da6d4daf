package org.jukibus.management;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.jukibus.operators.ClientCertificates;
import org.jukibus.clock.NodeClock;
import org.jukibus.directory.NetworkTrust;

/**
 * Lifetimes an operator must renew in time, in seconds from the node's clock (negative once past), and the node's clock:
 * <ul>
 *   <li>{@code jukibus_certificate_expiry_seconds{certificate="node"|"root-ca"|"officer"}}: until the certificate's
 *       notAfter; "officer" is the certificate of the officer who approved the node's programs, where approval is on
 *       (once it has lapsed the node restarts only on the approval it accepted while it was valid, and
 *       JukibusApprovalKeptPastOfficerLapse fires until the officer re-approves); a liaison node adds "ca-encryption"
 *       (flow.changeinfo.ChangeInfoConfiguration); "scraping" is the soonest of the monitoring certificates that
 *       scraped the node in the last day ({@link ClientCertificates}; absent, NaN, when none did)</li>
 *   <li>{@code jukibus_operator_card_expiry_seconds{operator=id}}: until the notAfter of the card the operator last
 *       logged in with, for every operator who logged in since the node started, as long as that card is registered</li>
 *   <li>{@code jukibus_crl_next_update_seconds}: until the nextUpdate of the CRL in force (it changes when a new one
 *       arrives)</li>
 *   <li>{@code jukibus_clock_offset_seconds}: how far the node's clock is set from the host's ({@code jukibus clock
 *       set}, a drill); the host's own drift is the time source's to report (e.g. node_exporter's
 *       {@code node_timex_offset_seconds})</li>
 * </ul>
 */
public final class LifetimeMetrics implements MeterBinder {

    private final NodeClock clock;
    private final X509Certificate node;
    private final X509Certificate rootCa;
    private final X509Certificate officer;
    private final NetworkTrust trust;
    private final ClientCertificates clientCertificates;

    /** @param officer the approving officer's certificate, or null where approval is off */
    public LifetimeMetrics(NodeClock clock, X509Certificate node, X509Certificate rootCa, X509Certificate officer, NetworkTrust trust,
                           ClientCertificates clientCertificates) {
        this.clock = clock;
        this.clientCertificates = clientCertificates;
        this.node = node;
        this.rootCa = rootCa;
        this.officer = officer;
        this.trust = trust;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        certificate(registry, clock, "node", node);
        certificate(registry, clock, "root-ca", rootCa);
        if (officer != null) {
            certificate(registry, clock, "officer", officer);
        }
        Gauge.builder("jukibus.certificate.expiry", clientCertificates, c -> secondsUntil(clock, c.scraping()))
                .tag("certificate", "scraping").baseUnit("seconds").description("Time until the certificate's notAfter")
                .register(registry);
        clientCertificates.onOperators(operator -> Gauge.builder("jukibus.operator.card.expiry", clientCertificates,
                        c -> secondsUntil(clock, c.operatorCard(operator))).tag("operator", operator).baseUnit("seconds")
                .description("Time until the notAfter of the card the operator last logged in with").register(registry),
                operator -> registry.find("jukibus.operator.card.expiry").tag("operator", operator).meters()
                        .forEach(registry::remove));
        Gauge.builder("jukibus.crl.next.update", trust, t -> secondsUntil(clock, nextUpdate(t.crl())))
                .baseUnit("seconds").description("Time until the nextUpdate of the CRL in force").register(registry);
        Gauge.builder("jukibus.clock.offset", clock, c -> c.offset().toMillis() / 1000.0)
                .baseUnit("seconds").description("Offset of the node's clock from the host's").register(registry);
    }

    /** Binds {@code jukibus_certificate_expiry_seconds{certificate=which}}: also for a flow's own certificates. */
    public static void certificate(MeterRegistry registry, Clock clock, String which, X509Certificate cert) {
        Gauge.builder("jukibus.certificate.expiry", cert, c -> secondsUntil(clock, c.getNotAfter()))
                .tag("certificate", which).baseUnit("seconds").description("Time until the certificate's notAfter")
                .register(registry);
    }

    private static Date nextUpdate(X509CRL crl) {
        return crl == null ? null : crl.getNextUpdate();
    }

    private static double secondsUntil(Clock clock, Date when) {
        return secondsUntil(clock, when == null ? null : when.toInstant());
    }

    private static double secondsUntil(Clock clock, Instant when) {
        return when == null ? Double.NaN : Duration.between(clock.instant(), when).toMillis() / 1000.0;
    }
}
