package org.jukibus.node;

import jakarta.jms.Message;
import jakarta.jms.Session;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.MessageCreatedStrategy;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;

/**
 * TEST ONLY: a crash injected at one point of a node's work, for the kill tests in
 * integration-tests/ (DeliveryCommitIT). Exists only when {@code jukibus.test.fault-point} is set
 * (see {@link NodeConfiguration}); an operator never sets it.
 *
 * <p>{@code jukibus.test.fault-point=before-commit:<route id>}: once that route has sent a local
 * message (a receipt, an answer, a dead letter) inside a JMS transaction, the JVM halts (like a
 * power cut: no shutdown hook, no flush) just before the transaction manager commits that
 * transaction, i.e. after everything the listener container does on its own. Whatever is committed
 * at that moment is what a crash there leaves behind. (The JMS transaction manager keeps no
 * transaction synchronizations, so the send arms a flag of its thread, and the manager's listener
 * halts.)
 */
final class TestFaultPoint implements MessageCreatedStrategy, TransactionExecutionListener {

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
