package org.jukibus.core;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything a node needs to know about itself, bound from {@code jukibus.*}. A node is one
 * config file (see {@code docs/configuration.md}) plus the shared {@code routes/} and
 * {@code broker-config/} folders.
 */
@ConfigurationProperties("jukibus")
public class NodeProperties {

    /** Which kind of node this is: municipal, prefecture, central or liaison. */
    private NodeRole role;
    /** Local government code (6 digits) of a municipality, 2-digit prefecture code, or id of central/liaison. */
    private String code;
    /** Data directory of this node: broker journal, seen-message store, embedded store (store/), legacy folders (by default). */
    private Path home;
    /** Folder holding the Camel routes (routes/common, routes/&lt;role&gt;). */
    private Path routesDir = Path.of("routes");
    /** Folder holding broker.xml per role. */
    private Path brokerConfigDir = Path.of("broker-config");

    private final Pki pki = new Pki();
    private final Directory directory = new Directory();
    private final Envelope envelope = new Envelope();
    private final ClockSettings clock = new ClockSettings();
    private final Link link = new Link();
    private final Legacy legacy = new Legacy();
    /** Per flow, by name ({@code jukibus.flows.<flow>.enabled}): which flows this node runs; all by default. */
    private final java.util.Map<String, FlowSwitch> flows = new java.util.LinkedHashMap<>();

    public static class FlowSwitch {
        /** Whether the flow's routes start: its drop folder is read and its inbound queue consumed. */
        private boolean enabled = true;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    private final Store store = new Store();
    private final Ha ha = new Ha();

    /** Primary/backup pair (第4の9(2)): see docs/operations.md, "Running a primary/backup pair". */
    public static class Ha {
        /** none (a single server), primary or backup: the server of the pair this process is. */
        private HaMode mode = HaMode.NONE;
        /** How often a waiting server tries the live lock. */
        private Duration pollInterval = Duration.ofMillis(500);

        public HaMode getMode() { return mode; }
        public void setMode(HaMode mode) { this.mode = mode; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
    }

    public static class Pki {
        /** PKCS#12 keystore holding this node's key and certificate. */
        private Path keystore;
        /**
         * During a certificate renewal, a second PKCS#12 key store of this node (same password): the new key before
         * the node switches to it, the old one after. Envelopes sealed to it open too; TLS and signatures use only
         * {@link #keystore}. Unset outside a renewal.
         */
        private Path renewalKeystore;
        /** PKCS#12 truststore holding the network root CA. */
        private Path truststore;
        /** File whose first line is the password of both stores. */
        private Path passwordFile;
        /** The network root CA certificate (PEM): the trust anchor of the directory. */
        private Path rootCa;
        /** The CA's certificate revocation list (PEM); revoked peers are refused at TLS. */
        private Path crl;

        public Path getKeystore() { return keystore; }
        public void setKeystore(Path keystore) { this.keystore = keystore; }
        public Path getRenewalKeystore() { return renewalKeystore; }
        public void setRenewalKeystore(Path renewalKeystore) { this.renewalKeystore = renewalKeystore; }
        public Path getTruststore() { return truststore; }
        public void setTruststore(Path truststore) { this.truststore = truststore; }
        public Path getPasswordFile() { return passwordFile; }
        public void setPasswordFile(Path passwordFile) { this.passwordFile = passwordFile; }
        public Path getRootCa() { return rootCa; }
        public void setRootCa(Path rootCa) { this.rootCa = rootCa; }
        public Path getCrl() { return crl; }
        public void setCrl(Path crl) { this.crl = crl; }
    }

    public static class Directory {
        /** The directory file signed by central. */
        private Path file;

        public Path getFile() { return file; }
        public void setFile(Path file) { this.file = file; }
    }

    public static class ClockSettings {
        /**
         * How far the node's clock is ahead of the system's when it starts (ISO-8601, e.g. P8D; negative
         * behind): for drills and tests. {@code <home>/state/clock-offset}, when present, overrides it
         * and moves the clock of the running node (org.jukibus.clock.ClockOffsetFile).
         */
        private Duration offset = Duration.ZERO;

