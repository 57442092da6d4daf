package org.jukibus.node;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.DefaultJmsMessageListenerContainer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.MessageCreatedStrategy;
import org.apache.camel.component.jms.MessageListenerContainerFactory;
import org.springframework.jms.listener.AbstractMessageListenerContainer;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;

/**
 * TEST ONLY: a crash injected at one point of a node's work, for the kill tests in
 * integration-tests/ (DeliveryCommitIT). Exists only when {@code jukibus.test.fault-point} is set
 * (see {@link NodeConfiguration}); an operator never sets it.
 *
 * <p>{@code jukibus.test.fault-point=before-commit:<route id>}: once that route has sent a local
 * message (a receipt, an answer, a dead letter) inside a JMS transaction, the JVM halts (like a
 * power cut: no shutdown hook, no flush) just before that transaction commits. Whatever is committed
 * at that moment is what a crash there leaves behind. The send arms its thread with the session it
 * used; what halts:
 * <ul>
 *   <li>a route consuming from the local broker (LocalJms): the listener container, Camel's own with
 *       one override (NodeConfiguration makes the component use it as a custom container), just
 *       before it commits, after the route has ended, provided the session it commits is the one the
 *       send used (the JMS transaction manager only joins that session: it commits nothing, and keeps no
 *       synchronizations). Were the receive committed on a session of its own before the sends (a
 *       transaction manager back on the container: two commits), it would halt only at the second,
 *       and DeliveryCommitIT would see the receipt lost;</li>
 *   <li>a route whose {@code transacted} step began the transaction (no JMS consumer): the JMS
 *       transaction manager's listener, before the manager commits.</li>
 * </ul>
 */
final class TestFaultPoint implements MessageCreatedStrategy, TransactionExecutionListener, MessageListenerContainerFactory {

    /** The exit status of a halt at the fault point, so a test can tell it from any other death. */
    static final int HALT_STATUS = 86;
    private static final String BEFORE_COMMIT = "before-commit:";

    private final String routeId;
    /** The session the route created a message to send on, on this thread, inside the transaction still open. */
    private final ThreadLocal<Session> armed = new ThreadLocal<>();

    TestFaultPoint(String faultPoint) {
        if (!faultPoint.startsWith(BEFORE_COMMIT)) {
            throw new IllegalArgumentException("jukibus.test.fault-point: unknown fault point '" + faultPoint
                    + "' (known: " + BEFORE_COMMIT + "<route id>)");
        }
        this.routeId = faultPoint.substring(BEFORE_COMMIT.length());
        System.err.println("jukibus.test.fault-point: this node halts before the commit of the first transaction in which "
                + routeId + " sends a message");
    }

    @Override
    public void onMessageCreated(Message message, Session session, Exchange exchange, Throwable cause) {
        if (routeId.equals(exchange.getFromRouteId())) {
            armed.set(session);
        }
    }

    /** Camel's listener container (what ConsumerType.Default makes), halting before the commit of a consumed message. */
    @Override
    public AbstractMessageListenerContainer createMessageListenerContainer(JmsEndpoint endpoint) {
        return new DefaultJmsMessageListenerContainer(endpoint) {
            @Override
            protected void commitIfNecessary(Session session, Message message) throws JMSException {
                // only the commit of the session that holds the route's send: were the receive committed on a session
                // of its own first (a transaction manager on the container), the halt must come after that commit
                if (message != null && session == armed.get()) {
                    haltIfArmed();
                }
                super.commitIfNecessary(session, message);
            }

            @Override
            protected void rollbackOnExceptionIfNecessary(Session session, Throwable ex) throws JMSException {
                armed.remove();
                super.rollbackOnExceptionIfNecessary(session, ex);
            }
        };
    }

    @Override
    public void beforeCommit(TransactionExecution transaction) {
        haltIfArmed();
    }

    private void haltIfArmed() {
        if (armed.get() != null) {
            System.err.println("jukibus.test.fault-point: halting before the commit of " + routeId);
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    @Override
    public void beforeRollback(TransactionExecution transaction) {
        armed.remove();
    }
}
