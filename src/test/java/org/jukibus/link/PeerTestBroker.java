package org.jukibus.link;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.Interceptor;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.protocol.core.impl.PacketImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.jukibus.net.LoopbackPorts;

/**
 * A peer's broker for the link's tests: plain TCP on a free loopback port (the link dials it through its transport
 * seam instead of TLS), one queue ({@link #ADDRESS}), no address created on demand (a send elsewhere is refused), and
 * sends that can be frozen: a peer that stops answering without closing its connection.
 */
final class PeerTestBroker implements AutoCloseable {

    static final String ADDRESS = "jukibus.inbound.transfer-in";

    private final EmbeddedActiveMQ broker;
    private final int port;
    private volatile CountDownLatch frozen;
    private final java.util.concurrent.atomic.AtomicInteger frozenSends = new java.util.concurrent.atomic.AtomicInteger();

    /** A queue that exists but that this node's lines may not send to (a permission the peer took away). */
    static final String FORBIDDEN = "jukibus.inbound.forbidden";

    PeerTestBroker() throws Exception {
        this(false);
    }

    /** {@code secured}: every client is a peer that may send to {@link #ADDRESS} only (and still sees {@link #FORBIDDEN}). */
    PeerTestBroker(boolean secured) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        port = LoopbackPorts.next();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false).setSecurityEnabled(secured).setJMXManagementEnabled(false);
        config.putSecurityRoles(ADDRESS, java.util.Set.of(new Role("peer", true, false, false, false, false, false, false, true)));
        config.putSecurityRoles(FORBIDDEN, java.util.Set.of(new Role("peer", false, false, false, false, false, false, false, true)));
        config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        config.addAddressSetting("#", new AddressSettings().setAutoCreateAddresses(false).setAutoCreateQueues(false));
        config.addQueueConfiguration(QueueConfiguration.of(ADDRESS).setRoutingType(RoutingType.ANYCAST));
        config.addQueueConfiguration(QueueConfiguration.of(FORBIDDEN).setRoutingType(RoutingType.ANYCAST));
        broker = new EmbeddedActiveMQ().setConfiguration(config).setSecurityManager(new ActiveMQSecurityManager() {
            @Override
            public boolean validateUser(String user, String password) {
                return true;
            }

            @Override
            public boolean validateUserAndRole(String user, String password, java.util.Set<Role> roles, CheckType checkType) {
                return roles.stream().anyMatch(role -> "peer".equals(role.getName()) && checkType.hasRole(role));
            }
        });
        broker.start();
        Interceptor freeze = (packet, connection) -> {
            CountDownLatch hold = frozen;
            if (hold != null && packet.getType() == PacketImpl.SESS_SEND) {
                frozenSends.incrementAndGet();
                try {
                    hold.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (swallowing && packet.getType() == PacketImpl.SESS_SEND) {
                swallowed.incrementAndGet();
                return false; // dropped: never stored nor confirmed, and the connection's thread goes on
            }
            return true;
        };
        server().getRemotingService().addIncomingInterceptor(freeze);
    }

    /** How a link reaches this broker (plain TCP). */
    TransportConfiguration transport() {
        return new TransportConfiguration(NettyConnectorFactory.class.getName(),
                Map.of(TransportConstants.HOST_PROP_NAME, "127.0.0.1", TransportConstants.PORT_PROP_NAME, port));
    }

    /** A port nothing listens on: a connect to it is refused at once. */
    static TransportConfiguration nowhere() throws Exception {
        return new TransportConfiguration(NettyConnectorFactory.class.getName(),
                Map.of(TransportConstants.HOST_PROP_NAME, "127.0.0.1", TransportConstants.PORT_PROP_NAME, LoopbackPorts.next()));
    }

    /** From now on sends wait unanswered (the connection stays open) until {@link #thaw}. */
    void freeze() {
        frozen = new CountDownLatch(1);
    }

    private volatile boolean swallowing;
    private final java.util.concurrent.atomic.AtomicInteger swallowed = new java.util.concurrent.atomic.AtomicInteger();

    /** From now on sends are dropped unanswered (the connection stays, and answers everything else). */
    void swallowSends() {
        swallowing = true;
    }

    int swallowed() {
        return swallowed.get();
    }

    /** Sends the broker has held since it was frozen (a sender is waiting for them). */
    int frozenSends() {
        return frozenSends.get();
    }

    void thaw() {
        CountDownLatch hold = frozen;
        frozen = null;
        if (hold != null) {
            hold.countDown();
        }
    }

    int connectionCount() {
        return server().getConnectionCount();
    }

    /** Sessions of this node's links the broker holds: a line left open keeps at least the one it opened with. */
    int sessionCount() {
        return server().getSessions().size();
    }

    long stored() {
        return server().locateQueue(ADDRESS).getMessageCount();
    }

    private ActiveMQServer server() {
        return broker.getActiveMQServer();
    }

    @Override
    public void close() throws Exception {
        thaw();
        broker.stop();
    }
}
