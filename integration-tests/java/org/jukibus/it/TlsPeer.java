package org.jukibus.it;

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
import org.jukibus.directory.Endpoint;

/** A client that connects to a node's link acceptor over TLS with some client certificate (or none). */
final class TlsPeer {

    private TlsPeer() {
    }

    static Connection connect(Endpoint endpoint, Path keystore, String keystorePassword, Path truststore, String truststorePassword)
            throws JMSException {
        Map<String, Object> params = new HashMap<>();
        params.put(TransportConstants.HOST_PROP_NAME, endpoint.host());
        params.put(TransportConstants.PORT_PROP_NAME, endpoint.port());
        params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
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
        cf.setCallTimeout(5000);
        return cf.createConnection();
    }
}