        public Duration getOffset() { return offset; }
        public void setOffset(Duration offset) { this.offset = offset; }
    }

    public static class Envelope {
        /**
         * How long a message may wait for a recipient that is down (not a short age limit: waiting
         * in a queue must not turn a good message into a rejected one). A message still undelivered
         * this long after it was sealed expires at the sender (dead letter EXPIRED); a receiver
         * accepts envelopes created up to this long ago plus {@link #RECEIVER_MARGIN}, and remembers
         * the ids it delivered for as long (replay protection).
         */
        private Duration outageWindow = Duration.ofDays(30);
        /** How far a sender's clock may run ahead of ours. */
        private Duration maxFuture = Duration.ofMinutes(5);
        /** Largest envelope or legacy file accepted, in bytes. */
        private int maxBytes = 1024 * 1024;

        /**
         * What a receiver adds to the window: an envelope the sender forwarded just before the end of
         * the window may still wait in the receiver's inbound queue (a retry, a flow switched off for
         * a moment), and the two clocks may differ a little.
         */
        public static final Duration RECEIVER_MARGIN = Duration.ofDays(1);
        /** The shortest outage window a node accepts: a long holiday plus the time to repair a node. */
        public static final Duration MIN_OUTAGE_WINDOW = Duration.ofDays(30);

        public Duration getOutageWindow() { return outageWindow; }
        public void setOutageWindow(Duration outageWindow) {
            if (outageWindow.compareTo(MIN_OUTAGE_WINDOW) < 0) {
                throw new IllegalArgumentException("jukibus.envelope.outage-window " + outageWindow
                        + " is shorter than " + MIN_OUTAGE_WINDOW + ": a node down over a long holiday would lose its messages");
            }
            this.outageWindow = outageWindow;
        }
        /** Oldest created-at a receiver accepts (older: EXPIRED), and how long it remembers delivered ids. */
        public Duration receiverWindow() { return outageWindow.plus(RECEIVER_MARGIN); }
        public Duration getMaxFuture() { return maxFuture; }
        public void setMaxFuture(Duration maxFuture) { this.maxFuture = maxFuture; }
        public int getMaxBytes() { return maxBytes; }
        public void setMaxBytes(int maxBytes) { this.maxBytes = maxBytes; }
    }

    public static class Link {
        /** Most peer connections kept open at once; the least recently used is closed beyond it. */
        private int maxOpen = 2048;
        /** How long a send to a peer may take before the link is considered down. */
        private Duration callTimeout = Duration.ofSeconds(10);
        /** Confirmations slower than this, and far behind the batch's other peers', mark a peer slow (link.LinkPolicy). */
        private Duration slowConfirmation = Duration.ofSeconds(2);
        /** Threads forwarding from the outbound queue, each a batch at a time. */
        private int forwarders = 8;
        /** Outbound messages forwarded per local transaction (1: one at a time, each on its own). */
        private int batchSize = 50;
        /** How long a line that fell back to a peer's backup endpoint stays there before it tries the primary again. */
        private Duration primaryRetry = Duration.ofSeconds(60);
        /** How often a peer whose every line failed is tried again (sends to it fail at once meanwhile). */
        private Duration retryInterval = Duration.ofSeconds(2);
        /** How often envelopes parked for a peer whose link is not known down are moved back (a peer back meanwhile). */
        private Duration parkedCheck = Duration.ofMinutes(1);
        /**
         * How often parked envelopes the forwarder must decide again are moved back (outage window, directory, CRL). As
         * often as the check: a review reads a down peer's queue only up to its first envelope within the window, and an
         * envelope past the window (or for a peer the directory no longer lists) must reach its sender as NonDelivery
         * then, not up to an hour later.
         */
        private Duration parkedReview = Duration.ofMinutes(1);
        /** Where this node's primary acceptor binds, if not the primary endpoint its directory entry announces (NAT, port forward, proxy). */
        private String listenPrimary; // host:port
        /** Where this node's backup acceptor binds, if not the backup endpoint its directory entry announces. */
        private String listenBackup; // host:port

