package org.jukibus.management;

import java.time.Clock;

import jakarta.jms.ConnectionFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.CamelContext;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.NodeBroker;
import org.jukibus.flow.Flows;
import org.jukibus.flow.SentPayloads;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.core.NodeSettings;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.operators.OperatorsConfiguration;
import org.jukibus.flow.FlowMetrics;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * A node's management side: the dead-letter MBean, per-flow metrics, and what actuator health and
 * info say about the node. The HTTP port and its login are in {@link ManagementSecurity}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ManagementProperties.class)
@Import({ManagementSecurity.class, ArtemisConsole.class, OperatorsConfiguration.class, ProbeConfiguration.class, MetricsConfiguration.class})
public class ManagementConfiguration {

    @Bean
    FlowMetrics flowMetrics(MeterRegistry registry, Clock clock, Flows flows) {
        return new FlowMetrics(registry, clock, flows.names());
    }

    @Bean(destroyMethod = "close")
    DeadLetterQueue deadLetterQueue(NodeSettings settings, ConnectionFactory localConnectionFactory, NodeBroker broker,
                                    MeterRegistry registry, Flows flows, OperationLog operationLog,
                                    OperatorPermissions permissions, NodeEnvelopes envelopes,
                                    SentPayloads sentPayloads, org.jukibus.flow.AnswerRecorder deliveryStatus,
                                    org.jukibus.flow.OwedNoticeGiver owedNotices) throws Exception {
        DeadLetterQueue dlq = new DeadLetterQueue(settings.code(), localConnectionFactory, broker, operationLog, permissions,
                envelopes, sentPayloads, flows, deliveryStatus, owedNotices).register().startCounting();
        for (String flow : flows.names()) {
            Gauge.builder("jukibus.dlq.depth", dlq, q -> q.count(flow)).tag("flow", flow)
                    .description("Dead letters waiting in jukibus.dlq").register(registry);
        }
        return dlq;
    }

    /** Health component {@code broker}: the embedded Artemis broker is started and active. */
    @Bean
    HealthIndicator brokerHealthIndicator(NodeBroker broker) {
        return NodeHealth.broker(broker);
    }

    /** Health component {@code brokerDisk}: the broker is not at its disk bound (it refuses every send there). */
    @Bean
    HealthIndicator brokerDiskHealthIndicator(NodeBroker broker) {
        return NodeHealth.brokerDisk(broker);
    }

    /** Health component {@code operationLog}: the operation log still takes entries. */
    @Bean
    HealthIndicator operationLogHealthIndicator(org.jukibus.audit.OperationLog operationLog) {
        return NodeHealth.operationLog(operationLog);
    }

    /** Health component {@code routes}: every Camel route is started. */
    @Bean
    HealthIndicator routesHealthIndicator(CamelContext camel) {
        return NodeHealth.routes(camel);
    }

    /** Health component {@code delivery}: no inbound queue's delivery is suspended by an outage. */
    @Bean
    HealthIndicator deliveryHealthIndicator(org.jukibus.flow.DeliverySuspension suspension) {
        return NodeHealth.delivery(suspension);
    }

    /** The node's periodic jobs: the last-success metric and the health component {@code jobs}. */
    @Bean(destroyMethod = "close")
    JobLiveness jobLiveness(Clock clock, MeterRegistry registry) {
        return new JobLiveness(clock, registry).start();
    }

    /** Health component {@code jobs}: every periodic job finished a round within three of its intervals (at least 5 min). */
    /** The node's timer and scheduler routes under the same liveness as its periodic jobs (a Camel route policy for every route). */
    @Bean
    RouteJobs routeJobs() {
        return new RouteJobs();
    }

    @Bean
    HealthIndicator jobsHealthIndicator(JobLiveness jobs) {
        return jobs.health();
    }

    /**
     * Health component {@code clock}: whether the host's time service says the clock is synchronised, and the envelopes
     * held as made in this node's future, by sender; with the gauge {@code jukibus_clock_synchronized} (1, 0, -1 unknown).
     */
    @Bean
    HealthIndicator clockHealthIndicator(org.jukibus.clock.ClockSync sync, org.jukibus.flow.ClockAheadRelease held,
                                         MeterRegistry registry) {
        Gauge.builder("jukibus.clock.synchronized", sync, s -> s.state().gauge)
                .description("1 if the host's time service says the system clock is synchronised, 0 if it says not, -1 unknown")
                .register(registry);
        return NodeHealth.clock(sync, held);
    }

    /** Health component {@code scheduled}: no timer route's runs fail on an outage. */
    @Bean
    HealthIndicator scheduledHealthIndicator(org.jukibus.flow.ScheduledOutages outages) {
        return NodeHealth.scheduled(outages);
    }

    /** {@code /actuator/info} names the node, so {@code jukibus dlq} knows whose MBean to call. */
    @Bean
    InfoContributor nodeInfo(NodeSettings settings) {
        return builder -> builder.withDetail("jukibus", java.util.Map.of(
                "code", settings.code(), "role", settings.role().id(),
                "deadLetters", DeadLetterQueue.objectName(settings.code()).toString()));
    }
}
