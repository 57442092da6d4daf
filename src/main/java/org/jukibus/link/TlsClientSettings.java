package org.jukibus.link;

import java.nio.file.Path;

/** The node's own key and trust stores, used when it connects to a peer's broker. */
public record TlsClientSettings(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
}
