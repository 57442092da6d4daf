package org.jukibus.node;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;

import org.apache.camel.component.jms.DefaultJmsMessageListenerContainer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.MessageListenerContainerFactory;
import org.springframework.jms.connection.JmsResourceHolder;
import org.springframework.jms.support.JmsUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The listener container of the delivery and trust routes ({@code messageListenerContainerFactory=#longReceives}): an
 * idle consumer waits in one long receive ({@code jukibus.delivery.receive-timeout}, 30 s) instead of ending a short one
 * every few seconds, and a stop does not wait for those receives to end: it closes the consumers waiting in one, which
 * makes their receive return at once. Spring's container would wait up to the receive timeout for each (then
 * interrupt it), longer than {@code camel.main.shutdown-timeout}.
 *
 * <p>A consumer closed as its receive returns a message: the close flushes that message's acknowledgement into the
 * transaction the receive runs in (CACHE_NONE: the transaction manager's, NodeConfiguration#jms), so that transaction
 * is rolled back here, once the close has finished, and the receive counts as empty: the message goes back on its
 * queue, untouched, and is delivered after the restart. Committing it (even empty) would acknowledge a message whose
 * work was never done. Only consumers inside a receive are closed, never one whose message a route is working on.
 */
final class LongReceiveContainer extends DefaultJmsMessageListenerContainer {

    /** Consumers inside {@link #receiveMessage}; guarded by itself, as {@link #closing} is. */
    private final Set<MessageConsumer> receiving = new HashSet<>();
    /** Consumers the stop is closing, until their close has returned. */
    private final Set<MessageConsumer> closing = new HashSet<>();
    /** Consumers the stop closed while they were in a receive, until that receive has seen it. */
    private final Set<MessageConsumer> closedByStop = new HashSet<>();

    LongReceiveContainer(JmsEndpoint endpoint) {
        super(endpoint);
    }

    /** The factory the routes name; a bean, so that the node's {@code jms} endpoints find it by name. */
    static MessageListenerContainerFactory factory() {
        return LongReceiveContainer::new;
    }

    @Override
    protected void validateConfiguration() {
        super.validateConfiguration();
        if (getTransactionManager() == null) {
            // the rollback below assumes the receive runs in a transaction of its own that a manager commits
            throw new IllegalStateException("LongReceiveContainer needs a transaction manager (transacted=true on the jms component of NodeConfiguration)");
        }
        if (getCacheLevel() != CACHE_NONE && getCacheLevel() != CACHE_AUTO) {
            // a cached session or consumer would make the rollback below hit another session than the one the close
            // acknowledged in, and Spring would then commit that acknowledgement: a message lost without its work
            // (CACHE_AUTO resolves to CACHE_NONE with a transaction manager)
            throw new IllegalStateException("LongReceiveContainer needs cache level CACHE_NONE (NodeConfiguration#jms), not "
                    + getCacheLevel());
        }
    }

    @Override
    protected Message receiveMessage(MessageConsumer consumer) throws JMSException {
        synchronized (receiving) {
            receiving.add(consumer);
        }
        Message message = null;
        JMSException failed = null;
        try {
            // a stop that began before this consumer was listed has not closed it: no receive then (see stop())
            if (isRunning()) {
                message = super.receiveMessage(consumer);
            }
        } catch (JMSException e) {
            failed = e;
        } finally {
            synchronized (receiving) {
                receiving.remove(consumer);
            }
        }
        if (!closedByStop(consumer)) {
            if (failed != null) {
                throw failed;
            }
            return message;
        }
        // nothing of the transaction but this receive: its rollback puts back whatever the close acknowledged in it
        JmsResourceHolder transaction = (JmsResourceHolder) TransactionSynchronizationManager.getResource(obtainConnectionFactory());
        jakarta.jms.Session session = transaction == null ? null : transaction.getSession();
        if (session == null) {
            throw new IllegalStateException("a receive closed by the stop outside a transaction of the transaction manager");
        }
        session.rollback();
        return null;
    }

    /** Whether the stop closed this consumer in its receive; waits for that close to have returned (acknowledgements flushed). */
    private boolean closedByStop(MessageConsumer consumer) {
        synchronized (receiving) {
            boolean interrupted = false;
            while (closing.contains(consumer)) {
                try {
                    receiving.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return closedByStop.remove(consumer);
        }
    }

    /** Stops as Spring's container does (no new receive, a message taken now is rejected), then ends the receives waiting. */
    @Override
    public void stop() {
        super.stop();
        closeReceiving();
    }

    /** Spring's shutdown waits for every consumer to end; those in a receive end at once. */
    @Override
    protected void doShutdown() throws JMSException {
        closeReceiving();
        super.doShutdown();
    }

    /**
     * Closes the consumers waiting in a receive. Called once {@link #isRunning()} is false: a consumer listed later sees
     * that before its receive begins, one listed earlier is closed here.
     */
    private void closeReceiving() {
        List<MessageConsumer> toClose;
        synchronized (receiving) {
            toClose = new ArrayList<>(receiving);
            closing.addAll(toClose);
            closedByStop.addAll(toClose);
        }
        for (MessageConsumer consumer : toClose) {
            try {
                JmsUtils.closeMessageConsumer(consumer);
            } finally {
                synchronized (receiving) {
                    closing.remove(consumer);
                    receiving.notifyAll();
                }
            }
        }
    }
}
