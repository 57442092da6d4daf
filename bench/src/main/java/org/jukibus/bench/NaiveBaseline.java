package org.jukibus.bench;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.xmlsecurity.api.KeyAccessor;
import org.apache.camel.dataformat.xmlsecurity.XMLSecurityDataFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.xml.security.encryption.XMLCipher;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.flow.Headers;
import org.jukibus.flow.MessageIds;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * The same transfer-in flow built the way a Camel user would first try it: the legacy file is
 * encrypted with camel-xmlsecurity's {@code secureXML} data format (AES-256-GCM content key
 * transported with RSA-OAEP to the recipient's RSA-3072 key, 128-bit security) and signed with
 * {@code xmlsecurity-sign} (the sender's EC P-256 key, ecdsa-sha256, the component's default
 * enveloping signature), then put on the sender's outbound queue and forwarded by the node's own
 * forward-outbound route over the same TLS link; on the recipient a transacted JMS route runs
 * {@code xmlsecurity-verify}, decrypts with {@code secureXML} and writes the file with the file
 * component. No schema validation, no replay record, no fsync, no receipt: everything favours the
 * baseline. It gets the nodes' concurrency: as many intake threads ({@code jukibus.legacy.intake-threads})
 * and delivery consumers ({@code jukibus.delivery.consumers}) as the nodes run with.
 */
final class NaiveBaseline implements AutoCloseable {

    private static final String ALIAS = "recipient";
    private static final String PASSWORD = "bench-naive";
    /** The drop-folder poll delay of routes/common/flow-templates.yaml. */
    private static final int INTAKE_DELAY_MS = 20;

    private final CamelContext camel;
    private final Path inbox;
    private final Path outbox;

    private NaiveBaseline(CamelContext camel, Path inbox, Path outbox) {
        this.camel = camel;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    Path inbox() {
        return inbox;
    }

    Path outbox() {
        return outbox;
    }

    static NaiveBaseline start(Path root, Network network, String sender, String recipient, ConnectionFactory senderLocal,
                               ConnectionFactory recipientLocal, int intakeThreads, int consumers) throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Path outbox = Files.createDirectories(root.resolve("outbox"));
        Path store = root.resolve("recipient-rsa.p12");
        writeRsaStore(store);

        PrivateKey signingKey = network.node(sender).keys().privateKey();
        PublicKey verifyingKey = network.node(sender).keys().certificate().getPublicKey();

        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("naiveKeyAccessor", new KeyAccessor() {
            @Override
            public KeySelector getKeySelector(org.apache.camel.Message message) {
                return KeySelector.singletonKeySelector(signingKey);
            }

            @Override
            public KeyInfo getKeyInfo(org.apache.camel.Message message, org.w3c.dom.Node messageBody, KeyInfoFactory f) {
                return null;
            }
        });
        camel.getRegistry().bind("naiveKeySelector", new KeySelector() {
            @Override
            public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method, XMLCryptoContext context) {
                return () -> (Key) verifyingKey;
            }
        });
        camel.addComponent("senderjms", JmsComponent.jmsComponent(senderLocal));
        JmsComponent recipientJms = JmsComponent.jmsComponentTransacted(recipientLocal, new JmsTransactionManager(recipientLocal));
        recipientJms.setCacheLevelName("CACHE_CONSUMER");
        camel.addComponent("recipientjms", recipientJms);

