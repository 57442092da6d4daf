package org.jukibus.node;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.component.jms.JmsComponent;

/**
 * The {@code jms} component of the node's routes, on the local broker: one JMS transaction per consumed message, and
 * one commit for all of it.
 *
 * <p>Each listener thread keeps one session and one consumer (CACHE_CONSUMER) and receives in that session's local
 * transaction (transacted, no transaction manager on the listener container). While the route runs, Spring exposes
 * that session to the thread ({@code exposeListenerSession}, its default): every local send of the route (answers,
 * receipts, dead letters, forwards, parked copies) goes through the same session, since the route's
 * {@code transacted} step (the {@code PROPAGATION_REQUIRED} policy's JmsTransactionManager, on the same connection
 * factory) finds it bound and joins it instead of beginning a transaction of its own. The container commits the
 * session once the route has ended, or rolls it back if the route failed: the receive and the sends are one unit.
 *
 * <p>Why not a transaction manager on the container: with one, a cached consumer receives on the container's own
 * session and commits it before the manager commits the route's sends on another (two commits, and a crash between
 * them loses the sends: DeliveryCommitIT); without caching, every message cost a new consumer and a session from the
 * cache, and every idle receive a consumer opened and closed on the broker (issue 19).
 *
 * <p>Limits of the joined transaction, which no route uses today: the {@code transacted} step's own "commit" (its
 * synchronizations, Camel's "Transaction commit" line) comes before the container's real commit, so no work may be
 * hung on after-commit callbacks; and the container decides by the route's outcome alone (an exception or Camel's
 * rollback-only mark reaching the listener rolls back), not by a rollback-only flag set on the transaction without
 * one (Camel's {@code markRollbackOnlyLast}). A commit that fails (a broker transaction the disk bound marked
 * rollback-only) is logged by the container, which drops the consumer's session and opens a new one: the message is
 * redelivered.
 */
public final class LocalJms {

    private LocalJms() {
    }

    /** The component on {@code local}, the caching connection factory the JMS transaction manager of the routes' {@code transacted} step uses too. */
    public static JmsComponent component(ConnectionFactory local) {
        JmsComponent jms = JmsComponent.jmsComponent(local);
        jms.setTransacted(true);
        // no transaction manager of the container's own: the session's local transaction is the one (see above)
        jms.setLazyCreateTransactionManager(false);
        jms.setCacheLevelName("CACHE_CONSUMER");
        jms.setDeliveryPersistent(true);
        return jms;
    }
}
