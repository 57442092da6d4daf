package org.jukibus.flow.nondelivery;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import jakarta.jms.ConnectionFactory;

import io.micrometer.core.instrument.MeterRegistry;


import org.apache.camel.CamelContext;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.QueueSweep;
import org.jukibus.core.NodeProperties;
import org.jukibus.flow.Answers;
import org.jukibus.flow.Flows;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.SeenMessages;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.flow.FlowMetrics;
import org.jukibus.flow.PurgeCutoff;
import org.jukibus.clock.ClockSync;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Delivery status back to the sender on every node: the record of sent messages, the beans the shared
 * routes call ({@code deliveryStatus}, {@code nonDeliveryNotices}, {@code overdueReceipts}) and the
 * handler of the 不達通知 flow.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReceiptProperties.class)
public class NonDeliveryConfiguration {

    @Bean
    SentMessages sentMessages(DataSource store) {
        return new SentMessages(new JdbcTemplate(store));
    }

    @Bean
    DeliveryStatus deliveryStatus(SentMessages sent, Flows flows, Clock clock) {
        return new DeliveryStatus(sent, flows, clock);
    }

    @Bean
    NonDeliveryFiles nonDeliveryFiles(LegacyOutbox outbox) {
        return new NonDeliveryFiles(outbox);
    }

    @Bean
    NonDeliveryNotices nonDeliveryNotices(Answers answers, SentMessages sent, NonDeliveryFiles files, NodeBroker broker,
                                          SeenMessages seen, NodeEnvelopes envelopes, Clock clock) {
        return new NonDeliveryNotices(answers, sent, files, SentNotices.of(broker.server()), seen, envelopes.selfCode(), clock);
    }

    /** Final notices for dead letters whose sender is owed one, once a replay can no longer deliver them, and on purge. */
    @Bean(destroyMethod = "close")
    OwedNotices owedNotices(ConnectionFactory localConnectionFactory, SeenMessages seen, NonDeliveryNotices notices,
                            Answers answers, CamelContext camel, NodeProperties properties, Clock clock,
                            OperationLog audit, NodeEnvelopes envelopes, Flows flows, NodeBroker broker,
                            MeterRegistry registry,
                            @Value("${jukibus.receipts.owed-notice-interval:15m}") Duration every) {
        return new OwedNotices(localConnectionFactory, seen, notices, answers, camel, clock,
                properties.getEnvelope().receiverWindow(), audit, envelope -> {
                    try {
                        return envelopes.open(envelope).header();
                    } catch (org.jukibus.envelope.EnvelopeRejectedException e) {
                        if (e.signedHeader() != null) {
                            return e.signedHeader(); // verified, refused for its age or payload only
                        }
                        throw e; // refused before it verified: UnmarkedDeadLetters tells never from not now
                    } // any other failure (the directory, a revocation list, the store): not now, tried again
                }, flow -> flows.names().contains(flow) ? flows.byName(flow).messageType() : null,
                new QueueSweep(localConnectionFactory, broker.server(), OwedNotices.DLQ), registry).start(every);
    }

    @Bean
    NoticeHandler nonDeliveryNoticeHandler(SentMessages sent, NonDeliveryFiles files, Clock clock) {
        return new NoticeHandler(sent, files, clock);
    }

    @Bean(destroyMethod = "close")
    DeliveryStatusMBean deliveryStatusMBean(SentMessages sent, NodeEnvelopes envelopes) throws Exception {
        return new DeliveryStatusMBean(envelopes.selfCode(), sent).register();
    }

    @Bean
    OverdueReceipts overdueReceipts(SentMessages sent, NonDeliveryFiles files, ReceiptProperties properties, Clock clock,
                                    FlowMetrics metrics, OperationLog operationLog) {
        return new OverdueReceipts(sent, files, properties.overdueAfter(), clock, metrics, operationLog);
    }

    /**
     * Its cutoff catches a lag up faster only while the host's time service says, when asked at the round, that the
     * clock is synchronised (timedatectl's own answer, not the state cached for five minutes nor the timesyncd marker).
     */
    @Bean
    UnansweredMessages unansweredMessages(SentMessages sent, NonDeliveryFiles files, Clock clock, FlowMetrics metrics,
                                          OperationLog operationLog, ObjectProvider<ClockSync> clockSync) {
        ClockSync sync = clockSync.getIfAvailable();
        return new UnansweredMessages(sent, files, clock, metrics, operationLog, PurgeCutoff.neverEarly(UnansweredMessages.CUTOFF,
                () -> sync != null && sync.synchronisedNow()));
    }
}
