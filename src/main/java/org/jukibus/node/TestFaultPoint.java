package org.jukibus.node;

import jakarta.jms.Message;
import jakarta.jms.Session;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.jms.MessageCreatedStrategy;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.support.EventNotifierSupport;
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
 * at that moment is what a crash there leaves behind. The send arms a flag of its thread; what halts:
 * <ul>
 *   <li>a route consuming from the local broker (LocalJms): the end of the route's exchange (a Camel
 *       event, on the consumer's thread), after all its steps and just before the listener container
 *       commits the session it received on;</li>
 *   <li>a route whose {@code transacted} step began the transaction (no JMS consumer): the JMS
 *       transaction manager's listener, before the manager commits.</li>
 * </ul>
 */
final class TestFaultPoint extends EventNotifierSupport implements MessageCreatedStrategy, TransactionExecutionListener {

    /** The exit status of a halt at the fault point, so a test can tell it from any other death. */
    static final int HALT_STATUS = 86;
    private static final String BEFORE_COMMIT = "before-commit:";

    private final String routeId;
    /** Set on a thread when the route created a message to send, inside the transaction still open. */
    private final ThreadLocal<Boolean> armed = ThreadLocal.withInitial(() -> false);

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
            armed.set(true);
        }
    }

    @Override
    public void beforeCommit(TransactionExecution transaction) {
        haltIfArmed();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeCompletedEvent || event instanceof ExchangeFailedEvent;
    }

    /** The end of the route's own exchange (not of a split's part): next comes the listener container's commit or rollback. */
    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        if (!routeId.equals(exchange.getFromRouteId()) || exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null) {
            return;
        }
        if (event instanceof ExchangeFailedEvent) {
            armed.remove(); // rolled back next
        } else {
            haltIfArmed();
        }
    }

    private void haltIfArmed() {
        if (armed.get()) {
            System.err.println("jukibus.test.fault-point: halting before the commit of " + routeId);
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    @Override
    public void beforeRollback(TransactionExecution transaction) {
        armed.remove();
    }
}
