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
import java.util.Date;

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
 * component. No schema validation, no replay record, no fsync: everything favours the baseline.
 */
final class NaiveBaseline implements AutoCloseable {

    private static final String ALIAS = "recipient";
    private static final String PASSWORD = "bench-naive";

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

    static NaiveBaseline start(Path root, Network network, String sender, String recipient,
                               ConnectionFactory senderLocal, ConnectionFactory recipientLocal) throws Exception {
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
                from("file:" + inbox + "?include=.*\\.xml&delay=" + BenchCommand.INTAKE_DELAY_MS
                        + "&maxMessagesPerPoll=200&move=.done/${file:name}")
                        .routeId("naive-intake")
                        .convertBodyTo(byte[].class)
                        .process(e -> {
                            byte[] content = e.getIn().getBody(byte[].class);
                            String id = MessageIds.forInput(sender, content);
                            e.getIn().setHeader(Headers.MESSAGE_ID, id);
                            e.getIn().setHeader(Headers.TYPE, BenchCommand.TYPE);
                            e.getIn().setHeader(Headers.RECIPIENT, recipient);
                            e.getIn().setHeader(Headers.ADDRESS, BenchCommand.INBOUND);
                            e.getIn().setHeader(Headers.DUPLICATE_ID, id);
                        })
                        .marshal(encrypt)
                        .to("xmlsecurity-sign:naive?keyAccessor=#naiveKeyAccessor"
                                + "&signatureAlgorithm=http://www.w3.org/2001/04/xmldsig-more%23ecdsa-sha256")
                        .removeHeaders("CamelFile*")
                        .to("senderjms:queue:jukibus.outbound?jmsMessageType=Bytes&deliveryPersistent=true");

                from("recipientjms:queue:" + BenchCommand.INBOUND + "?transacted=true")
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
