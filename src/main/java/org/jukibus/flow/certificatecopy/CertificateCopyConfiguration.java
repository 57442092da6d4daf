package org.jukibus.flow.certificatecopy;

import java.time.Clock;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.calendar.CalendarFile;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 住民票の写しの交付の特例 on a municipal node: its two flow handlers, its records in the node's store, and
 * the bean {@code certificateCopyTimeouts} that {@code routes/municipal/certificate-copy.yaml} calls.
 * Every municipality is both an issuing and a home municipality, so each node gets both ends.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "jukibus.role", havingValue = "municipal")
@EnableConfigurationProperties(CertificateCopyProperties.class)
public class CertificateCopyConfiguration {

    @Bean
    SentRequests certificateCopySent(DataSource store) {
        return new SentRequests(new JdbcTemplate(store));
    }

    @Bean
    ReceivedRequests certificateCopyReceived(DataSource store) {
        return new ReceivedRequests(new JdbcTemplate(store));
    }

    @Bean
    AnswerTimeouts certificateCopyTimeouts(SentRequests sent, ErrorReports errors, NodeDirectory directory, Clock clock) {
        return new AnswerTimeouts(sent, errors, names(directory), clock);
    }

    @Bean
    RequestHandler certificateCopyRequestHandler(SentRequests sent, ReceivedRequests received,
                                                 CertificateCopyProperties properties, CalendarFile calendar, Clock clock) {
        return new RequestHandler(sent, received, properties.answerTimeout(), calendar, clock);
    }

    @Bean
    ReplyHandler certificateCopyReplyHandler(SentRequests sent, ReceivedRequests received, AnswerTimeouts timeouts,
                                             ErrorReports errors, NodeDirectory directory, Clock clock) {
        return new ReplyHandler(sent, received, timeouts, errors, names(directory), clock);
    }

    /** A municipality's name (新宿区) by its code, for reports and the printable copy. */
    private static Function<String, String> names(NodeDirectory directory) {
        return code -> directory.byCode(code).map(NodeEntry::name).orElse(null);
    }
}
