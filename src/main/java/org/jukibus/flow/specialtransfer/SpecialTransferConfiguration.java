package org.jukibus.flow.specialtransfer;

import java.time.Clock;

import javax.sql.DataSource;

import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.flow.FlowHandler;
import org.jukibus.node.NodeSettings;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * 転入転出の特例 (special transfer with the resident card, 第6の5) on a municipal node: its registers in
 * the node's store (tables of {@code db/migration/municipal/V110__special_transfer.sql}) and the
 * handlers of its five flows (routes in {@code routes/municipal/}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "jukibus.role", havingValue = "municipal")
public class SpecialTransferConfiguration {

    @Bean
    CardRegister cardRegister(DataSource dataSource, Clock clock) {
        return new CardRegister(dataSource, clock);
    }

    @Bean
    CertificateRegister certificateRegister(DataSource dataSource, Clock clock) {
        return new CertificateRegister(dataSource, clock);
    }

    @Bean
    CertificateAnswerLog certificateAnswerLog(DataSource dataSource) {
        return new CertificateAnswerLog(dataSource);
    }

    @Bean
    FirstTransferInLog firstTransferInLog(DataSource dataSource, Clock clock) {
        return new FirstTransferInLog(dataSource, clock);
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
                                       CertificateAnswerLog answerLog, Clock clock) {
        return new FirstTransferInHandler(sent, new CertificateInfoAnswers(certificates, answerLog, clock));
    }

    @Bean
    FlowHandler certificateInfoHandler(FirstTransferInLog sent, ErrorReports reports, NodeDirectory directory) {
        return new CertificateInfoHandler(sent, reports, directory);
    }
}
