package org.jukibus.flow.identity;

import org.jukibus.operators.OperatorPermissions;
import java.time.Clock;

import javax.sql.DataSource;

import org.jukibus.audit.OperationLog;
import org.jukibus.calendar.CalendarFile;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.core.NodeRole;
import org.jukibus.core.NodeSettings;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * 本人確認情報の通知及び記録 (第6の6) and 消去 (第6の7): on municipal nodes the intake of the legacy system's
 * updates and the reconciliation of the prefecture's update-count lists; on prefecture nodes the
 * recorder (and, as a delegating prefecture, the reconciliation of central's lists); on central the
 * recorder. Every one of them erases. {@code identityJobs} is what {@code routes/<role>/identity-update.yaml}
 * schedules and what operators see over JMX.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${jukibus.role:}' == 'municipal' or '${jukibus.role:}' == 'prefecture' or '${jukibus.role:}' == 'central'")
@EnableConfigurationProperties(IdentityProperties.class)
public class IdentityConfiguration {

    @Bean
    IdentityStore identityStore(DataSource dataSource) {
        return new IdentityStore(new JdbcTemplate(dataSource));
    }

    @Bean
    IdentityErasure identityErasure(DataSource dataSource, TransactionTemplate storeTransactions, NodeSettings settings,
                                    IdentityProperties properties, OperationLog operationLog, Clock clock) {
        boolean municipal = settings.role() == NodeRole.MUNICIPAL;
        return new IdentityErasure(new JdbcTemplate(dataSource), storeTransactions,
                municipal ? IdentityErasure.MUNICIPAL_RETENTION : properties.getErasure().getRetention(),
                properties.getZone(), settings.role() == NodeRole.PREFECTURE, operationLog, clock);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${jukibus.role:}' == 'municipal' or ('${jukibus.role:}' == 'prefecture' and ${jukibus.identity.delegating:true})")
    static class Sending {

        @Bean
        SentUpdates identitySentUpdates(DataSource dataSource) {
            return new SentUpdates(new JdbcTemplate(dataSource));
        }

        @Bean
        Reconciliation identityReconciliation(SentUpdates sent, CalendarFile calendar, LegacyOutbox outbox,
                                              OperationLog operationLog, Clock clock) {
            return new Reconciliation(sent, new CutoffSchedule(calendar), outbox, operationLog, clock);
        }

        @Bean(destroyMethod = "close")
        IdentityJobs identityJobs(NodeSettings settings, IdentityErasure erasure, Reconciliation reconciliation,
                                  SentUpdates sent, OperatorPermissions permissions) throws Exception {
            return new IdentityJobs(settings.code(), erasure, reconciliation, sent, permissions).register();
        }
    }

    /** Central, and a prefecture that does not delegate: they send no updates, so nothing to reconcile. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${jukibus.role:}' == 'central' or ('${jukibus.role:}' == 'prefecture' and !${jukibus.identity.delegating:true})")
    static class NotSending {

        @Bean(destroyMethod = "close")
        IdentityJobs identityJobs(NodeSettings settings, IdentityErasure erasure, OperatorPermissions permissions)
                throws Exception {
            return new IdentityJobs(settings.code(), erasure, null, null, permissions).register();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "jukibus.role", havingValue = "municipal")
    static class Municipal {

        @Bean
        MunicipalIdentityIntake identityIntake(NodeSettings settings, IdentityProperties properties, IdentityStore store,
                                               SentUpdates sent, TransactionTemplate storeTransactions, Clock clock) {
            return new MunicipalIdentityIntake(settings.code(), properties.getBatchSize(), store, sent, storeTransactions, clock);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${jukibus.role:}' == 'prefecture' or '${jukibus.role:}' == 'central'")
    static class Recording {

        @Bean
        ReceivedUpdates identityReceivedUpdates(DataSource dataSource) {
            return new ReceivedUpdates(new JdbcTemplate(dataSource));
        }

        @Bean
        IdentityRecorder identityRecorder(NodeSettings settings, NodeDirectory directory, IdentityStore store,
                                          ReceivedUpdates received, org.springframework.beans.factory.ObjectProvider<SentUpdates> sent,
                                          TransactionTemplate storeTransactions, Clock clock) {
            // a delegating prefecture notes what it forwards; central and a non-delegating prefecture have no SentUpdates
            SentUpdates forwarded = settings.role() == NodeRole.PREFECTURE ? sent.getIfAvailable() : null;
            return new IdentityRecorder(settings.code(), settings.role(), directory, store, received, forwarded,
                    storeTransactions, clock);
        }
    }
}
