package org.jukibus.it;

import java.nio.file.Path;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

import org.jukibus.attack.LinkClient;
import org.jukibus.directory.Endpoint;

/** A client that connects to a node's link acceptor over TLS 1.3 with some client certificate (or none). */
final class TlsPeer {

    private TlsPeer() {
    }

    static Connection connect(Endpoint endpoint, Path keystore, String keystorePassword, Path truststore, String truststorePassword)
            throws JMSException {
        return LinkClient.connect(endpoint, keystore, keystorePassword, truststore, truststorePassword, "TLSv1.3");
    }
}
