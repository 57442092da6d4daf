package org.jukibus.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.approval.ApprovedPrograms;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.BrokerTemplate;
import org.jukibus.broker.NodeBroker;
import org.jukibus.broker.NodeSecurityManager;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.clock.ClockOffsetFile;
import org.jukibus.clock.NodeClock;
import org.jukibus.directory.CrlRenewal;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.LiveDirectory;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.flow.TrustDistribution;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answers;
import org.jukibus.flow.DeadLetters;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.FlowHandlers;
import org.jukibus.flow.Flows;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.LegacyIntake;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.ParkedEnvelopes;
import org.jukibus.flow.PeerForwarder;
import org.jukibus.flow.OutageWindowPurge;
import org.jukibus.flow.nondelivery.UnansweredMessages;
import org.jukibus.flow.SeenMessages;
import org.jukibus.flow.SentPayloads;
import org.jukibus.flow.WaitingMessages;
import org.jukibus.flow.nondelivery.DeliveryStatus;
import org.jukibus.link.LinkPolicy;
import org.jukibus.link.PeerLinks;
import org.jukibus.link.TlsClientSettings;
import org.jukibus.flow.FlowMetrics;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeRole;
import org.jukibus.core.NodeSettings;
import org.jukibus.envelope.NodeEnvelopes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * Wires one node: its keys, the signed directory, its broker from broker-config/, the local JMS
 * connection, the links to peers and the beans the routes in routes/ call.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NodeProperties.class, org.jukibus.flow.UnopenedDeadLetterProperties.class})
