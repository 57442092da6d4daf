package org.jukibus.flow.nondelivery;

import java.time.Clock;

import javax.sql.DataSource;

import org.jukibus.core.NodeProperties;
import org.jukibus.envelope.NodeEnvelopes;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Receipts in batches on every node: the recipient's {@code receiptBatches} (routes/common/receipt-batches.yaml) and the sender's handler. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReceiptBatchProperties.class)
public class ReceiptBatchConfiguration {

    @Bean
    ReceiptBatches receiptBatches(DataSource store, NodeEnvelopes envelopes, ReceiptBatchProperties properties, Clock clock,
                                  NodeProperties node) {
        return new ReceiptBatches(new PendingReceipts(new JdbcTemplate(store)), envelopes.selfCode(), properties.enabled(),
                properties.maxIds(), envelopes::canSealTo, clock, node.getEnvelope().getOutageWindow());
    }

    /** The receipt-batch route's ticks ({@code scheduler=#receiptBatchTicks}): only while receipts are owed. */
    @Bean
    ReceiptBatchTicks receiptBatchTicks(ReceiptBatches receiptBatches) {
        return new ReceiptBatchTicks(receiptBatches);
    }

    @Bean
    ReceiptBatchHandler receiptBatchHandler(SentMessages sent, org.jukibus.flow.SentPayloads sealed, NodeEnvelopes envelopes,
                                            Clock clock) {
        return new ReceiptBatchHandler(sent, sealed, envelopes.selfCode(), clock);
    }
}
