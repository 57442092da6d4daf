package org.jukibus.attack;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.JMSFactoryType;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.broker.NodeBroker;
import org.jukibus.directory.Endpoint;

/**
 * A bare client of a node's link acceptor, as an attacker would write one: any client certificate
 * (or none), any TLS version, one attempt, no reconnection, so a refusal shows at once.
 */
public final class LinkClient {

    private LinkClient() {
    }

    /**
     * @param keystore   PKCS#12 with the client certificate to present, or null for none
     * @param tlsVersion e.g. {@code TLSv1.3}
     */
    public static Connection connect(Endpoint endpoint, Path keystore, String keystorePassword, Path truststore,
                              String truststorePassword, String tlsVersion) throws JMSException {
        Map<String, Object> params = new HashMap<>();
        params.put(TransportConstants.HOST_PROP_NAME, endpoint.host());
        params.put(TransportConstants.PORT_PROP_NAME, endpoint.port());
        params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
        params.put(TransportConstants.ENABLED_PROTOCOLS_PROP_NAME, tlsVersion);
        params.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
        params.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, truststore.toString());
        params.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, truststorePassword);
        if (keystore != null) {
            params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
            params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, keystore.toString());
            params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, keystorePassword);
        }
        ActiveMQConnectionFactory cf = ActiveMQJMSClient.createConnectionFactoryWithoutHA(JMSFactoryType.CF,
                new TransportConfiguration(NettyConnectorFactory.class.getName(), params));
        cf.setInitialConnectAttempts(1);
        cf.setReconnectAttempts(0);
        cf.setCallTimeout(10_000);
        cf.setMinLargeMessageSize(NodeBroker.MIN_LARGE_MESSAGE_BYTES); // as a node's peer link sends
        try {
            Connection c = cf.createConnection();
            c.start();
            return c;
        } catch (JMSException | RuntimeException e) {
            cf.close();
            throw e;
        }
    }
}
