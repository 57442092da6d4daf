package org.jukibus.node;

import java.io.IOException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
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
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answers;
import org.jukibus.flow.DeadLetters;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.FlowHandlers;
import org.jukibus.flow.Flows;
import org.jukibus.flow.InboundDelivery;
import org.jukibus.flow.LegacyIntake;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.PeerForwarder;
import org.jukibus.flow.SeenMessages;
import org.jukibus.flow.WaitingMessages;
import org.jukibus.link.LinkPolicy;
import org.jukibus.link.PeerLinks;
import org.jukibus.link.TlsClientSettings;
import org.jukibus.ops.FlowMetrics;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;
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
@EnableConfigurationProperties(NodeProperties.class)
public class NodeConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    NodeSettings nodeSettings(NodeProperties properties) throws IOException {
        return NodeSettings.from(properties);
    }

    @Bean
    KeyMaterial nodeKeys(NodeSettings settings) throws IOException {
        KeyMaterial keys = KeyStores.readKeyStore(settings.keystore(), settings.storePassword().toCharArray());
        NodeIdentity identity = keys.identity();
        if (identity.role() != settings.role() || !identity.code().equals(settings.code())) {
            throw new IllegalStateException("the keystore " + settings.keystore() + " holds the certificate of " + identity
                    + ", not of this node (" + settings.role().id() + " " + settings.code() + ")");
        }
        return keys;
    }

    /** The network CA's revocation list: revoked peers are refused at TLS and as envelope senders. */
    @Bean
    X509CRL networkCrl(NodeSettings settings) throws IOException {
        return Pem.readCrl(settings.crl());
    }

    @Bean
    NodeDirectory nodeDirectory(NodeSettings settings, X509CRL crl, Clock clock) throws Exception {
        X509Certificate rootCa = Pem.readCertificate(settings.rootCa());
        NodeDirectory directory = DirectoryLoader.load(settings.directoryFile(), rootCa, crl, clock);
        NodeEntry self = directory.byCode(settings.code()).orElseThrow(() -> new IllegalStateException(
                "this node (" + settings.code() + ") is not in the directory " + settings.directoryFile()));
        if (self.role() != settings.role()) {
            throw new IllegalStateException("the directory lists " + settings.code() + " as " + self.role().id()
                    + " but this node is configured as " + settings.role().id());
        }
        return directory;
    }

    /** Refused logins, denied permissions and messages refused for security reasons: logged, and counted for the heartbeat to central. */
    @Bean
    SecurityEvents securityEvents() {
        return new SecurityEvents();
    }

    @Bean(destroyMethod = "close")
    NodeBroker nodeBroker(NodeSettings settings, NodeDirectory directory, NodeProperties properties,
                          SecurityEvents securityEvents, ApprovedPrograms programs) throws Exception {
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
                cert -> directory.byCertificate(cert).map(e -> new NodeSecurityManager.Peer(e.code(), e.role().id())),
                securityEvents);
        // the broker.xml the officer approved, as verified (ApprovedPrograms)
        // a server of a primary/backup pair listens only where the directory says peers find that server
        String notOpened = properties.getHa().getMode().acceptorNotOpened();
        return NodeBroker.start(BrokerTemplate.load(programs.brokerConfigDir(), settings.role().id()), values, security,
                notOpened == null ? java.util.Set.of() : java.util.Set.of(notOpened));
    }

    private static void putEndpoint(Map<String, String> values, String prefix, Endpoint endpoint) {
        values.put(prefix + ".host", endpoint.host());
        values.put(prefix + ".port", Integer.toString(endpoint.port()));
    }

    @Bean(destroyMethod = "destroy")
    CachingConnectionFactory localConnectionFactory(NodeBroker broker, NodeSettings settings) {
        ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory(broker.inVmUrl(),
                NodeSecurityManager.LOCAL_USER, settings.localSecret());
        // No client-side prefetch: with cached sessions, messages prefetched into a consumer that is
        // not being polled would sit there unseen until that session is used again.
        inVm.setConsumerWindowSize(0);
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
    NodeEnvelopes nodeEnvelopes(NodeSettings settings, KeyMaterial keys, NodeDirectory directory, X509CRL crl,
                                NodeProperties properties, Clock clock) {
        return new NodeEnvelopes(settings.code(), keys, directory, crl, properties.getEnvelope(), clock);
    }

    @Bean(destroyMethod = "close")
    SeenMessages seenMessages(NodeSettings settings, NodeProperties properties, Clock clock) throws IOException {
        return new SeenMessages(settings.home().resolve("state").resolve("seen-messages.log"), clock,
                properties.getEnvelope().getMaxAge().plus(properties.getEnvelope().getMaxFuture()));
    }

    /** Waiting outbound messages; released once at start-up (peers may be back by now), then per peer as it comes back. */
    @Bean
    WaitingMessages waitingMessages(NodeBroker broker) {
        WaitingMessages waiting = new WaitingMessages(broker.server());
        waiting.releaseAll();
        return waiting;
    }

    @Bean(destroyMethod = "close")
    PeerLinks peerLinks(NodeSettings settings, NodeDirectory directory, NodeProperties properties, Clock clock,
                        WaitingMessages waiting) {
        TlsClientSettings tls = new TlsClientSettings(settings.keystore(), settings.storePassword(),
                settings.truststore(), settings.storePassword());
        NodeProperties.Link link = properties.getLink();
        LinkPolicy policy = new LinkPolicy(link.getCallTimeout(), link.getMaxOpen(), link.getPrimaryRetry(), link.getRetryInterval());
        return new PeerLinks(code -> directory.byCode(code).map(e -> List.of(e.primary(), e.backup())), tls, policy, clock,
                waiting::releaseFor);
    }

    // --- the beans routes/ refers to by name ---

    /** The flows' own handlers: every {@link FlowHandler} bean (the flow packages' configurations declare them). */
    @Bean
    FlowHandlers flowHandlers(List<FlowHandler> handlers) {
        return new FlowHandlers(handlers);
    }

    @Bean
    LegacyIntake legacyIntake(Flows flows, FlowHandlers handlers, NodeDirectory directory, NodeEnvelopes envelopes,
                              LegacyOutbox outbox, TransferLedger ledger, NodeSettings settings, OperationLog operationLog) {
        return new LegacyIntake(flows, handlers, directory, envelopes, outbox, ledger, settings.legacyRoot(), operationLog);
    }

    @Bean
    TransferLedger transferLedger(DataSource store, Clock clock) {
        return new TransferLedger(store, clock);
    }

    @Bean
    InboundDelivery inboundDelivery(Flows flows, FlowHandlers handlers, LegacyOutbox outbox, NodeEnvelopes envelopes,
                                    SeenMessages seen, FlowMetrics metrics, OperationLog operationLog) {
        return new InboundDelivery(flows, handlers, outbox, envelopes, seen, metrics, operationLog);
    }

    @Bean
    LegacyOutbox legacyOutbox(NodeSettings settings, TransferLedger ledger) {
        return new LegacyOutbox(settings.legacyRoot(), ledger);
    }

    @Bean
    Answers answers(FlowHandlers handlers, NodeEnvelopes envelopes, Clock clock) {
        return new Answers(handlers, envelopes, clock);
    }

    @Bean
    PeerForwarder peerForwarder(PeerLinks links, FlowMetrics metrics, OperationLog operationLog) {
        return new PeerForwarder(links, metrics, operationLog);
    }

    @Bean
    DeadLetters deadLetters(Clock clock, FlowMetrics metrics, OperationLog operationLog, SecurityEvents securityEvents) {
        return new DeadLetters(clock, metrics, operationLog, securityEvents);
    }

    @Bean
    ErrorReports errorReports(NodeSettings settings, Clock clock, TransferLedger ledger) {
        return new ErrorReports(settings.legacyRoot(), clock, ledger);
    }
}
