package org.jukibus.monitoring;

import java.time.Clock;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.core.NodeSettings;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.pki.KeyMaterial;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Node status monitoring (稼働状況の監視, 第4の7(3)): every node's {@code heartbeats}; on central the
 * status board (store, check, alerts, MBean, gauges) and the heartbeat recorder; on every other
 * node the handler of central's alerts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MonitoringProperties.class)
public class MonitoringConfiguration {

    @Bean
    Heartbeats heartbeats(NodeSettings settings, NodeDirectory directory, NetworkTrust trust, NodeBroker broker, KeyMaterial nodeKeys,
                          SecurityEvents securityEvents, JdbcTemplate jdbcTemplate, HealthEndpoint health, Clock clock,
                          ObjectProvider<StatusBoard> board) {
        return new Heartbeats(settings.code(), settings.role(), settings.home(), directory, trust, broker,
                nodeKeys.certificate().getNotAfter().toInstant(), new SecurityTotals(jdbcTemplate, clock, securityEvents), health,
                clock, board.getIfAvailable());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "jukibus.role", havingValue = "central")
    static class Central {

        @Bean
        NodeStatusStore nodeStatusStore(JdbcTemplate jdbcTemplate) {
            return new NodeStatusStore(jdbcTemplate);
        }

        @Bean(destroyMethod = "close")
        StatusBoard statusBoard(NodeSettings settings, NodeDirectory directory, NodeStatusStore store, Clock clock,
                                MonitoringProperties properties, MeterRegistry registry,
                                OperatorPermissions permissions) throws Exception {
            StatusBoard board = new StatusBoard(settings.code(), directory, store, clock, properties.getSilenceAfter(),
                    properties.getHeartbeatInterval(), properties.getSecurityQuietAfter())
                    .register(permissions);
            for (NodeState state : NodeState.values()) {
                Gauge.builder("jukibus.nodes", board, b -> b.countAtLastCheck(state)).tag("state", state.name())
                        .description("Nodes of the directory per state, as of central's last status check").register(registry);
            }
            return board;
        }

        @Bean
        HeartbeatRecorder heartbeatRecorder(StatusBoard board, NodeStatusStore store, NetworkTrust trust, NodeDirectory directory,
                                            Clock clock, MonitoringProperties properties) {
            return new HeartbeatRecorder(board, new LifetimeAlerts(board, store, trust, clock, properties.getHeartbeatTtl()),
                    directory, clock);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${jukibus.role:}' != 'central'")
    static class Peers {

        @Bean
        NodeStatusAlerts nodeStatusAlerts() {
            return new NodeStatusAlerts();
        }
    }
}
