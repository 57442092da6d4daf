package org.jukibus.flow.transferout;

import java.time.Clock;

import javax.sql.DataSource;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeSettings;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The transfer-out confirmation's beans (転出確定通知, 第6の3): on municipal nodes the confirmer
 * (handler of the transfer-in flow) and the check of legacy confirmations; on prefecture nodes the
 * recorder and its store.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TransferOutProperties.class)
public class TransferOutConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "jukibus.role", havingValue = "municipal")
    static class Municipal {

        /** Confirms on transfer-in unless told not to, or unless the node does not run the transfer-out flow at all. */
        @Bean
        TransferOutConfirmer transferOutConfirmer(NodeSettings settings, NodeDirectory directory, Clock clock,
                                                  TransferOutProperties properties, NodeProperties node) {
            NodeProperties.FlowSwitch flow = node.getFlows().get(TransferOutFlow.NAME);
            boolean flowOn = flow == null || flow.isEnabled();
            return new TransferOutConfirmer(settings.code(), directory, clock, properties.isConfirmOnTransferIn() && flowOn);
        }

        @Bean
        ConfirmationInputCheck transferOutInputCheck() {
            return new ConfirmationInputCheck();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "jukibus.role", havingValue = "prefecture")
    static class Prefecture {

        @Bean
        TransferOutAnnotations transferOutAnnotations(DataSource dataSource) {
            return new TransferOutAnnotations(dataSource);
        }

        @Bean
        TransferOutRecorder transferOutRecorder(NodeSettings settings, NodeDirectory directory,
                                                TransferOutAnnotations annotations, Clock clock) {
            return new TransferOutRecorder(settings.code(), directory, annotations, clock);
        }
    }
}
