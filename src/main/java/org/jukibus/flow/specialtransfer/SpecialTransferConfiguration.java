package org.jukibus.flow.specialtransfer;

import java.time.Clock;

import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.flow.FlowHandler;
import org.jukibus.core.NodeSettings;
import org.jukibus.flow.LegacyOutbox;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * 転入転出の特例 (special transfer with the resident card, 第6の5) on a municipal node: its registers in
 * the node's store (tables of {@code db/migration/municipal/V110__special_transfer.sql}) and the
 * handlers of its five flows (routes in {@code routes/municipal/}). The registers use the store's
 * {@code jdbcTemplate}, which Boot creates only once Flyway has migrated the store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "jukibus.role", havingValue = "municipal")
public class SpecialTransferConfiguration {

    @Bean
    CardRegister cardRegister(JdbcTemplate jdbc, Clock clock) {
        return new CardRegister(jdbc, clock);
    }

    @Bean
    CertificateRegister certificateRegister(JdbcTemplate jdbc, TransactionTemplate storeTransactions, Clock clock) {
        return new CertificateRegister(jdbc, storeTransactions, clock);
    }

    @Bean
    CertificateAnswerLog certificateAnswerLog(JdbcTemplate jdbc) {
        return new CertificateAnswerLog(jdbc);
    }

    @Bean
    FirstTransferInLog firstTransferInLog(JdbcTemplate jdbc, Clock clock) {
        return new FirstTransferInLog(jdbc, clock);
    }

    @Bean
    FlowHandler residentCardHandler(CardRegister cards) {
        return new ResidentCardHandler(cards);
    }

    @Bean
    FlowHandler cardCheckHandler(CardRegister cards, Clock clock) {
        return new CardCheckHandler(cards, clock);
    }

    @Bean
    FlowHandler transferOutCertificateHandler(CertificateRegister certificates, NodeDirectory directory,
                                              NodeSettings settings) {
        return new TransferOutCertificateHandler(certificates, directory, settings.code());
    }

    @Bean
    FlowHandler firstTransferInHandler(FirstTransferInLog sent, CertificateRegister certificates,
                                       CertificateAnswerLog answerLog, CardRegister cards, LegacyOutbox outbox,
                                       NodeSettings settings, Clock clock) {
        return new FirstTransferInHandler(sent, new CertificateInfoAnswers(certificates, answerLog, clock),
                new CardCollection(cards, outbox, settings.code()));
    }

    @Bean
    FlowHandler certificateInfoHandler(FirstTransferInLog sent, ErrorReports reports, NodeDirectory directory) {
        return new CertificateInfoHandler(sent, reports, directory);
    }
}
