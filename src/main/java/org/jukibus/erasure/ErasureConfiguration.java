package org.jukibus.erasure;

import org.jukibus.core.Erasable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.jukibus.audit.OperationLog;
import org.jukibus.backup.BackupProperties;
import org.jukibus.backup.ExpiredBackups;
import org.jukibus.broker.NodeBroker;
import org.jukibus.evidence.EvidenceStore;
import org.jukibus.flow.SentPayloads;
import org.jukibus.flow.identity.IdentityErasure;
import org.jukibus.core.NodeRole;
import org.jukibus.core.NodeSettings;
import org.jukibus.provision.ProvisionLogErasure;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The erasure run of every node, with the parts its role keeps. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ErasureProperties.class, BackupProperties.class})
public class ErasureConfiguration {

    @Bean(destroyMethod = "close")
    CertainErasure certainErasure(NodeSettings settings, ErasureProperties properties, DataSource store,
                                  TransactionTemplate storeTransactions, NodeBroker broker, jakarta.jms.ConnectionFactory localConnectionFactory, EvidenceStore evidence, SentPayloads sentPayloads,
                                  ObjectProvider<IdentityErasure> identity, ObjectProvider<ProvisionLogErasure> provisionLog,
                                  BackupProperties backups,
                                  OperationLog operationLog, Clock clock) {
        JdbcTemplate jdbc = new JdbcTemplate(store);
        List<Erasable> parts = new ArrayList<>();
        if (settings.role() != NodeRole.LIAISON) {
            identity.ifAvailable(e -> parts.add(Erasable.of("identity records", e::erase)));
        }
        provisionLog.ifAvailable(e -> parts.add(Erasable.of("provision log", asOf -> e.eraseAsOf(asOf, null))));
        if (settings.role() == NodeRole.MUNICIPAL) {
            parts.add(new MunicipalRecordsErasure(jdbc, storeTransactions, properties.retention()));
        }
        // normally gone after the outage window by the system clock (OutageWindowPurge); here, by the node clock, none
        // outlives the erasure retention even while a drill holds that purge back
        parts.add(Erasable.of("sent payloads", asOf -> sentPayloads.purgeSealedBefore(
                asOf.atZone(java.time.ZoneOffset.UTC).minus(properties.retention()).toInstant())));
        parts.add(new MessageRecordsErasure(jdbc, storeTransactions, properties.retention()));
        parts.add(new LegacyFilesErasure(settings.legacyRoot(), jdbc, properties.legacyRetention()));
        parts.add(new DeadLetterErasure(localConnectionFactory, broker, properties.retention(), properties.unopenedRetention()));
        parts.add(evidence);
        if (backups.getDir() != null) {
            parts.add(new ExpiredBackups(backups.requireWritableDir(), backups.getRetention()));
        }
        return new CertainErasure(parts, operationLog, clock).schedule(settings.code(), properties.interval());
    }
}
