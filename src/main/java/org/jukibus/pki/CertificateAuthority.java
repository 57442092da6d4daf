package org.jukibus.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The network root CA: one EC P-256 key, self-signed, that issues node certificates, approving officers' certificates
 * ({@link OfficerIdentity}), requesters' certificates ({@link RequesterIdentity}), operators' card certificates
 * ({@link OperatorIdentity}) and CRLs.
 *
 * <p>On disk, a CA directory holds
 * <ul>
 *   <li>{@value #KEYSTORE_FILE}: PKCS#12, alias {@value #CA_ALIAS}, the CA key and certificate (mode 0600);</li>
 *   <li>{@value #CERT_FILE}: the CA certificate (PEM), the trust anchor to hand out;</li>
 *   <li>{@value #CRL_FILE}: the current CRL (PEM);</li>
 *   <li>{@value #LEDGER_FILE}: the ledger, one tab-separated line per issued certificate:
 *       {@code serial-hex  notAfter  revokedAt-or-"-"  subject} (times ISO-8601 UTC), '#' lines are comments.</li>
 * </ul>
 * Not thread-safe; one process should manage a CA directory at a time.
 */
public final class CertificateAuthority {

    public static final String KEYSTORE_FILE = "ca.p12";
    public static final String CERT_FILE = "ca.pem";
    public static final String CRL_FILE = "crl.pem";
    public static final String LEDGER_FILE = "issued.txt";
    public static final String CA_ALIAS = "ca";
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration DEFAULT_NODE_VALIDITY = Duration.ofDays(730);
    public static final Duration DEFAULT_CRL_NEXT_UPDATE = Duration.ofDays(7);
    public static final List<String> DEFAULT_HOSTS = List.of("127.0.0.1", "localhost");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** One line of the ledger. */
    public record LedgerEntry(BigInteger serial, String subject, Instant notAfter, Instant revokedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private final Path dir;
    private final PrivateKey caKey;
    private final X509Certificate caCert;
    private final Clock clock;
    private final Map<BigInteger, LedgerEntry> ledger;
    private X509CRL crl;

    private CertificateAuthority(Path dir, PrivateKey caKey, X509Certificate caCert, X509CRL crl,
                                 Map<BigInteger, LedgerEntry> ledger, Clock clock) {
        this.dir = dir;
        this.caKey = caKey;
        this.caCert = caCert;
        this.crl = crl;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** Creates a new CA in {@code dir} (refusing to overwrite an existing one) with the default validity (10 years). */
    public static CertificateAuthority create(Path dir, String commonName, char[] password) throws IOException {
        return create(dir, commonName, DEFAULT_CA_VALIDITY, password, Clock.systemUTC());
    }

    /**
     * Creates a new CA in {@code dir}: key pair, self-signed certificate (basicConstraints CA, keyCertSign|cRLSign),
     * an empty CRL and an empty ledger.
     */
    public static CertificateAuthority create(Path dir, String commonName, Duration validity, char[] password, Clock clock)
            throws IOException {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("the CA needs a name");
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("CA validity must be positive");
        }
        SecureFiles.requireAbsent(dir.resolve(KEYSTORE_FILE));
        SecureFiles.requireAbsent(dir.resolve(CERT_FILE));
        Files.createDirectories(dir);
        KeyPair kp = KeyStores.generateKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, NodeIdentity.COUNTRY)
                .addRDN(BCStyle.O, NodeIdentity.ORGANIZATION)
                .addRDN(BCStyle.CN, commonName)
                .build();
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, randomSerial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(kp.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer(kp.getPrivate())));
            CertificateAuthority ca = new CertificateAuthority(dir, kp.getPrivate(), cert, null,
                    new LinkedHashMap<>(), clock);
            KeyStores.writeKeyStore(dir.resolve(KEYSTORE_FILE), CA_ALIAS, new KeyMaterial(kp.getPrivate(), List.of(cert)), password);
            Pem.writeCertificate(dir.resolve(CERT_FILE), cert);
            ca.saveLedger();
            ca.issueCrl(DEFAULT_CRL_NEXT_UPDATE);
            return ca;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create CA certificate: " + e.getMessage(), e);
        }
    }

    /** Loads an existing CA directory. */
    public static CertificateAuthority load(Path dir, char[] password) throws IOException {
        return load(dir, password, Clock.systemUTC());
    }

    public static CertificateAuthority load(Path dir, char[] password, Clock clock) throws IOException {
        Path ks = dir.resolve(KEYSTORE_FILE);
        if (!Files.isRegularFile(ks)) {
            throw new IOException("no CA in " + dir + " (missing " + KEYSTORE_FILE + ")");
        }
        KeyMaterial km = KeyStores.readKeyStore(ks, password);
        X509Certificate cert = km.certificate();
        if (cert.getBasicConstraints() < 0) {
            throw new IOException(ks + " does not hold a CA certificate");
        }
        Path crlFile = dir.resolve(CRL_FILE);
        X509CRL crl = Files.exists(crlFile) ? Pem.readCrl(crlFile) : null;
        return new CertificateAuthority(dir, km.privateKey(), cert, crl, readLedger(dir.resolve(LEDGER_FILE)), clock);
    }

    public Path directory() {
        return dir;
    }

    public X509Certificate certificate() {
        return caCert;
    }

    /** The latest CRL this CA issued. */
    public X509CRL currentCrl() {
        return crl;
    }

    /** Every certificate issued, in issue order. */
    public List<LedgerEntry> ledger() {
        return Collections.unmodifiableList(new ArrayList<>(ledger.values()));
    }

    /** Issues a node certificate valid from now for {@code validity}, for hosts (IP addresses or DNS names). */
    public X509Certificate issue(PublicKey key, NodeIdentity identity, List<String> hosts, Duration validity) throws IOException {
        Instant now = clock.instant();
        return issue(key, identity, hosts, now.minusSeconds(60), now.plus(validity));
    }

    /** Issues a node certificate with the default validity (2 years) and the default hosts (127.0.0.1, localhost). */
    public X509Certificate issue(PublicKey key, NodeIdentity identity) throws IOException {
        return issue(key, identity, DEFAULT_HOSTS, DEFAULT_NODE_VALIDITY);
    }

    /**
     * Issues a node certificate valid from {@code notBefore} to {@code notAfter}: KeyUsage digitalSignature|keyAgreement,
     * EKU serverAuth+clientAuth, SubjectAltName from {@code hosts}, random 128-bit serial, SKI/AKI. Records it in the ledger.
     */
    public X509Certificate issue(PublicKey key, NodeIdentity identity, List<String> hosts, Instant notBefore, Instant notAfter)
            throws IOException {
        Objects.requireNonNull(identity, "identity");
        List<String> names = hosts == null || hosts.isEmpty() ? DEFAULT_HOSTS : hosts;
        GeneralNames altNames = subjectAltNames(names);
        return issueCertificate(key, identity.toX500Name(), notBefore, notAfter, b -> b
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false, altNames));
    }

    /**
     * Issues an approving officer's certificate ({@link OfficerIdentity}): KeyUsage digitalSignature|nonRepudiation
     * and EKU codeSigning only, so it signs approvals of programs and can never serve as a TLS client or server
     * certificate; no SubjectAltName. Records it in the ledger.
     */
    public X509Certificate issueOfficer(PublicKey key, OfficerIdentity officer, Instant notBefore, Instant notAfter)
            throws IOException {
        Objects.requireNonNull(officer, "officer");
        return issueCertificate(key, officer.toX500Name(), notBefore, notAfter, b -> b
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning)));
    }

    /** Generates an EC P-256 key pair and issues an officer certificate for it, valid from now; returns key + chain [officer, root]. */
    public KeyMaterial issueOfficerKeyMaterial(OfficerIdentity officer, Duration validity) throws IOException {
        Instant now = clock.instant();
        return newKeyMaterial(key -> issueOfficer(key, officer, now.minusSeconds(60), now.plus(validity)));
    }

    /**
     * Issues a requester's certificate ({@link RequesterIdentity}, 国の機関等 on the provision channel): KeyUsage
     * digitalSignature and EKU clientAuth only, so it authenticates the requester's system as a TLS client to a
     * providing node and can serve as nothing else; no SubjectAltName. Records it in the ledger.
     */
    public X509Certificate issueRequester(PublicKey key, RequesterIdentity requester, Instant notBefore, Instant notAfter)
            throws IOException {
        Objects.requireNonNull(requester, "requester");
        return issueCertificate(key, requester.toX500Name(), notBefore, notAfter, CLIENT);
    }

    /** Generates an EC P-256 key pair and issues a requester certificate for it, valid from now; returns key + chain [requester, root]. */
    public KeyMaterial issueRequesterKeyMaterial(RequesterIdentity requester, Duration validity) throws IOException {
        Instant now = clock.instant();
        return newKeyMaterial(key -> issueRequester(key, requester, now.minusSeconds(60), now.plus(validity)));
    }

    /**
     * Issues an operator's card certificate ({@link OperatorIdentity}, 操作者識別カード): KeyUsage digitalSignature and
     * EKU clientAuth only, so the card authenticates its holder on a TLS connection and nothing else; no
     * SubjectAltName. Records it in the ledger.
     */
    public X509Certificate issueOperator(PublicKey key, OperatorIdentity operator, Instant notBefore, Instant notAfter)
            throws IOException {
        Objects.requireNonNull(operator, "operator");
        return issueCertificate(key, operator.toX500Name(), notBefore, notAfter, CLIENT);
    }

    /** Generates an EC P-256 key pair and issues an operator certificate for it; returns key + chain [operator, root]. */
    public KeyMaterial issueOperatorKeyMaterial(OperatorIdentity operator, Instant notBefore, Instant notAfter) throws IOException {
        return newKeyMaterial(key -> issueOperator(key, operator, notBefore, notAfter));
    }

    /** Like {@link #issueOperatorKeyMaterial(OperatorIdentity, Instant, Instant)}, valid from now for {@code validity}. */
    public KeyMaterial issueOperatorKeyMaterial(OperatorIdentity operator, Duration validity) throws IOException {
        Instant now = clock.instant();
        return issueOperatorKeyMaterial(operator, now.minusSeconds(60), now.plus(validity));
    }

    /**
     * Generates an EC P-256 key pair and issues a monitoring certificate ({@link MonitorIdentity}) for it, valid from
     * now, with the client-certificate profile; returns key + chain [monitor, root].
     */
    public KeyMaterial issueMonitorKeyMaterial(MonitorIdentity monitor, Duration validity) throws IOException {
        Objects.requireNonNull(monitor, "monitor");
        Instant now = clock.instant();
        return newKeyMaterial(key -> issueCertificate(key, monitor.toX500Name(), now.minusSeconds(60), now.plus(validity), CLIENT));
    }

    /**
     * The one client-certificate profile of requester, operator and monitoring certificates (a person's or a system's
     * side of a TLS connection): KeyUsage digitalSignature, EKU clientAuth only.
     */
    private static final Profile CLIENT = b -> b
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));

    /** A certificate issued for a new EC P-256 key pair. */
    private interface Issuance {
        X509Certificate issue(PublicKey key) throws IOException;
    }

    /** Generates an EC P-256 key pair and issues its certificate; returns key + chain [certificate, root]. */
    private KeyMaterial newKeyMaterial(Issuance issuance) throws IOException {
        KeyPair kp = KeyStores.generateKeyPair();
        return new KeyMaterial(kp.getPrivate(), List.of(issuance.issue(kp.getPublic()), caCert));
    }

    /** The profile-specific extensions of an end-entity certificate. */
    private interface Profile {
        void addTo(X509v3CertificateBuilder builder) throws java.io.IOException;
    }

    /** An end-entity certificate (basicConstraints not CA, SKI/AKI, random serial) with the profile's extensions, in the ledger. */
    private X509Certificate issueCertificate(PublicKey key, X500Name subject, Instant notBefore, Instant notAfter,
                                             Profile profile) throws IOException {
        Objects.requireNonNull(key, "key");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter must be after notBefore");
        }
        BigInteger serial = randomSerial();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), serial,
                    Date.from(notBefore), Date.from(notAfter), subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            profile.addTo(b);
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer(caKey)));
            LedgerEntry entry = new LedgerEntry(serial, cert.getSubjectX500Principal().getName(), notAfter, null);
            ledger.put(serial, entry);
            Path ledgerFile = dir.resolve(LEDGER_FILE);
            if (Files.exists(ledgerFile)) {
                Files.writeString(ledgerFile, line(entry), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            } else {
                saveLedger();
            }
            return cert;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue certificate: " + e.getMessage(), e);
        }
    }

    /** Generates an EC P-256 key pair and issues a certificate for it; returns key + chain [node, root]. */
    public KeyMaterial issueKeyMaterial(NodeIdentity identity, List<String> hosts, Duration validity) throws IOException {
        KeyPair kp = KeyStores.generateKeyPair();
        X509Certificate cert = issue(kp.getPublic(), identity, hosts, validity);
        return new KeyMaterial(kp.getPrivate(), List.of(cert, caCert));
    }

    /** Like {@link #issueKeyMaterial(NodeIdentity, List, Duration)} with an explicit validity window. */
    public KeyMaterial issueKeyMaterial(NodeIdentity identity, List<String> hosts, Instant notBefore, Instant notAfter)
            throws IOException {
        KeyPair kp = KeyStores.generateKeyPair();
        X509Certificate cert = issue(kp.getPublic(), identity, hosts, notBefore, notAfter);
        return new KeyMaterial(kp.getPrivate(), List.of(cert, caCert));
    }

    /** Revokes the certificate with {@code serial} and writes a new CRL (next update in 7 days). */
    public X509CRL revoke(BigInteger serial) throws IOException {
        return revoke(serial, DEFAULT_CRL_NEXT_UPDATE);
    }

    /** Revokes the certificate with {@code serial} (must be in the ledger) and writes a new CRL. */
    public X509CRL revoke(BigInteger serial, Duration nextUpdate) throws IOException {
        LedgerEntry e = ledger.get(serial);
        if (e == null) {
            throw new IllegalArgumentException("serial " + serial.toString(16) + " was not issued by this CA");
        }
        if (!e.revoked()) {
            ledger.put(serial, new LedgerEntry(serial, e.subject(), e.notAfter(), clock.instant()));
            saveLedger();
        }
        return issueCrl(nextUpdate);
    }

    /** Issues (and writes to crl.pem) a new CRL listing every revoked certificate, with an increased CRL number. */
    public X509CRL issueCrl(Duration nextUpdate) throws IOException {
        if (nextUpdate.isNegative() || nextUpdate.isZero()) {
            throw new IllegalArgumentException("next update must be in the future");
        }
        Instant now = clock.instant();
        BigInteger number = BigInteger.ONE;
        if (crl != null) {
            byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
            if (ext != null) {
                number = CRLNumber.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets())
                        .getCRLNumber().add(BigInteger.ONE);
            }
        }
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()),
                    Date.from(now.minusSeconds(60)));
            b.setNextUpdate(Date.from(now.plus(nextUpdate)));
            for (LedgerEntry e : ledger.values()) {
                if (e.revoked()) {
                    b.addCRLEntry(e.serial(), Date.from(e.revokedAt()), CRLReason.unspecified);
                }
            }
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
            X509CRL newCrl = new JcaX509CRLConverter().getCRL(b.build(signer(caKey)));
            Pem.writeCrl(dir.resolve(CRL_FILE), newCrl);
            crl = newCrl;
            return newCrl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue CRL: " + e.getMessage(), e);
        }
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + SIGNATURE_ALGORITHM, e);
        }
    }

    private static BigInteger randomSerial() {
        BigInteger s;
        do {
            s = new BigInteger(128, RANDOM);
        } while (s.signum() == 0);
        return s;
    }

    static GeneralNames subjectAltNames(List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            String host = h.trim();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (IPV4.matcher(host).matches() || host.contains(":")) {
                try {
                    names.add(new GeneralName(GeneralName.iPAddress, host));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad IP address '" + h + "'");
                }
            } else if (DNS.matcher(host).matches() && host.length() <= 253) {
                names.add(new GeneralName(GeneralName.dNSName, host));
            } else {
                throw new IllegalArgumentException("bad host '" + h + "': expected an IP address or a DNS name");
            }
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private void saveLedger() throws IOException {
        StringBuilder sb = new StringBuilder("# jukibus CA ledger: serial(hex)\tnotAfter\trevokedAt\tsubject\n");
        for (LedgerEntry e : ledger.values()) {
            sb.append(line(e));
        }
        SecureFiles.writePublic(dir.resolve(LEDGER_FILE), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String line(LedgerEntry e) {
        return e.serial().toString(16) + '\t' + e.notAfter() + '\t'
                + (e.revoked() ? e.revokedAt().toString() : "-") + '\t' + e.subject() + '\n';
    }

    private static Map<BigInteger, LedgerEntry> readLedger(Path file) throws IOException {
        Map<BigInteger, LedgerEntry> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 4);
            try {
                BigInteger serial = new BigInteger(f[0], 16);
                out.put(serial, new LedgerEntry(serial, f[3], Instant.parse(f[1]),
                        "-".equals(f[2]) ? null : Instant.parse(f[2])));
            } catch (RuntimeException e) {
                throw new IOException("bad line " + n + " in ledger " + file, e);
            }
        }
        return out;
    }

}