public class NodeConfiguration {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NodeConfiguration.class);

    /** The node's one clock, movable while the node runs (see {@link NodeClock}); starts at the offset file's, else the configured offset. */
    @Bean
    NodeClock clock(NodeSettings settings, NodeProperties properties) {
        return new NodeClock(Clock.systemUTC(),
                ClockOffsetFile.startOffset(settings.home(), properties.getClock().getOffset()));
    }

    /** Whether the host's time service says the system clock is synchronised: a WARN at start if not, read again every 5 minutes. */
    @Bean(destroyMethod = "close")
    org.jukibus.clock.ClockSync clockSync() {
        return org.jukibus.clock.ClockSync.ofHost();
    }

    /** Moves the clock when an operator writes {@code <home>/state/clock-offset} ({@code jukibus clock set}). */
    @Bean(destroyMethod = "close")
    ClockOffsetFile clockOffsetFile(NodeSettings settings, NodeClock clock, OperationLog operationLog) {
        return ClockOffsetFile.watch(settings.home(), clock, operationLog);
    }

    @Bean
    NodeSettings nodeSettings(NodeProperties properties, org.springframework.core.env.Environment environment) throws IOException {
        RouteSettings.check(environment::getProperty);
        return NodeSettings.from(properties);
    }

    @Bean
    KeyMaterial nodeKeys(NodeSettings settings) throws IOException {
        return ownKeys(settings.keystore(), settings);
    }

    /** The key in {@code store} (password of the node's stores), refused unless its certificate names this node. */
    private static KeyMaterial ownKeys(Path store, NodeSettings settings) throws IOException {
        KeyMaterial keys = KeyStores.readKeyStore(store, settings.storePassword().toCharArray());
        NodeIdentity identity = keys.identity();
        if (identity.role() != settings.role() || !identity.code().equals(settings.code())) {
            throw new IllegalStateException("the keystore " + store + " holds the certificate of " + identity
                    + ", not of this node (" + settings.role().id() + " " + settings.code() + ")");
        }
        return keys;
    }

    /**
     * The directory and CRL in force: the configured files at first start, then whatever newer one central
     * published (directory.TrustDistribution), kept in home/trust/.
     */
    @Bean
    NetworkTrust networkTrust(NodeSettings settings, Clock clock) throws Exception {
        return NetworkTrust.start(settings.home().resolve("trust"), settings.directoryFile(), settings.crl(),
                Pem.readCertificate(settings.rootCa()), settings.code(), settings.role(), clock);
    }

    /** The directory: a live view, every call reads the one in force. */
    @Bean
    NodeDirectory nodeDirectory(NetworkTrust trust) {
        return new LiveDirectory(trust);
    }

    @Bean
    TrustDistribution trustDistribution(NetworkTrust trust, NodeSettings settings) {
        return new TrustDistribution(trust, settings.code(), settings.role());
    }

    /** Central only, with the CA configured there: the CRL re-issued before it is due (see docs/security.md). */
    @Bean
    CrlRenewal crlRenewal(NodeSettings settings, NetworkTrust trust, Clock clock,
                          @Value("${jukibus.trust.crl-renewal.ca-dir:}") String caDir,
                          @Value("${jukibus.trust.crl-renewal.password-file:}") String passwordFile,
                          @Value("${jukibus.trust.crl-renewal.before:3d}") java.time.Duration before,
                          @Value("${jukibus.trust.crl-renewal.next-update:7d}") java.time.Duration nextUpdate) {
        if (!caDir.isBlank() && settings.role() != NodeRole.CENTRAL) {
            throw new IllegalStateException("jukibus.trust.crl-renewal.ca-dir: only central renews the CRL (this node is "
                    + settings.role().id() + "); keep the CA key off other nodes");
        }
        if (!caDir.isBlank() && passwordFile.isBlank()) {
            throw new IllegalStateException("jukibus.trust.crl-renewal.ca-dir is set but jukibus.trust.crl-renewal.password-file is not");
        }
        return new CrlRenewal(caDir.isBlank() ? null : java.nio.file.Path.of(caDir),
                passwordFile.isBlank() ? null : java.nio.file.Path.of(passwordFile), before, nextUpdate, trust, clock);
    }

    /** Refused logins, denied permissions and messages refused for security reasons: logged, and counted for the heartbeat to central. */
    @Bean
    SecurityEvents securityEvents(Clock clock) {
        return new SecurityEvents(clock);
    }

    @Bean(destroyMethod = "close")
    NodeBroker nodeBroker(NodeSettings settings, NodeDirectory directory, NetworkTrust trust, NodeProperties properties,
                          SecurityEvents securityEvents, ApprovedPrograms programs,
                          org.jukibus.flow.DeliveryFailures deliveryFailures)
            throws Exception {
        NodeEntry self = directory.byCode(settings.code()).orElseThrow();
        Map<String, String> values = new HashMap<>();
        values.put("jukibus.broker.name", "jukibus-" + settings.code());
        values.put("jukibus.broker.data", NodeBroker.dataDir(settings.home()).toString());
        // acceptors listen where the directory says peers find this node, unless something in front forwards to them
        NodeProperties.Link link = properties.getLink();
        putEndpoint(values, "jukibus.link.primary", link.getListenPrimary() != null ? Endpoint.parse(link.getListenPrimary()) : self.primary());
        putEndpoint(values, "jukibus.link.backup", link.getListenBackup() != null ? Endpoint.parse(link.getListenBackup()) : self.backup());
        values.put("jukibus.tls.keystore", settings.keystore().toString());
        values.put("jukibus.tls.keystore-password", settings.storePassword());
        values.put("jukibus.tls.truststore", settings.truststore().toString());
        values.put("jukibus.tls.truststore-password", settings.storePassword());
        values.put("jukibus.tls.crl", settings.crl().toString());
        NodeSecurityManager security = new NodeSecurityManager(settings.localSecret(),
                cert -> trust.revoked(cert) ? java.util.Optional.empty()
                        : directory.byCertificate(cert).map(e -> new NodeSecurityManager.Peer(e.code(), e.role().id())),
                securityEvents);
        // the broker.xml the officer approved, as verified (ApprovedPrograms)
        // a server of a primary/backup pair listens only where the directory says peers find that server
        String notOpened = properties.getHa().getMode().acceptorNotOpened();
        NodeBroker broker = NodeBroker.start(BrokerTemplate.load(programs.brokerConfigDir(), settings.role().id()), values, security,
                notOpened == null ? java.util.Set.of() : java.util.Set.of(notOpened));
        try {
            org.jukibus.broker.RedeliveryPolicy.requireNodeFirst(broker.server(), deliveryFailures.mostAttempts(),
                    deliveryFailures.unclassifiedAttempts(),
                    deliveryFailures.longestWait());
        } catch (IllegalStateException e) {
            broker.close();
            throw e;
        }
        // a peer revoked or removed by a newly published CRL or directory loses the session it already has
        trust.onChange(state -> broker.closeConnections(
                cert -> state.crl().isRevoked(cert) || state.directory().byCertificate(cert).isEmpty(),
                "revoked or no longer in the directory"));
        return broker;
    }

    private static void putEndpoint(Map<String, String> values, String prefix, Endpoint endpoint) {
        values.put(prefix + ".host", endpoint.host());
        values.put(prefix + ".port", Integer.toString(endpoint.port()));
    }

    @Bean(destroyMethod = "destroy")
    CachingConnectionFactory localConnectionFactory(NodeBroker broker, NodeSettings settings) {
        ActiveMQConnectionFactory inVm = broker.localFactory(NodeSecurityManager.LOCAL_USER, settings.localSecret());
        CachingConnectionFactory caching = new CachingConnectionFactory(inVm);
        // Every delivery consumer and forwarder takes a session from here for each transaction (see
        // jms()), intake threads one per send: room for all of them at once, so none is closed and
        // opened again on the broker each time
        caching.setSessionCacheSize(128);
        caching.setCacheConsumers(false);
        return caching;
    }

    @Bean
    JmsTransactionManager jmsTransactionManager(ConnectionFactory localConnectionFactory, ObjectProvider<TestFaultPoint> faultPoint) {
        JmsTransactionManager transactionManager = new JmsTransactionManager(localConnectionFactory);
        faultPoint.ifAvailable(transactionManager::addListener);
        return transactionManager;
    }

    /** The transaction policy the routes' {@code transacted} step uses: it joins the transaction the consumer began (see jms()). */
    @Bean("PROPAGATION_REQUIRED")
    SpringTransactionPolicy propagationRequired(JmsTransactionManager transactionManager) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(transactionManager);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        return policy;
    }

    /**
     * One JMS transaction per consumed message: the consumer (delivery, forwarding) begins it with
     * the transaction manager, receives on the transaction manager's session, and every local send
     * of the route (answers, dead letters) goes through that same session, over the same connection
     * factory; one commit. CACHE_NONE is what makes the consumer use that session: with a cached
     * consumer (CACHE_CONSUMER) the listener container receives on a session of its own and
     * commits it before the transaction manager commits the sends: two commits, and a window between
     * them (DeliveryCommitIT crashes a node there).
     */
    @Bean("jms")
    JmsComponent jms(ConnectionFactory localConnectionFactory, JmsTransactionManager transactionManager,
                     ObjectProvider<TestFaultPoint> faultPoint) {
        JmsComponent jms = JmsComponent.jmsComponentTransacted(localConnectionFactory, transactionManager);
        jms.setCacheLevelName("CACHE_NONE");
        jms.setDeliveryPersistent(true);
        faultPoint.ifAvailable(jms::setMessageCreatedStrategy);
        return jms;
    }

    /**
     * The delivery and trust routes' listener container ({@code messageListenerContainerFactory=#bean:longReceives}):
     * a long idle receive that a stop ends at once, the message it may be returning put back (LongReceiveContainer).
     */
    @Bean("longReceives")
    org.apache.camel.component.jms.MessageListenerContainerFactory longReceives() {
        return LongReceiveContainer.factory();
    }

    /** TEST ONLY: a crash injected for the kill tests; absent unless jukibus.test.fault-point is set. */
    @Bean
    @ConditionalOnProperty("jukibus.test.fault-point")
    TestFaultPoint testFaultPoint(@Value("${jukibus.test.fault-point}") String faultPoint) {
        return new TestFaultPoint(faultPoint);
    }

    /** The flows this version knows; a switch in the config file for any other name is a typo, refused. */
    @Bean
    Flows flows(NodeProperties properties) {
        Flows flows = Flows.standard();
        for (String name : properties.getFlows().keySet()) {
            if (!flows.names().contains(name)) {
                throw new IllegalStateException("jukibus.flows." + name + ": there is no flow named '" + name
                        + "' (known: " + String.join(", ", flows.names()) + ")");
            }
        }
        return flows;
    }

    @Bean
    NodeEnvelopes nodeEnvelopes(NodeSettings settings, KeyMaterial keys, NodeDirectory directory, NetworkTrust trust,
                                NodeProperties properties, Clock clock) throws IOException {
        Path renewal = properties.getPki().getRenewalKeystore();
        KeyMaterial renewalKeys = renewal == null ? null : ownKeys(renewal, settings);
        return new NodeEnvelopes(settings.code(), keys, renewalKeys, directory, trust::crl, properties.getEnvelope(), clock);
    }

    /**
     * Delivered ids in the store for the receiver window and one outage window more (an expired copy of a delivered
     * message is then still known as one: no false notice); the ids of the file that kept them before are imported once.
     */
    @Bean
    SeenMessages seenMessages(DataSource store, NodeSettings settings, NodeProperties properties, Clock clock) throws IOException {
        NodeProperties.Envelope envelope = properties.getEnvelope();
        SeenMessages seen = new SeenMessages(store, clock,
                envelope.receiverWindow().plus(envelope.getOutageWindow()).plus(envelope.getMaxFuture()));
        seen.importLog(settings.home().resolve("state").resolve("seen-messages.log"));
        return seen;
    }

    /**
     * Payloads sealed from legacy inputs, for the outage window and the resend allowance after it: what
     * {@code jukibus dlq resend} seals again once a message expired.
     */
    @Bean
    SentPayloads sentPayloads(DataSource store, NodeProperties properties, Clock clock,
                              @org.springframework.beans.factory.annotation.Value("${jukibus.delivery.resend-allowance:14d}")
                              Duration resendAllowance) {
        return new SentPayloads(store, clock, properties.getEnvelope().getOutageWindow(), resendAllowance);
    }

    @Bean(destroyMethod = "close")
    OutageWindowPurge outageWindowPurge(SeenMessages seen, SentPayloads sent, UnansweredMessages deliveryStatus,
                                        NodeProperties properties, Clock clock) {
        Duration window = properties.getEnvelope().getOutageWindow();
        return new OutageWindowPurge(Map.of("delivered message ids", seen::purge, "sent payloads", sent::purge,
                "delivery status rows", () -> {
                    Instant now = NodeClock.forForgetting(clock);
                    return deliveryStatus.purge(now.minus(window), now.minus(window.multipliedBy(2)));
                }));
    }

    /** Waiting outbound messages; released once at start-up (peers may be back by now), then per peer as it comes back. */
    @Bean
    WaitingMessages waitingMessages(NodeBroker broker) {
        WaitingMessages waiting = new WaitingMessages(broker.server());
        waiting.releaseAll();
        return waiting;
    }

    /** Envelopes for peers that are down, on disk (flow.ParkedEnvelopes); peerLinks() releases, peerForwarder() schedules. */
    @Bean(destroyMethod = "close")
    ParkedEnvelopes parkedEnvelopes(NodeBroker broker, ConnectionFactory localConnectionFactory) {
        // an approved broker.xml from before parking: the node runs (the officer approves the new one), and says why
        ParkedEnvelopes.missingSettings(broker.server()).ifPresent(log::warn);
        return new ParkedEnvelopes(broker.server(), localConnectionFactory);
    }

    @Bean(destroyMethod = "close")
    PeerLinks peerLinks(NodeSettings settings, NodeDirectory directory, NetworkTrust trust, NodeProperties properties,
                        WaitingMessages waiting, ParkedEnvelopes parked) {
        TlsClientSettings tls = new TlsClientSettings(settings.keystore(), settings.storePassword(),
                settings.truststore(), settings.storePassword());
        NodeProperties.Link link = properties.getLink();
        LinkPolicy policy = new LinkPolicy(link.getCallTimeout(), link.getMaxOpen(), link.getPrimaryRetry(), link.getRetryInterval(),
                link.getSlowConfirmation());
        // the system's clock, not the node's: these are retry intervals, not decisions by time, and a node
        // clock moved back (the end of a drill) must not keep a peer "down" for the distance it moved
        PeerLinks links = new PeerLinks(code -> directory.byCode(code).map(e -> List.of(e.primary(), e.backup())), tls, policy,
                Clock.systemUTC(), peer -> {
                    waiting.releaseFor(peer);
                    parked.releaseFor(peer);
                });
        // lines follow a new directory's endpoints; a new CRL alone changes no endpoint
        java.util.concurrent.atomic.AtomicLong serial = new java.util.concurrent.atomic.AtomicLong(trust.directory().serial());
        trust.onChange(state -> {
            if (serial.getAndSet(state.directory().serial()) != state.directory().serial()) {
                links.reopenAll();
            }
        });
        return links;
    }

    // --- the beans routes/ refers to by name ---

    /** The drop folders' readers (scheduler=#dropFolderScheduler): woken by a file arriving; one per folder, hence a prototype. */
    @Bean
    @org.springframework.context.annotation.Scope("prototype")
    org.jukibus.adapter.file.DropFolderScheduler dropFolderScheduler(org.jukibus.adapter.file.WaitingFiles waitingFiles) {
        return new org.jukibus.adapter.file.DropFolderScheduler(waitingFiles);
    }

    /** Drop folders whose files wait for an outage of the node to pass (routes/common/error-handling.yaml, legacy-input-errors). */
    @Bean
    org.jukibus.adapter.file.WaitingFiles waitingFiles(Clock clock, io.micrometer.core.instrument.MeterRegistry registry,
            @Value("${jukibus.legacy.outage-retry:5s}") Duration retry) {
        if (retry.compareTo(Duration.ofMillis(100)) < 0 || retry.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("jukibus.legacy.outage-retry must be between 100ms and 10m, not " + retry);
        }
        return new org.jukibus.adapter.file.WaitingFiles(clock, retry, registry);
    }

    /** Which failed legacy inputs wait for the node instead of going to error/ (legacy-input-errors' onWhen). */
    @Bean
    org.jukibus.flow.LegacyInputOutages legacyInputOutages() {
        return new org.jukibus.flow.LegacyInputOutages();
    }

    /** The flows' own handlers: every {@link FlowHandler} bean (the flow packages' configurations declare them). */
    @Bean
    FlowHandlers flowHandlers(List<FlowHandler> handlers) {
        return new FlowHandlers(handlers);
    }

    @Bean
    LegacyIntake legacyIntake(Flows flows, FlowHandlers handlers, NodeDirectory directory, NodeEnvelopes envelopes,
                              LegacyOutbox outbox, TransferLedger ledger, NodeSettings settings, OperationLog operationLog,
                              SentPayloads sentPayloads, org.jukibus.flow.SendingStatus sendingStatus,
                              org.jukibus.adapter.file.WaitingFiles waitingFiles) {
        return new LegacyIntake(flows, handlers, directory, envelopes, outbox, ledger, settings.legacyRoot(), operationLog,
                sentPayloads, sendingStatus, waitingFiles);
    }

    @Bean
    TransferLedger transferLedger(DataSource store, Clock clock) {
        return new TransferLedger(store, clock);
    }

    @Bean
    InboundDelivery inboundDelivery(Flows flows, FlowHandlers handlers, LegacyOutbox outbox, NodeEnvelopes envelopes,
                                    SeenMessages seen, FlowMetrics metrics, OperationLog operationLog,
                                    org.jukibus.evidence.EvidenceStore evidence, org.jukibus.flow.ClockAheadHold clockAheadHold) {
        return new InboundDelivery(flows, handlers, outbox, envelopes, seen, metrics, operationLog, evidence, clockAheadHold);
    }

    /**
     * Envelopes refused CLOCK_AHEAD held for {@code jukibus.delivery.clock-ahead-hold} rather than told at once: this
     * node's clock may be the one behind (docs/configuration.md, docs/deployment.md "The host clock").
     */
    @Bean
    org.jukibus.flow.ClockAheadHold clockAheadHold(DataSource store, Clock clock, NodeProperties properties,
            @Value("${jukibus.delivery.clock-ahead-hold:}") String hold,
            @Value("${jukibus.delivery.clock-ahead-hold-max-envelopes:20000}") int maxEnvelopes,
            @Value("${jukibus.delivery.clock-ahead-hold-max-bytes:1GB}") String maxBytes) {
        // unset: the outage window, as long as a down peer's envelopes wait for it (one setting to keep in step)
        Duration held = hold.isBlank() ? properties.getEnvelope().getOutageWindow()
                : org.springframework.boot.convert.DurationStyle.detectAndParse(hold);
        return new org.jukibus.flow.ClockAheadHold(store, clock, held, properties.getEnvelope().getMaxFuture(),
                new org.jukibus.flow.ClockAheadHold.Bound(maxEnvelopes, org.springframework.util.unit.DataSize.parse(maxBytes).toBytes()));
    }

    /** Puts held envelopes back on their inbound queues once due, every minute; the gauge of what is held. */
    @Bean(destroyMethod = "close")
    org.jukibus.flow.ClockAheadRelease clockAheadRelease(org.jukibus.flow.ClockAheadHold hold, ConnectionFactory localConnectionFactory,
                                                         io.micrometer.core.instrument.MeterRegistry registry, NodeProperties properties) {
        return new org.jukibus.flow.ClockAheadRelease(hold, localConnectionFactory, registry,
                properties.getEnvelope().getOutageWindow(), Duration.ofMinutes(1));
    }

    @Bean
    LegacyOutbox legacyOutbox(NodeSettings settings, TransferLedger ledger) {
        return new LegacyOutbox(settings.legacyRoot(), ledger);
    }

    @Bean
    Answers answers(FlowHandlers handlers, NodeEnvelopes envelopes, DeliveryStatus deliveryStatus,
                    org.jukibus.flow.ReceiptBatching receiptBatches, Clock clock, SentPayloads sentPayloads) {
        // an answer that cannot be sealed (its recipient not in the directory) is kept and dead-lettered, not lost
        return new Answers(handlers, envelopes, deliveryStatus, receiptBatches, clock).holdingUnsealable(sentPayloads);
    }

    @Bean
    PeerForwarder peerForwarder(PeerLinks links, Flows flows, FlowMetrics metrics, OperationLog operationLog,
                                NodeProperties properties, Clock clock, NodeEnvelopes envelopes, ParkedEnvelopes parked,
                                NodeDirectory directory) {
        Duration outageWindow = properties.getEnvelope().getOutageWindow();
        // the parked envelopes go back when the links say a peer is not down, and at each review what the forwarder
        // must decide: a recipient gone from the directory or revoked, an envelope at the end of the outage window
        // a slow peer's stay parked as a down peer's do: the slow lane forwards them (SlowLane), not the shared batches
        parked.schedule(peer -> links.knownDown(peer) || links.slow(peer),
                peer -> directory.byCode(peer).isEmpty() || envelopes.recipientRevoked(peer),
                outageWindow, clock, properties.getLink().getParkedCheck(), properties.getLink().getParkedReview());
        return new PeerForwarder(links, flows, metrics, operationLog, outageWindow, clock)
                .refusingRevoked(envelopes::recipientRevoked).parkingFor(parked);
    }

    /**
     * The forwarding route's consumer (routes/common/forwarding.yaml): the outbound queue in batches. Also switches on
     * the one forwarding route {@code jukibus.link.batch-size} asks for: {@code forward-outbound} (batches) above 1,
     * {@code forward-outbound-single} (one message per transaction, as before batching) at 1.
     */
    @Bean("outbound-batches")
    org.jukibus.flow.OutboundBatches outboundBatches(PeerForwarder forwarder, JmsTransactionManager transactionManager,
                                                     ConnectionFactory localConnectionFactory, NodeBroker broker,
                                                     NodeProperties properties, ParkedEnvelopes parked,
                                                     org.springframework.core.env.ConfigurableEnvironment environment) {
        NodeProperties.Link link = properties.getLink();
        if (link.getBatchSize() < 1) {
            throw new IllegalArgumentException("jukibus.link.batch-size must be at least 1, not " + link.getBatchSize());
        }
        boolean batched = link.getBatchSize() > 1;
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("forwarding route",
                Map.of("jukibus.link.forward-in-batches", String.valueOf(batched),
                        "jukibus.link.forward-one-by-one", String.valueOf(!batched))));
        String outbound = "jukibus.outbound";
        return new org.jukibus.flow.OutboundBatches(new org.jukibus.flow.OutboundBatches.Settings(forwarder, transactionManager,
                localConnectionFactory,
                org.jukibus.flow.ForwardRetries.of(outbound, broker.server().getAddressSettingsRepository().getMatch(outbound))
                        .parkingIn(parked),
                link.getBatchSize(), org.jukibus.link.PeerLinks.BATCH_BYTES, link.getForwarders(),
                link.getCallTimeout().plusSeconds(5)));
    }

    /**
     * The slow lane: the parked envelopes of peers slow to confirm, forwarded apart from the shared batches, and the gauge
     * jukibus_link_slow_peers.
     */
    @Bean(destroyMethod = "close")
    org.jukibus.flow.SlowLane slowLane(PeerLinks links, PeerForwarder forwarder, ParkedEnvelopes parked,
                                       ConnectionFactory localConnectionFactory, org.apache.camel.CamelContext camel,
                                       NodeProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        org.jukibus.flow.SlowLane.measure(registry, links::slowCount);
        return new org.jukibus.flow.SlowLane(links, forwarder, parked, links::knownDown, localConnectionFactory, camel,
                properties.getLink().getBatchSize(), PeerLinks.BATCH_BYTES).start(Duration.ofSeconds(1));
    }

    /** Which failed deliveries wait and which are dead-lettered (routes/common/error-handling.yaml, delivery-retries). */
    @Bean
    org.jukibus.flow.DeliveryFailures deliveryFailures(@Value("${jukibus.delivery.max-attempts:8}") int maxAttempts,
                                                       @Value("${jukibus.delivery.transient-max-attempts:-1}") int transientMaxAttempts,
                                                       @Value("${jukibus.delivery.statement-timeout-attempts:3}") int statementTimeoutAttempts,
                                                       NodeProperties properties, Clock clock, org.jukibus.store.StoreProbe storeProbe,
                                                       io.micrometer.core.instrument.MeterRegistry registry) {
        return new org.jukibus.flow.DeliveryFailures(maxAttempts, transientMaxAttempts,
                properties.getEnvelope().getOutageWindow(), clock,
                new org.jukibus.flow.SlowStatements(storeProbe::ask, statementTimeoutAttempts, registry));
    }

    /**
     * Whether the store answers a trivial query within 5 s (flow.SlowStatements: a store timeout of one message's
     * statement, or the store slow for everyone). Longer than a loaded store takes for {@code SELECT} (milliseconds),
     * far shorter than the timeouts it tells apart (minutes).
     */
    @Bean
    org.jukibus.store.StoreProbe storeProbe(DataSource store) {
        return new org.jukibus.store.StoreProbe(store, Duration.ofSeconds(5));
    }

    /** Failed attempts logged once per cause, and the messages waiting on a transient failure counted. */
    @Bean
    org.jukibus.flow.FailedAttempts failedAttempts(io.micrometer.core.instrument.MeterRegistry registry, Clock clock) {
        return new org.jukibus.flow.FailedAttempts(registry, clock);
    }

    /** An inbound queue's delivery suspended while an outage lasts, one message tried at a time (peer-delivery's first step). */
    @Bean
    org.jukibus.flow.DeliverySuspension deliverySuspension(io.micrometer.core.instrument.MeterRegistry registry, Clock clock,
            NodeBroker broker,
            @Value("${jukibus.delivery.suspended-retry:1s}") Duration firstWait,
            @Value("${jukibus.delivery.suspended-retry-max:1m}") Duration longestWait) {
        return new org.jukibus.flow.DeliverySuspension(registry, clock, firstWait, longestWait, queue -> {
            // every message in the queue: paged, scheduled (a redelivery delay) and held by a consumer included
            var server = broker.server();
            var found = server == null ? null : server.locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(queue));
            return found == null ? -1 : found.getMessageCount();
        });
    }

    /** The timer routes' runs failing on an outage: logged once per episode, counted (routes/common/error-handling.yaml, scheduled-outages). */
    @Bean
    org.jukibus.flow.ScheduledOutages scheduledOutages(io.micrometer.core.instrument.MeterRegistry registry, Clock clock) {
        return new org.jukibus.flow.ScheduledOutages(registry, clock);
    }

    @Bean
    DeadLetters deadLetters(Clock clock, FlowMetrics metrics, OperationLog operationLog, SecurityEvents securityEvents,
                            org.jukibus.flow.UnopenedDeadLetterProperties unopened) {
        return new DeadLetters(clock, metrics, operationLog, securityEvents,
                new org.jukibus.flow.UnopenedDeadLetters(unopened.bound(), clock, metrics));
    }

    @Bean
    ErrorReports errorReports(NodeSettings settings, Clock clock, TransferLedger ledger) {
        return new ErrorReports(settings.legacyRoot(), clock, ledger);
    }
}
