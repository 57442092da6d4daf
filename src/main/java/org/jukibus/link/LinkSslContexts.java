package org.jukibus.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.remoting.impl.ssl.DefaultSSLContextFactory;
import org.apache.activemq.artemis.spi.core.remoting.ssl.SSLContextConfig;
import org.apache.activemq.artemis.spi.core.remoting.ssl.SSLContextFactory;
import org.jukibus.pki.KeyStores;

/**
 * The TLS contexts of {@link PeerLink}'s connections (Artemis finds this class through
 * META-INF/services; it outranks Artemis' own factory). Opening a PKCS#12 store costs two PBKDF2
 * derivations, and Artemis opens both stores again for every connection: a link retrying a peer
 * that is down paid that every {@code retryInterval}, and the first pass of a fan-out paid it per
 * peer. Here the stores' key and trust managers are kept and reused while the files' contents stay
 * the same; the files are read and hashed on every connection (microseconds), so a key store or trust
 * store replaced on disk takes effect at the next connection, as before. Each connection still gets a
 * fresh {@link SSLContext}, so no TLS session is resumed across connections (as before).
 *
 * <p>Only connections whose transport names {@link #LINK_CONTEXT} (set by {@link PeerLink}) are served
 * from the cache; every other TLS context (the broker's acceptors, tools) is made by Artemis' default
 * factory exactly as without this class.
 */
public final class LinkSslContexts implements SSLContextFactory {

    /** The value of the transport's {@code sslContext} parameter that selects this cache. */
    static final String LINK_CONTEXT = "jukibus-peer-link";

    private final SSLContextFactory fallback = new DefaultSSLContextFactory();
    private final Map<SSLContextConfig, Managers> cache = new ConcurrentHashMap<>();
    private final AtomicInteger storesOpened = new AtomicInteger();

    /** The managers made from stores whose bytes hashed to {@code fingerprint}. */
    private record Managers(byte[] fingerprint, KeyManager[] keyManagers, TrustManager[] trustManagers) {
    }

    @Override
    public SSLContext getSSLContext(SSLContextConfig config, Map<String, Object> transport) throws Exception {
        if (!LINK_CONTEXT.equals(transport.get(TransportConstants.SSL_CONTEXT_PROP_NAME))) {
            return fallback.getSSLContext(config, transport);
        }
        Managers managers = managers(config);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.keyManagers(), managers.trustManagers(), null);
        return context;
    }

    private Managers managers(SSLContextConfig config) throws IOException, GeneralSecurityException {
        Path keystore = Path.of(config.getKeystorePath());
        Path truststore = Path.of(config.getTruststorePath());
        byte[] fingerprint = fingerprint(keystore, truststore);
        Managers cached = cache.get(config);
        if (cached != null && Arrays.equals(cached.fingerprint(), fingerprint)) {
            return cached;
        }
        char[] keyPassword = config.getKeystorePassword().toCharArray();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyStores.load(keystore, keyPassword), keyPassword);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(KeyStores.load(truststore, config.getTruststorePassword().toCharArray()));
        Managers loaded = new Managers(fingerprint, keys.getKeyManagers(), trust.getTrustManagers());
        storesOpened.incrementAndGet();
        cache.put(config, loaded);
        return loaded;
    }

    /** SHA-256 over both stores' bytes: any change to either file, whatever its mtime, loads them again. */
    private static byte[] fingerprint(Path keystore, Path truststore) throws IOException, GeneralSecurityException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(Files.readAllBytes(keystore));
        digest.update((byte) 0);
        digest.update(Files.readAllBytes(truststore));
        return digest.digest();
    }

    /** How often a pair of stores was opened (the costly part this class saves). */
    int storesOpened() {
        return storesOpened.get();
    }

    @Override
    public void clearSSLContexts() {
        cache.clear();
        fallback.clearSSLContexts();
    }

    /** Above Artemis' default (5) and caching (10) factories, so that ServiceLoader picks this one. */
    @Override
    public int getPriority() {
        return 20;
    }
}
