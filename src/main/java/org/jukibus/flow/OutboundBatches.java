package org.jukibus.flow;

import java.time.Duration;
import java.util.Map;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The Camel component behind {@code outbound-batches:<queue>}, the forwarding route's consumer
 * (routes/common/forwarding.yaml): it takes up to {@code batchSize} messages off the node's outbound queue in one local
 * transaction, has {@link PeerForwarder#forwardAll} send them (all at once, each confirmed by its recipient's broker), hands the
 * route only the messages that were not sent, one by one, and commits once every message of the batch is stored by
 * its recipient, dead-lettered, dropped or put back to wait ({@link ForwardRetries}). The JMS consumer of the other
 * routes takes one message per transaction: three durable syncs per forwarded message in series, which capped the
 * forwarding near 850 messages/s on a 2-core machine (bench/README.md).
 *
 * <p>Stopping the route (an operator, the node's shutdown) stops the consumer: the batches in flight finish first, for
 * up to {@code stopWait}; one still waiting for a peer then is rolled back at once (its recipients drop what they
 * already stored when it comes again).
 *
 * <p>Only for {@code jukibus.link.batch-size} above 1: at 1 the route {@code forward-outbound-single} forwards as
 * before batching (the JMS consumer, one message per transaction, the broker's own redelivery).
 */
public final class OutboundBatches extends DefaultComponent {

    /**
     * How a consumer of this component works.
     *
     * @param forwarder    sends a batch and refuses, as the route does for one message
     * @param transactions the local JMS transaction manager the routes use, so that a dead letter the route sends
     *                     joins the batch's transaction
     * @param local        the node's connection factory (the transaction manager's)
     * @param retries      puts a message whose recipient did not take it back to wait
     * @param batchSize    at most this many messages per local transaction
     * @param batchBytes   a batch ends once its bodies reach this many bytes (a batch of large messages is small)
     * @param threads      batches forwarded at once (each waits for a peer's broker and for the local journal)
     * @param stopWait     how long a stop waits for the batches in flight (a send may take the link's call timeout);
     *                     then a batch still waiting for a peer is rolled back
     */
    public record Settings(PeerForwarder forwarder, PlatformTransactionManager transactions, ConnectionFactory local,
                           ForwardRetries retries, int batchSize, long batchBytes, int threads, Duration stopWait) {
        public Settings {
            if (batchSize < 1 || threads < 1 || batchBytes < 1) {
                throw new IllegalArgumentException("jukibus.link.batch-size and jukibus.link.forwarders must be at least 1 (are "
                        + batchSize + " and " + threads + ")");
            }
        }
    }

    private final Settings settings;

    public OutboundBatches(Settings settings) {
        this.settings = settings;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new QueueEndpoint(uri, this, remaining);
    }

    /** One queue of the local broker, consumed in batches; nothing is sent to it through this component. */
    static final class QueueEndpoint extends DefaultEndpoint {
        private final String queue;

        QueueEndpoint(String uri, OutboundBatches component, String queue) {
            super(uri, component);
            this.queue = queue;
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException(getEndpointUri() + " only consumes");
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            return new OutboundBatchConsumer(this, processor, queue, ((OutboundBatches) getComponent()).settings);
        }
    }
}