        public int getMaxOpen() { return maxOpen; }
        public void setMaxOpen(int maxOpen) { this.maxOpen = maxOpen; }
        public Duration getCallTimeout() { return callTimeout; }
        public void setCallTimeout(Duration callTimeout) { this.callTimeout = callTimeout; }
        public Duration getSlowConfirmation() { return slowConfirmation; }
        public void setSlowConfirmation(Duration slowConfirmation) { this.slowConfirmation = slowConfirmation; }
        public int getForwarders() { return forwarders; }
        public void setForwarders(int forwarders) { this.forwarders = forwarders; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public Duration getPrimaryRetry() { return primaryRetry; }
        public void setPrimaryRetry(Duration primaryRetry) { this.primaryRetry = primaryRetry; }
        public Duration getRetryInterval() { return retryInterval; }
        public Duration getParkedCheck() { return parkedCheck; }
        public void setParkedCheck(Duration parkedCheck) { this.parkedCheck = parkedCheck; }
        public Duration getParkedReview() { return parkedReview; }
        public void setParkedReview(Duration parkedReview) { this.parkedReview = parkedReview; }
        public void setRetryInterval(Duration retryInterval) { this.retryInterval = retryInterval; }
        public String getListenPrimary() { return listenPrimary; }
        public void setListenPrimary(String listenPrimary) { this.listenPrimary = listenPrimary; }
        public String getListenBackup() { return listenBackup; }
        public void setListenBackup(String listenBackup) { this.listenBackup = listenBackup; }
    }

    public static class Legacy {
        /** Root of the drop folders shared with the legacy resident-record system (default: home/legacy, application.properties). */
        private Path root;

        public Path getRoot() { return root; }
        public void setRoot(Path root) { this.root = root; }
    }

    /** The node's PostgreSQL store: embedded in home/store/ unless {@code url} names a server. */
    public static class Store {
        /** JDBC URL of an external PostgreSQL server ({@code jdbc:postgresql://host:port/db}); unset: the node runs its own. */
        private String url;
        /** User the node logs in as on the external server. */
        private String username;
        /** File whose first line is that user's password. */
        private Path passwordFile;
        /** Most connections the node holds open to its store at once. */
        private int poolSize = 8;
        /** Start on a store whose commits are not flushed (synchronous_commit off or local), accepting the loss a crash brings. */
        private boolean allowAsynchronousCommit;

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public Path getPasswordFile() { return passwordFile; }
        public void setPasswordFile(Path passwordFile) { this.passwordFile = passwordFile; }
        public int getPoolSize() { return poolSize; }
        public void setPoolSize(int poolSize) { this.poolSize = poolSize; }
        public boolean isAllowAsynchronousCommit() { return allowAsynchronousCommit; }
        public void setAllowAsynchronousCommit(boolean allowAsynchronousCommit) { this.allowAsynchronousCommit = allowAsynchronousCommit; }
    }

    public NodeRole getRole() { return role; }
    public void setRole(NodeRole role) { this.role = role; }
    public String getCode() { return code; }
    public void setCode(String code) { this.code = code; }
    public Path getHome() { return home; }
    public void setHome(Path home) { this.home = home; }
    public Path getRoutesDir() { return routesDir; }
    public void setRoutesDir(Path routesDir) { this.routesDir = routesDir; }
    public Path getBrokerConfigDir() { return brokerConfigDir; }
    public void setBrokerConfigDir(Path brokerConfigDir) { this.brokerConfigDir = brokerConfigDir; }
    public Pki getPki() { return pki; }
    public Directory getDirectory() { return directory; }
    public Envelope getEnvelope() { return envelope; }
    public ClockSettings getClock() { return clock; }
    public Link getLink() { return link; }
    public Legacy getLegacy() { return legacy; }
    public java.util.Map<String, FlowSwitch> getFlows() { return flows; }
    public Store getStore() { return store; }
    public Ha getHa() { return ha; }

    /** The legacy drop-folder root, home/legacy unless configured. */
    public Path legacyRoot() {
        return legacy.root != null ? legacy.root : home.resolve("legacy");
    }

}
