package org.jukibus.link;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.JMSFactoryType;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.directory.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open line to one peer's broker: TLS with this node's client certificate, durable sends that
 * return only once the peer's broker has stored the message. Tries the primary endpoint, then the
 * backup. Shared by the forwarding threads: one TLS connection, a JMS session (and producer) per
 * concurrent sender, so sends to the same peer wait for the peer's disk side by side, not in turn.
 */
final class PeerLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    private final String peer;
    private final List<Endpoint> endpoints;
    private final TlsClientSettings tls;
    private final Duration callTimeout;

    private record Sender(Session session, MessageProducer producer) {
    }

    private ActiveMQConnectionFactory factory;
    private Connection connection;
    private Endpoint activeEndpoint;
    private final java.util.concurrent.ConcurrentLinkedDeque<Sender> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    PeerLink(String peer, List<Endpoint> endpoints, TlsClientSettings tls, Duration callTimeout) {
        this.peer = peer;
        this.endpoints = List.copyOf(endpoints);
        this.tls = tls;
        this.callTimeout = callTimeout;
    }

    /**
     * Sends one message durably. {@code duplicateId} makes the peer's broker drop a second copy
     * (a resend after a crash between this send and the local commit).
     */
    void send(String address, byte[] body, String duplicateId, Map<String, String> properties)
            throws PeerUnreachableException, JMSException {
        Connection c = open();
        Sender sender = idle.pollFirst();
        try {
            if (sender == null) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(null);
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                sender = new Sender(session, producer);
            }
            BytesMessage message = sender.session().createBytesMessage();
            message.writeBytes(body);
            message.setStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), duplicateId);
            for (Map.Entry<String, String> p : properties.entrySet()) {
                message.setStringProperty(p.getKey(), p.getValue());
            }
            sender.producer().send(sender.session().createQueue(address), message);
        } catch (JMSException | RuntimeException e) {
            closeIf(c);
            throw e;
        }
        synchronized (this) {
            if (connection == c) {
                idle.offerFirst(sender); // still the live connection: keep the session for the next send
            }
        }
    }

    private synchronized void closeIf(Connection c) {
        if (connection == c) {
            close();
        }
    }

    synchronized Endpoint activeEndpoint() {
        return activeEndpoint;
    }

    private synchronized Connection open() throws PeerUnreachableException {
        if (connection != null) {
            return connection;
        }
        JMSException last = null;
        for (Endpoint endpoint : endpoints) {
            try {
                factory = ActiveMQJMSClient.createConnectionFactoryWithoutHA(JMSFactoryType.CF, transport(endpoint));
                factory.setCallTimeout(callTimeout.toMillis());
                factory.setInitialConnectAttempts(1);
                factory.setReconnectAttempts(0);
                factory.setBlockOnDurableSend(true);
                Connection opened = factory.createConnection();
                connection = opened;
                activeEndpoint = endpoint;
                log.info("link to {} open via {}", peer, endpoint);
                return opened;
            } catch (JMSException e) {
                last = e;
                log.warn("link to {} via {} failed: {}", peer, endpoint, e.getMessage());
                close();
            }
        }
        throw new PeerUnreachableException("no line to " + peer + " could be opened (tried " + endpoints + ")", last);
    }

    private TransportConfiguration transport(Endpoint endpoint) {
        Map<String, Object> params = new HashMap<>();
        params.put(TransportConstants.HOST_PROP_NAME, endpoint.host());
        params.put(TransportConstants.PORT_PROP_NAME, endpoint.port());
        params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
        params.put(TransportConstants.ENABLED_PROTOCOLS_PROP_NAME, "TLSv1.3");
        // the peer's certificate must name the host we dialled: another node's certificate
        // (valid under the same CA) cannot stand in for the recipient's broker
        params.put(TransportConstants.VERIFY_HOST_PROP_NAME, true);
        params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
        params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, tls.keystore().toString());
        params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tls.keystorePassword());
        params.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
        params.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, tls.truststore().toString());
        params.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, tls.truststorePassword());
        return new TransportConfiguration(NettyConnectorFactory.class.getName(), params);
    }

    @Override
    public synchronized void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (JMSException e) {
            log.debug("closing link to {}: {}", peer, e.getMessage());
        }
        if (factory != null) {
            factory.close();
        }
        factory = null;
        connection = null;
        idle.clear();
        activeEndpoint = null;
    }
}