        XMLSecurityDataFormat encrypt = secureXml(camel, store);
        XMLSecurityDataFormat decrypt = secureXml(camel, store);
        decrypt.setKeyPassword(PASSWORD);

        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + inbox + "?include=.*\\.xml&delay=" + INTAKE_DELAY_MS
                        + "&maxMessagesPerPoll=200&move=.done/${file:name}")
                        .routeId("naive-intake")
                        .threads(intakeThreads)
                        .convertBodyTo(byte[].class)
                        .process(e -> {
                            byte[] content = e.getIn().getBody(byte[].class);
                            String id = MessageIds.forInput(sender, content);
                            e.getIn().setHeader(Headers.MESSAGE_ID, id);
                            e.getIn().setHeader(Headers.TYPE, BenchNetwork.TYPE);
                            e.getIn().setHeader(Headers.RECIPIENT, recipient);
                            e.getIn().setHeader(Headers.ADDRESS, BenchNetwork.INBOUND);
                            e.getIn().setHeader(Headers.DUPLICATE_ID, id);
                        })
                        .marshal(encrypt)
                        .to("xmlsecurity-sign:naive?keyAccessor=#naiveKeyAccessor"
                                + "&signatureAlgorithm=http://www.w3.org/2001/04/xmldsig-more%23ecdsa-sha256")
                        .removeHeaders("CamelFile*")
                        .to("senderjms:queue:jukibus.outbound?jmsMessageType=Bytes&deliveryPersistent=true");

                from("recipientjms:queue:" + BenchNetwork.INBOUND + "?transacted=true&concurrentConsumers=" + consumers)
                        .routeId("naive-delivery")
                        .to("xmlsecurity-verify:naive?keySelector=#naiveKeySelector")
                        // secureXML's decrypter casts the first child of KeyInfo to Element and fails on the
                        // whitespace the verifier's output carries: drop inter-element whitespace first
                        .process(e -> e.getIn().setBody(e.getIn().getBody(String.class).replaceAll(">\\s+<", "><")))
                        .unmarshal(decrypt)
                        .setHeader(Exchange.FILE_NAME, simple("${header." + Headers.MESSAGE_ID + "}.xml"))
                        .to("file:" + outbox + "?tempPrefix=.part-");
            }
        });
        camel.start();
        return new NaiveBaseline(camel, inbox, outbox);
    }

    /**
     * Warm-up until steady, then {@code runs} saturation runs, notices dropped into the baseline's inbox
     * until each is in its outbox; the nodes' delivery route is stopped meanwhile (the baseline takes
     * the inbound queue).
     */
    static void measure(Path root, BenchNetwork network, Nodes nodes, Settings settings, Report report) throws Exception {
        org.springframework.core.env.Environment senderEnv = nodes.context(BenchNetwork.SENDER).getEnvironment();
        org.springframework.core.env.Environment recipientEnv = nodes.context(BenchNetwork.RECIPIENT).getEnvironment();
        int intakeThreads = senderEnv.getProperty("jukibus.legacy.intake-threads", Integer.class, 4);
        int consumers = recipientEnv.getProperty("jukibus.delivery.consumers", Integer.class, 4);
        CamelContext recipient = nodes.context(BenchNetwork.RECIPIENT).getBean(CamelContext.class);
        recipient.getRouteController().stopRoute(BenchNetwork.DELIVERY_ROUTE);
        try (NaiveBaseline naive = start(root, network.network(), BenchNetwork.SENDER, BenchNetwork.RECIPIENT,
                nodes.context(BenchNetwork.SENDER).getBean("localConnectionFactory", ConnectionFactory.class),
                nodes.context(BenchNetwork.RECIPIENT).getBean("localConnectionFactory", ConnectionFactory.class), intakeThreads, consumers)) {
            WarmUp.Outcome warm = WarmUp.untilSteady(WarmUp.inThisJvm(() -> naive.run(settings.warmupWindow(), null)), settings.warmupMaxWindows());
            report.note("naive baseline warm-up: " + warm.describe());
            List<Double> rates = new ArrayList<>();
            List<Latencies> latencies = new ArrayList<>();
            for (int i = 0; i < settings.runs(); i++) {
                Latencies l = new Latencies();
                rates.add(naive.run(settings.notices(), l));
                latencies.add(l);
                Bench.say(String.format("naive baseline run %d: %.0f notices/s, to outbox p50/p95/p99 %s ms", i + 1, rates.get(i), l.summary()));
            }
            Figure rate = Figure.of(rates);
            report.keep("naive", rate);
            report.row("naive camel-xmlsecurity baseline (" + intakeThreads + " intake threads, " + consumers + " delivery consumers, no receipt)",
                    rate.format("%,.0f") + " notices/s, to outbox p99 " + Figure.of(latencies, l -> l.percentileMillis(99)).format("%.1f") + " ms");
        } finally {
            recipient.getRouteController().startRoute(BenchNetwork.DELIVERY_ROUTE);
        }
    }

    /** Drops {@code count} notices at once and waits for each in the outbox; notices/s from the first drop to the last arrival. */
    double run(int count, Latencies latencies) throws Exception {
        Map<String, Long> dropped = new ConcurrentHashMap<>();
        List<byte[]> contents = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] c = Notices.next(BenchNetwork.SENDER, BenchNetwork.RECIPIENT);
            contents.add(c);
            names.add(MessageIds.forInput(BenchNetwork.SENDER, c) + ".xml");
        }
        try (Arrivals arrivals = Arrivals.byName(outbox)) {
            long first = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Path tmp = inbox.resolve(".n" + i + ".part");
                Files.write(tmp, contents.get(i));
                dropped.put(names.get(i), System.nanoTime());
                Files.move(tmp, inbox.resolve("n-" + names.get(i)));
            }
            long last = arrivals.awaitAll(names, Settings.patience(count));
            if (latencies != null) {
                for (String name : names) {
                    latencies.add(arrivals.at(name) - dropped.get(name));
                }
            }
            arrivals.deleteCounted();
            return count / ((last - first) / 1e9);
        }
    }

    private static XMLSecurityDataFormat secureXml(CamelContext camel, Path store) {
        KeyStoreParameters ksp = new KeyStoreParameters();
        ksp.setCamelContext(camel);
        ksp.setResource("file:" + store);
        ksp.setType("PKCS12");
        ksp.setPassword(PASSWORD);
        XMLSecurityDataFormat f = new XMLSecurityDataFormat();
        f.setCamelContext(camel);
        f.setSecureTag("");
        f.setSecureTagContents(false);
        f.setXmlCipherAlgorithm(XMLCipher.AES_256_GCM);
        f.setKeyCipherAlgorithm(XMLCipher.RSA_OAEP);
        f.setRecipientKeyAlias(ALIAS);
        f.setKeyOrTrustStoreParameters(ksp);
        return f;
    }

    /** An RSA-3072 key (128-bit security) and a self-signed certificate for the recipient. */
    private static void writeRsaStore(Path file) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072);
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=naive-recipient");
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), name, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, kp.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {cert});
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD.toCharArray());
        }
    }

    @Override
    public void close() throws Exception {
        camel.stop();
    }
}
