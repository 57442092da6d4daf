package org.jukibus.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import org.jukibus.core.NodeSettings;
import org.jukibus.pki.KeyMaterial;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A node's operation log: the hash-chained log in {@code jukibus.audit.dir}, sealed with the node key. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditProperties.class)
public class AuditConfiguration {

    /**
     * The node's {@link OperationLog}; sealed on a timer and when the node stops. Opening it stops the start when the
     * clock is behind its last entry ({@link ClockAtStart}).
     */
    @Bean(destroyMethod = "close")
    HashChainLog operationLog(NodeSettings settings, KeyMaterial nodeKeys, AuditProperties properties, Clock clock)
            throws IOException {
        Path dir = properties.getDir() != null ? properties.getDir() : settings.home().resolve("audit");
        HashChainLog log = HashChainLog.open(dir, clock, "node:" + settings.code(), nodeKeys, properties.getMaxFileBytes(),
                new ClockAtStart(properties.getClockBehindTolerance(), properties.isAcceptClockBehind()));
        log.sealEvery(properties.getSealInterval());
        return log;
    }

    @Bean
    NodeLifecycleRecorder nodeLifecycleRecorder(OperationLog operationLog, NodeSettings settings) {
        return new NodeLifecycleRecorder(operationLog, settings.role().id() + " node " + settings.code());
    }
}
