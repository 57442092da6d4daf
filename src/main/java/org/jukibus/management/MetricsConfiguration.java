package org.jukibus.management;

import java.io.IOException;
import java.time.Clock;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;

import org.jukibus.operators.ClientCertificates;
import org.jukibus.broker.NodeBroker;
import org.jukibus.clock.NodeClock;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.core.NodeSettings;
import org.jukibus.operators.OperatorRegistry;
import org.jukibus.operators.RegisteredOperator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.Pem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The metrics a queue watcher and an alerting Prometheus need beyond the per-flow ones ({@link FlowMetrics}): queues,
 * route failures, lifetimes and the clock. docs/monitoring.md lists them; monitoring/ holds the dashboard and alert
 * rules built on them.
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean(destroyMethod = "close")
    QueueMetrics queueMetrics(NodeBroker broker, Clock clock, MeterRegistry registry, NodeSettings settings) {
        return new QueueMetrics(broker, clock, registry, settings.code()).start();
    }

    /** Camel finds it in the registry and sends it the route events. */
    @Bean
    RouteFailures routeFailures(MeterRegistry registry) {
        return new RouteFailures(registry);
    }

    /** The monitoring certificates and operator cards seen at the management port, and their daily WARN. */
    @Bean(destroyMethod = "close")
    ClientCertificates clientCertificates(NodeClock clock, OperatorRegistry operators) {
        return new ClientCertificates(clock, () -> operators.current().map(r -> r.operators().stream()
                .collect(Collectors.groupingBy(RegisteredOperator::id,
                        Collectors.mapping(RegisteredOperator::certificateSha256, Collectors.toSet()))))).start();
    }

    /** A meter binder: Boot binds it to the node's registry. */
    @Bean
    LifetimeMetrics lifetimeMetrics(NodeClock clock, KeyMaterial nodeKeys, NodeSettings settings, NetworkTrust trust,
                                    ClientCertificates clientCertificates,
                                    @org.springframework.beans.factory.annotation.Value("${jukibus.approval.officer-certificate:}") String officer)
            throws IOException {
        // the officer who approved this node's programs: once that certificate lapses, the node no longer starts
        java.nio.file.Path officerFile = officer.isBlank() ? null : java.nio.file.Path.of(officer);
        return new LifetimeMetrics(clock, nodeKeys.certificate(), Pem.readCertificate(settings.rootCa()),
                officerFile != null && java.nio.file.Files.isRegularFile(officerFile) ? Pem.readCertificate(officerFile) : null, trust,
                clientCertificates);
    }
}
