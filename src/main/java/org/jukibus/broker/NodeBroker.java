package org.jukibus.broker;

import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.utils.XMLUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own Artemis broker, started from its role's broker.xml in {@code broker-config/}
 * with the node's names, ports, data directory and keystores filled in, security on.
 *
 * <p>Deliberately not Spring Boot's own embedded Artemis mode (the {@code spring.artemis.mode} property): it turns security off
 * and ignores broker.xml.
 */
public final class NodeBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeBroker.class);

    /**
     * The size from which this node's clients (in-VM and peer links) send a message as a large message, in bytes:
     * 1088 KiB, above the largest envelope jukibus.envelope.max-bytes allows by default (1 MiB) with its headers, so that
     * every envelope is one journal record (broker-config/*.xml give the journal a buffer of 1152 KiB to hold it).
     * Artemis' default, 100 KiB, made a 1,000-record identity update (an envelope of about 525 KB) a large message,
     * which the consuming client puts together one byte at a time (ClientLargeMessageImpl: a buffer write and a
     * "message changed" per byte): 40% as much CPU as opening and recording the update (issue 19, async-profiler).
     */
    public static final int MIN_LARGE_MESSAGE_BYTES = 1088 * 1024;

    /**
     * The parking queues' names begin with this, one queue per peer ({@code jukibus.parked.<peer code>}): envelopes for a
     * peer that is down wait there, on disk, where nothing consumes them (flow.ParkedEnvelopes). Here rather than in
     * flow because the broker's statistics fold them into one figure.
     */
    public static final String PARKED_PREFIX = "jukibus.parked.";
    /**
     * A peer's second parking queue, {@code jukibus.parked.<peer code>.refused}, ends with this: the envelopes its broker
     * refused, kept apart from its other parked mail (flow.ParkedEnvelopes#refusedQueueOf).
     */
    public static final String REFUSED_SUFFIX = ".refused";

    /** The peer code a parking queue ({@link #PARKED_PREFIX}, its refused ones' too) is for. */
    public static String parkedPeer(String queue) {
        String peer = queue.substring(PARKED_PREFIX.length());
        return peer.endsWith(REFUSED_SUFFIX) ? peer.substring(0, peer.length() - REFUSED_SUFFIX.length()) : peer;
    }

    /** In-VM acceptor ids must be unique per JVM; several nodes share one in tests and the demo. */
    private static final AtomicInteger NEXT_VM_ID = new AtomicInteger(1);

    private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
    private final int vmId = NEXT_VM_ID.getAndIncrement();
    private final String name;

    private NodeBroker(String name) {
        this.name = name;
    }

    /**
     * Starts the broker.
     *
     * @param template the role's broker.xml
     * @param values   every placeholder of the template except {@code jukibus.broker.vm-id}, which is allocated here
     * @param security who may log in, as what
     */
    public static NodeBroker start(BrokerTemplate template, Map<String, String> values, NodeSecurityManager security) throws Exception {
        return start(template, values, security, java.util.Set.of());
    }

    /**
     * Starts the broker without the acceptors named in {@code notOpened} (a server of a primary/backup pair opens
     * only its own endpoint; broker.xml has both, and the standalone broker opens both).
     */
    public static NodeBroker start(BrokerTemplate template, Map<String, String> values, NodeSecurityManager security,
                                   java.util.Set<String> notOpened) throws Exception {
        NodeBroker broker = new NodeBroker(values.get("jukibus.broker.name"));
        java.util.HashMap<String, String> all = new java.util.HashMap<>(values);
        all.put("jukibus.broker.vm-id", Integer.toString(broker.vmId));
        String xml = template.render(all);

        FileConfiguration configuration = new FileConfiguration();
        URL source = template.source().toUri().toURL();
        configuration.parse(XMLUtil.stringToElement(xml), source);
        // checked before the broker starts: a node without a memory bound must not start and later die of a backlog
        MemoryBound.require(configuration, template.source(), Runtime.getRuntime().maxMemory());
        // and none without a disk bound below its alerts: at the disk's end the journal fails and the broker stops
        DiskBound.require(configuration, template.source());
        MemoryBound.journalWarning(configuration, template.source(), MIN_LARGE_MESSAGE_BYTES).ifPresent(log::warn);
        configuration.setJMXManagementEnabled(true);
        // Artemis would cache a login by subject DN, which a node's renewed certificate shares with its old one:
        // each TLS login asks NodeSecurityManager, so after a renewal's overlap the old certificate is refused at once
        configuration.setAuthenticationCacheSize(0);
        configuration.getAcceptorConfigurations().removeIf(acceptor -> notOpened.contains(acceptor.getName()));
        // revocation is checked at login against the CRL in force (NodeSecurityManager), which follows a newly
        // published CRL at once and keeps working past its nextUpdate; the acceptor's file CRL would do neither
        configuration.getAcceptorConfigurations().forEach(acceptor -> acceptor.getParams().remove("crlPath"));

        broker.embedded.setConfiguration(configuration);
        broker.embedded.setSecurityManager(security);
        broker.embedded.setMbeanServer(ManagementFactory.getPlatformMBeanServer());
        broker.embedded.start();
        broker.requireAcceptorsListening();
        log.info("broker {} started from {} (in-VM id {})", broker.name, template.source(), broker.vmId);
        return broker;
    }

    /**
     * Artemis logs an acceptor that cannot bind and starts anyway: a node that peers cannot reach
     * must not. Acceptors may finish starting a moment after the server says it started (seen on a
     * loaded machine), so one that is not listening yet gets a few seconds before it counts as failed.
     */
    private void requireAcceptorsListening() throws Exception {
        java.util.List<String> silent = silentAcceptors();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!silent.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            silent = silentAcceptors();
        }
        if (!silent.isEmpty()) {
            close();
            throw new IllegalStateException("broker " + name + ": not every acceptor is listening (not started: " + silent
                    + "); is one of its link addresses in use, or not an address of this host? The broker log above says which");
        }
    }

    private java.util.List<String> silentAcceptors() {
        java.util.List<String> silent = new java.util.ArrayList<>();
        embedded.getActiveMQServer().getRemotingService().getAcceptors().forEach((acceptorName, acceptor) -> {
            if (!acceptor.isStarted()) {
                silent.add(acceptorName);
            }
        });
        java.util.Collections.sort(silent);
        return silent;
    }

    /**
     * Forgets cached logins and drops every peer connection whose client certificate is now refused (revoked, or
     * gone from the directory): a login is checked once, so a peer already connected would otherwise keep its session.
     *
     * @return how many connections were closed
     */
    public int closeConnections(java.util.function.Predicate<java.security.cert.X509Certificate> refused, String why) {
        // logins are not cached (see start); Artemis caches what a logged-in user may do (security-invalidation-interval)
        if (server().getSecurityStore() instanceof org.apache.activemq.artemis.core.security.impl.SecurityStoreImpl store) {
            store.invalidateAuthorizationCache();
        }
        int closed = 0;
        for (org.apache.activemq.artemis.spi.core.protocol.RemotingConnection c : server().getRemotingService().getConnections()) {
            java.security.cert.X509Certificate[] chain = org.apache.activemq.artemis.core.remoting.CertificateUtil.getCertsFromConnection(c);
            if (chain != null && chain.length > 0 && refused.test(chain[0])) {
                log.warn("broker {}: closing the connection of {} from {}: {}", name,
                        chain[0].getSubjectX500Principal().getName(), c.getRemoteAddress(), why);
                c.fail(new org.apache.activemq.artemis.api.core.ActiveMQSecurityException(why));
                closed++;
            }
        }
        return closed;
    }

    /**
     * Compacts the message journal now, so that the bytes of messages just removed (a purged, replayed or erased dead
     * letter, which may carry personal data) leave the journal files: Artemis only marks a removed record deleted, and
     * compacts a file on its own once enough of it is dead, which for a quiet node may be months later. The current
     * file is never compacted, so the journal moves on to a new file first; a freed file is deleted, not pooled
     * (journal-pool-files in broker-config/). Blocks until done, at most a minute.
     */
    public synchronized void compactJournal() throws Exception { // one at a time: a purge during the erasure waits
        var journal = server().getStorageManager().getMessageJournal();
        journal.forceMoveNextFile();
        journal.scheduleCompactAndBlock(60);
    }

    /** The longest a local send or commit waits for the broker's answer. */
    public static final long LOCAL_CALL_TIMEOUT_MILLIS = 30_000;

    /** The client the node itself uses on its broker, in-VM, with the settings every local client of the node needs. */
    public ActiveMQConnectionFactory localFactory(String user, String password) {
        ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory(inVmUrl(), user, password);
        // No client-side prefetch: with cached sessions, messages prefetched into a consumer that is
        // not being polled would sit there unseen until that session is used again.
        inVm.setConsumerWindowSize(0);
        inVm.setMinLargeMessageSize(MIN_LARGE_MESSAGE_BYTES);
        // No producer credits: at the disk bound the broker grants none, and a core client waits for them with no
        // timeout (ClientProducerCreditsImpl), so every local send would hang its thread: a silent stop. Without
        // credits DiskFullRefusal refuses the send at once and it fails into the outage path; a send that gets no
        // answer fails after the call timeout (Artemis' default, 30 s, stated here because the node relies on it).
        inVm.setProducerWindowSize(-1);
        inVm.setCallTimeout(LOCAL_CALL_TIMEOUT_MILLIS);
        return inVm;
    }

    /** URL the node itself connects with: the in-VM acceptor. */
    public String inVmUrl() {
        return "vm://" + vmId;
    }

    public ActiveMQServer server() {
        return embedded.getActiveMQServer();
    }

    public String name() {
        return name;
    }

    public static Path dataDir(Path home) {
        return home.resolve("broker");
    }

    @Override
    public void close() throws Exception {
        embedded.stop();
        log.info("broker {} stopped", name);
    }
}
