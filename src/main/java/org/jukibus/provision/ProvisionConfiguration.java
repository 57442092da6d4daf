package org.jukibus.provision;

import java.time.Clock;

import javax.sql.DataSource;

import org.jukibus.audit.OperationLog;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.core.NodeSettings;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.Pem;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Provision of identity information (本人確認情報の提供, 第6の8) on the nodes that provide it, prefecture and central:
 * the registered requesters, the provision log and its erasure, bulk approvals, the {@code Provision} MBean, and
 * the provision channel when {@code jukibus.provision.port} is set.
 */
@Configuration(proxyBeanMethods = false)
public class ProvisionConfiguration {

    private static final String PROVIDING = "'${jukibus.role:}' == 'central' or '${jukibus.role:}' == 'prefecture'";

    /** A provision port on a node that provides nothing is a mistake in its configuration: it stops the node. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("!(" + PROVIDING + ")")
    @ConditionalOnProperty(name = "jukibus.provision.port")
    static class NotProviding {
        NotProviding(NodeSettings settings) {
            throw new IllegalStateException("jukibus.provision.port is set, but the " + settings.role().id() + " node "
                    + settings.code() + " provides no identity information: only prefecture and central nodes do (第6の8)");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression(PROVIDING)
    @EnableConfigurationProperties(ProvisionProperties.class)
    static class Providing {

        @Bean
        Requesters provisionRequesters(DataSource store) {
            return new Requesters(new JdbcTemplate(store));
        }

        @Bean
        BulkApprovals provisionBulkApprovals(DataSource store) {
            return new BulkApprovals(new JdbcTemplate(store));
        }

        @Bean
        ProvisionLog provisionLog(DataSource store) {
            return new ProvisionLog(new JdbcTemplate(store));
        }

        @Bean
        ProvisionLimits provisionLimits(DataSource store, ProvisionProperties properties) {
            return new ProvisionLimits(new JdbcTemplate(store), properties.limits().perMinute(), properties.limits().perDay());
        }

        @Bean
        IdentityProvision identityProvision(Requesters requesters, BulkApprovals approvals, DataSource store, ProvisionLog provisionLog,
                                            ProvisionLimits limits, TransactionTemplate storeTransactions,
                                            OperationLog operationLog, Clock clock) {
            return new IdentityProvision(requesters, approvals, new IdentityLookup(new JdbcTemplate(store)), provisionLog,
                    limits, storeTransactions, operationLog, clock);
        }

        @Bean(destroyMethod = "close")
        ProvisionLogErasure provisionLogErasure(ProvisionLog provisionLog, ProvisionProperties properties, OperationLog operationLog,
                                                Clock clock, NodeSettings settings) {
            return new ProvisionLogErasure(provisionLog, properties.logRetention(), operationLog, clock)
                    .schedule(settings.code(), properties.logErasureInterval());
        }

        @Bean(destroyMethod = "close")
        ProvisionAdmin provisionAdmin(NodeSettings settings, Requesters requesters, BulkApprovals approvals,
                                      ProvisionLog provisionLog, ProvisionLogErasure erasure, DataSource store,
                                      LegacyOutbox outbox, OperationLog operationLog, Clock clock,
                                      OperatorPermissions permissions) throws Exception {
            ProvisionReport report = settings.role() == NodeRole.CENTRAL ? new ProvisionReport(new JdbcTemplate(store)) : null;
            return new ProvisionAdmin(settings.code(), requesters, approvals, provisionLog, erasure, report, outbox,
                    operationLog, clock, permissions).register();
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnProperty(name = "jukibus.provision.port")
        ProvisionChannel provisionChannel(IdentityProvision provision, NodeSettings settings, NetworkTrust trust, Clock clock,
                                          ProvisionProperties properties, OperationLog operationLog,
                                          SecurityEvents securityEvents) throws Exception {
            CertificateValidator validator = new CertificateValidator(Pem.readCertificate(settings.rootCa()), trust::crl, clock)
                    .toleratingStaleCrl(); // as for operators: a CRL that could not reach this node refuses only what it lists
            return new ProvisionChannel(provision, validator, operationLog, securityEvents).start(settings.code(),
                    properties.address(), properties.port(), settings.keystore(), settings.truststore(),
                    settings.storePassword().toCharArray());
        }
    }
}
