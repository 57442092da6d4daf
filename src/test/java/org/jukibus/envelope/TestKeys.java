package org.jukibus.envelope;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test PKI made at test time (nothing is committed): an EC P-256 root CA and node certificates
 * {@code CN=<code>, OU=<role>, O=Juki-net, C=JP} signed with SHA256withECDSA.
 */
public final class TestKeys {

    /** A node's key pair and certificate. */
    public record NodeKeys(String code, String role, KeyPair keyPair, X509Certificate certificate) {
        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }
    }

    private static final AtomicLong SERIAL = new AtomicLong(1);
    private static final Map<String, NodeKeys> NODES = new ConcurrentHashMap<>();
    private static volatile NodeKeys root;

    private TestKeys() {
    }

    public static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static synchronized NodeKeys root() {
        if (root == null) {
            KeyPair kp = ecKeyPair();
            X500Name name = new X500Name("CN=Juki-net Test Root CA, O=Juki-net, C=JP");
            root = new NodeKeys("root", "ca", kp, certificate(name, name, kp, kp.getPrivate(), true));
        }
        return root;
    }

    /** The (cached) municipal node with this code. */
    public static NodeKeys node(String code) {
        return node(code, "municipal");
    }

    public static NodeKeys node(String code, String role) {
        return NODES.computeIfAbsent(code + "/" + role, k -> {
            NodeKeys ca = root();
            KeyPair kp = ecKeyPair();
            X500Name subject = new X500Name("CN=" + code + ", OU=" + role + ", O=Juki-net, C=JP");
            X500Name issuer = new X500Name(ca.certificate().getSubjectX500Principal().getName());
            return new NodeKeys(code, role, kp, certificate(issuer, subject, kp, ca.privateKey(), false));
        });
    }

    /**
     * A certificate for {@code node}'s code and role, valid from {@code notBefore} to {@code notAfter}, for
     * {@code keyPair} (a new key, or the node's own for a renewal that keeps its key); not cached.
     */
    public static NodeKeys certified(NodeKeys node, KeyPair keyPair, Instant notBefore, Instant notAfter) {
        NodeKeys ca = root();
        X500Name subject = new X500Name("CN=" + node.code() + ", OU=" + node.role() + ", O=Juki-net, C=JP");
        X500Name issuer = new X500Name(ca.certificate().getSubjectX500Principal().getName());
        return new NodeKeys(node.code(), node.role(), keyPair,
                certificate(issuer, subject, keyPair, ca.privateKey(), false, notBefore, notAfter));
    }

    /** A directory knowing the given nodes. */
    public static SenderCertificates directory(NodeKeys... nodes) {
        Map<String, X509Certificate> m = new ConcurrentHashMap<>();
        for (NodeKeys n : nodes) {
            m.put(n.code(), n.certificate());
        }
        return code -> m.containsKey(code) ? List.of(m.get(code)) : List.of();
    }

    /**
     * The cached certificates' validity: wide and fixed, so that the tests' fixed clocks (2026 dates) fall inside it
     * whatever day the tests run on; the opener checks the signer's certificate at the envelope's createdAt.
     */
    static final Instant VALID_FROM = Instant.parse("2020-01-01T00:00:00Z");
    static final Instant VALID_UNTIL = Instant.now().plus(Duration.ofDays(3650));

    private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair subjectKeys,
                                               PrivateKey issuerKey, boolean ca) {
        return certificate(issuer, subject, subjectKeys, issuerKey, ca, VALID_FROM, VALID_UNTIL);
    }

    private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair subjectKeys,
                                               PrivateKey issuerKey, boolean ca, Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.getAndIncrement()),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, ca
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
