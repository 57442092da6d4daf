package org.jukibus.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import org.jukibus.core.NodeRole;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;

import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pki}: manage the network root CA, node certificates, approving officers', requesters' certificates and operators' cards. The CA password comes from
 * {@code --password-file} (first line) or the environment variable {@value #CA_PASSWORD_ENV}.
 */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "Manage the network root CA, node, officer, requester and operator certificates and the CRL.",
        subcommands = {PkiCommand.InitCa.class, PkiCommand.Issue.class, PkiCommand.IssueOfficer.class,
                PkiCommand.IssueRequester.class, PkiCommand.IssueOperator.class, PkiCommand.IssueMonitor.class, PkiCommand.Revoke.class,
                PkiCommand.Crl.class, PkiCommand.Show.class})
public class PkiCommand extends CommandGroup {

    public static final String CA_PASSWORD_ENV = "JUKIBUS_CA_PASSWORD";

    /** Environment lookup; replaceable in tests. */
    static Function<String, String> environment = System::getenv;


    static char[] caPassword(Path passwordFile) throws IOException {
        if (passwordFile != null) {
            return SecureFiles.readPassword(passwordFile);
        }
        String env = environment.apply(CA_PASSWORD_ENV);
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        throw new IllegalArgumentException("no CA password: give --password-file <file> or set " + CA_PASSWORD_ENV);
    }

    @Command(name = "init-ca", mixinStandardHelpOptions = true,
            description = "Create the network root CA (ca.p12, ca.pem, crl.pem, issued.txt) in a new directory.")
    static class InitCa extends Subcommand {
        @Option(names = "--dir", required = true, description = "CA directory to create")
        Path dir;
        @Option(names = "--name", required = true, description = "CA common name")
        String name;
        @Option(names = "--validity-days", defaultValue = "3650", description = "default: ${DEFAULT-VALUE}")
        long validityDays;
        @Option(names = "--password-file", description = "file whose first line is the CA key store password")
        Path passwordFile;

        @Override
        protected int run() throws Exception {
            if (validityDays <= 0) {
                throw new IllegalArgumentException("--validity-days must be positive");
            }
            char[] pw = caPassword(passwordFile);
            try {
                if (Files.exists(dir.resolve(CertificateAuthority.KEYSTORE_FILE))) {
                    throw new IllegalArgumentException("a CA already exists in " + dir + "; refusing to overwrite it");
                }
                CertificateAuthority ca = CertificateAuthority.create(dir, name, Duration.ofDays(validityDays), pw,
                        java.time.Clock.systemUTC());
                out().println("created CA " + ca.certificate().getSubjectX500Principal().getName() + " in " + dir
                        + " (valid until " + ca.certificate().getNotAfter().toInstant() + ")");
                return 0;
            } finally {
                Arrays.fill(pw, '\0');
            }
        }
    }

    /**
     * What every issue-* command shares: the CA it loads, with its password wiped afterwards, the output directory and
     * a validity (each command's default given to the constructor); each command names the holder and writes its files.
     */
    abstract static class IssueCommand<H> extends Subcommand {
        @Option(names = "--ca", required = true, description = "CA directory")
        Path caDir;
        @Option(names = "--password-file", description = "file with the CA password (else $" + CA_PASSWORD_ENV + ")")
        Path passwordFile;
        @Option(names = "--out", required = true, description = "output directory")
        Path out;
        @Option(names = "--validity-days", description = "default: ${DEFAULT-VALUE}")
        long validityDays;

        IssueCommand(long defaultValidityDays) {
            this.validityDays = defaultValidityDays;
        }

        /** The holder, checked before the CA is opened. */
        abstract H holder();

        /** Refuses to overwrite what the command would write, before the CA is opened. */
        abstract void requireAbsent() throws IOException;

        /** Issues and writes; returns what was written, for the message. */
        abstract String issue(CertificateAuthority ca, H holder, Duration validity) throws Exception;

        @Override
        protected final int run() throws Exception {
            if (validityDays <= 0) {
                throw new IllegalArgumentException("--validity-days must be positive");
            }
            H holder = holder();
            requireAbsent();
            char[] caPw = caPassword(passwordFile);
            try {
                String written = issue(CertificateAuthority.load(caDir, caPw), holder, Duration.ofDays(validityDays));
                out().println("issued " + holder + " " + written);
                return 0;
            } finally {
                Arrays.fill(caPw, '\0');
            }
        }

        static String serialAndValidity(KeyMaterial km) {
            return "serial " + km.certificate().getSerialNumber().toString(16) + " valid until "
                    + km.certificate().getNotAfter().toInstant();
        }
    }

    /**
     * An issue-* command whose key goes into a PKCS#12 store {@code <out>/<file>.p12} beside {@code <file>.pem}, and
     * {@code <file>.pass} when the store password is made here (random) rather than read from a file.
     */
    abstract static class IssueKeyStore<H> extends IssueCommand<H> {
        @Option(names = {"--store-password-file", "--card-password-file"},
                description = "file with the password for the new key store (an operator's card); default: random, written to <out>/<file>.pass")
        Path storePasswordFile;

        private final boolean withTrustStore;

        /** {@code withTrustStore}: a truststore.p12 with the root CA beside it, for a system that opens TLS links itself. */
        IssueKeyStore(long defaultValidityDays, boolean withTrustStore) {
            super(defaultValidityDays);
            this.withTrustStore = withTrustStore;
        }

        /** The name of its files in the output directory. */
        abstract String fileName();

        abstract KeyMaterial keyMaterial(CertificateAuthority ca, H holder, Duration validity) throws IOException;

        @Override
        void requireAbsent() throws IOException {
            SecureFiles.requireAbsent(out.resolve(fileName() + ".p12"));
        }

        @Override
        String issue(CertificateAuthority ca, H holder, Duration validity) throws Exception {
            Path keystore = out.resolve(fileName() + ".p12");
            char[] storePw = storePasswordFile != null ? SecureFiles.readPassword(storePasswordFile) : randomPassword();
            try {
                KeyMaterial km = keyMaterial(ca, holder, validity);
                Files.createDirectories(out);
                KeyStores.writeKeyStore(keystore, km, storePw);
                if (withTrustStore) {
                    KeyStores.writeTrustStore(out.resolve("truststore.p12"), ca.certificate(), storePw);
                }
                Pem.writeCertificate(out.resolve(fileName() + ".pem"), km.certificate());
                if (storePasswordFile == null) {
                    SecureFiles.writePassword(out.resolve(fileName() + ".pass"), storePw);
                }
                return serialAndValidity(km) + " -> " + keystore;
            } finally {
                Arrays.fill(storePw, '\0');
            }
        }

        private static char[] randomPassword() {
            SecureRandom r = new SecureRandom();
            String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
            char[] pw = new char[32];
            for (int i = 0; i < pw.length; i++) {
                pw[i] = alphabet.charAt(r.nextInt(alphabet.length()));
            }
            return pw;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Generate a node key pair and issue its certificate: <out>/<code>.p12, <code>.pem, "
                    + "<code>.pass, truststore.p12.")
    static class Issue extends IssueKeyStore<NodeIdentity> {
        @Option(names = "--role", required = true, description = "municipal, prefecture, central or liaison")
        String role;
        @Option(names = "--code", required = true, description = "node code (6-digit local government code, 2-digit prefecture code, or id)")
        String code;
        @Option(names = "--name", required = true, description = "human-readable node name, e.g. 新宿区")
        String name;
        @Option(names = "--host", description = "IP address or DNS name for the certificate (repeatable; default 127.0.0.1 and localhost)")
        List<String> hosts = new ArrayList<>();

        Issue() {
            super(730, true);
        }

        @Override
        NodeIdentity holder() {
            return new NodeIdentity(NodeRole.fromId(role), code, name);
        }

        @Override
        String fileName() {
            return code;
        }

        @Override
        KeyMaterial keyMaterial(CertificateAuthority ca, NodeIdentity holder, Duration validity) throws IOException {
            return ca.issueKeyMaterial(holder, hosts.isEmpty() ? CertificateAuthority.DEFAULT_HOSTS : hosts, validity);
        }
    }

    @Command(name = "issue-officer", mixinStandardHelpOptions = true,
            description = {"Generate the key pair of a responsible officer who approves the routes and broker "
                    + "configuration nodes run (jukibus routes sign), and issue its certificate "
                    + "(CN=<name>, OU=officer; key usage digitalSignature|nonRepudiation, extended key usage codeSigning "
                    + "only: it cannot authenticate a link): <out>/officer.p12, officer.pem, officer.pass.",
                    "Nodes name the certificate in jukibus.approval.officer-certificate."})
    static class IssueOfficer extends IssueKeyStore<OfficerIdentity> {
        @Option(names = "--name", required = true, description = "the officer's name, e.g. 新宿区 住民記録 承認責任者")
        String name;

        IssueOfficer() {
            super(730, false);
        }

        @Override
        OfficerIdentity holder() {
            return new OfficerIdentity(name);
        }

        @Override
        String fileName() {
            return "officer";
        }

        @Override
        KeyMaterial keyMaterial(CertificateAuthority ca, OfficerIdentity holder, Duration validity) throws IOException {
            return ca.issueOfficerKeyMaterial(holder, validity);
        }
    }

    @Command(name = "issue-requester", mixinStandardHelpOptions = true,
            description = {"Generate the key pair of a requester of identity information (a national agency or another "
                    + "body a prefecture or central provides to, 第6の8) and issue its certificate (name=<name>, CN=<id>, "
                    + "OU=requester; key usage digitalSignature, extended key usage clientAuth only): <out>/<id>.p12, "
                    + "<id>.pem, <id>.pass, truststore.p12.",
                    "The requester's system presents it on the node's provision channel (jukibus.provision.port); the "
                    + "node's operator registers the id with its purposes (jukibus provision register-requester)."})
    static class IssueRequester extends IssueKeyStore<RequesterIdentity> {
        @Option(names = "--id", required = true, description = "the requester's id, e.g. nenkin (lower-case letters, digits, '-')")
        String id;
        @Option(names = "--name", required = true, description = "the requester's name, e.g. 日本年金機構")
        String name;

        IssueRequester() {
            super(730, true);
        }

        @Override
        RequesterIdentity holder() {
            return new RequesterIdentity(id, name);
        }

        @Override
        String fileName() {
            return id;
        }

        @Override
        KeyMaterial keyMaterial(CertificateAuthority ca, RequesterIdentity holder, Duration validity) throws IOException {
            return ca.issueRequesterKeyMaterial(holder, validity);
        }
    }

    @Command(name = "issue-operator", mixinStandardHelpOptions = true,
            description = {"Generate an operator's key pair and issue the operator's identification card (操作者識別カード): "
                    + "a certificate CN=<name>, UID=<id>, OU=operator (key usage digitalSignature, extended key usage "
                    + "clientAuth only) in <out>/<id>.p12, with <id>.pem and the card password in <id>.pass.",
                    "The card alone opens nothing: an officer registers the operator, the card's certificate, a PIN and "
                    + "permissions with each node (jukibus operator register)."})
    static class IssueOperator extends IssueKeyStore<OperatorIdentity> {
        @Option(names = "--id", required = true, description = "the operator's id, typed as the user name (letters, digits, . _ -)")
        String id;
        @Option(names = "--name", required = true, description = "the operator's name, e.g. 新宿区 住民課 山田")
        String name;

        IssueOperator() {
            super(365, false);
        }

        @Override
        OperatorIdentity holder() {
            return new OperatorIdentity(id, name);
        }

        @Override
        String fileName() {
            return id;
        }

        @Override
        KeyMaterial keyMaterial(CertificateAuthority ca, OperatorIdentity holder, Duration validity) throws IOException {
            return ca.issueOperatorKeyMaterial(holder, validity);
        }
    }

    @Command(name = "issue-monitor", mixinStandardHelpOptions = true,
            description = {"Issue a monitoring system's client certificate (role 'metrics'): CN=<id>, OU=metrics (key "
                    + "usage digitalSignature, extended key usage clientAuth only) in <out>/<id>.pem, its unencrypted key "
                    + "in <out>/<id>-key.pem (mode 0600) and the root CA in <out>/ca.pem: the three files of a "
                    + "Prometheus tls_config.",
                    "With it, and no PIN, a scraper reads any node's /actuator/prometheus and nothing else; it is "
                    + "checked against the CRL in force (revoke it like any other certificate)."})
    static class IssueMonitor extends IssueCommand<MonitorIdentity> {
        @Option(names = "--id", required = true, description = "the monitoring system's name, e.g. prometheus-tokyo")
        String id;

        IssueMonitor() {
            super(365);
        }

        @Override
        MonitorIdentity holder() {
            return new MonitorIdentity(id);
        }

        @Override
        void requireAbsent() throws IOException {
            SecureFiles.requireAbsent(out.resolve(id + ".pem"));
            SecureFiles.requireAbsent(out.resolve(id + "-key.pem"));
        }

        @Override
        String issue(CertificateAuthority ca, MonitorIdentity monitor, Duration validity) throws Exception {
            Path cert = out.resolve(id + ".pem");
            Path key = out.resolve(id + "-key.pem");
            KeyMaterial km = ca.issueMonitorKeyMaterial(monitor, validity);
            Files.createDirectories(out);
            SecureFiles.writeSecret(key, Pem.toPem(new JcaPKCS8Generator(km.privateKey(), null)).getBytes(StandardCharsets.US_ASCII));
            Pem.writeCertificate(cert, km.certificate());
            Pem.writeCertificate(out.resolve("ca.pem"), ca.certificate());
            return serialAndValidity(km) + " -> " + cert + ", " + key;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a node, officer, requester or operator certificate and write a new crl.pem.")
    static class Revoke extends Subcommand {
        @Option(names = "--ca", required = true, description = "CA directory")
        Path caDir;
        @Option(names = "--password-file", description = "file with the CA password (else $" + CA_PASSWORD_ENV + ")")
        Path passwordFile;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;
        @Option(names = "--next-update-days", defaultValue = "7", description = "default: ${DEFAULT-VALUE}")
        long nextUpdateDays;

        static class Target {
            @Option(names = "--serial", description = "serial number (hex)")
            String serial;
            @Option(names = "--cert", description = "the certificate (PEM)")
            Path cert;
        }

        @Override
        protected int run() throws Exception {
            BigInteger serial;
            if (target.serial != null) {
                try {
                    serial = new BigInteger(target.serial.replace(":", ""), 16);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad serial '" + target.serial + "': expected hexadecimal");
                }
            } else {
                serial = Pem.readCertificate(target.cert).getSerialNumber();
            }
            char[] pw = caPassword(passwordFile);
            try {
                CertificateAuthority ca = CertificateAuthority.load(caDir, pw);
                if (target.cert != null) {
                    X509Certificate c = Pem.readCertificate(target.cert);
                    if (!c.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())) {
                        throw new IllegalArgumentException(target.cert + " was not issued by this CA");
                    }
                }
                X509CRL crl = ca.revoke(serial, Duration.ofDays(positive(nextUpdateDays)));
                out().println("revoked serial " + serial.toString(16) + "; CRL now lists "
                        + size(crl.getRevokedCertificates()) + " certificate(s), next update " + crl.getNextUpdate().toInstant());
                return 0;
            } finally {
                Arrays.fill(pw, '\0');
            }
        }
    }

    @Command(name = "crl", mixinStandardHelpOptions = true, description = "Re-issue the CRL (crl.pem).")
    static class Crl extends Subcommand {
        @Option(names = "--ca", required = true, description = "CA directory")
        Path caDir;
        @Option(names = "--password-file", description = "file with the CA password (else $" + CA_PASSWORD_ENV + ")")
        Path passwordFile;
        @Option(names = "--next-update-days", defaultValue = "7", description = "default: ${DEFAULT-VALUE}")
        long nextUpdateDays;

        @Override
        protected int run() throws Exception {
            char[] pw = caPassword(passwordFile);
            try {
                CertificateAuthority ca = CertificateAuthority.load(caDir, pw);
                X509CRL crl = ca.issueCrl(Duration.ofDays(positive(nextUpdateDays)));
                out().println("issued CRL with " + size(crl.getRevokedCertificates()) + " revoked certificate(s), next update "
                        + crl.getNextUpdate().toInstant());
                return 0;
            } finally {
                Arrays.fill(pw, '\0');
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a certificate, CRL (PEM) or key store (PKCS#12).")
    static class Show extends Subcommand {
        @Parameters(index = "0", description = "file.pem or file.p12")
        Path file;
        @Option(names = "--password-file", description = "password of a .p12 file")
        Path passwordFile;

        @Override
        protected int run() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such file: " + file);
            }
            List<X509Certificate> certs;
            if (file.toString().endsWith(".p12")) {
                if (passwordFile == null) {
                    throw new IllegalArgumentException("a .p12 file needs --password-file");
                }
                char[] pw = SecureFiles.readPassword(passwordFile);
                try {
                    java.security.KeyStore ks = KeyStores.load(file, pw);
                    certs = new ArrayList<>();
                    for (String alias : java.util.Collections.list(ks.aliases())) {
                        out().println("entry '" + alias + "'" + (ks.isKeyEntry(alias) ? " (private key)" : " (trusted certificate)"));
                        java.security.cert.Certificate[] chain = ks.isKeyEntry(alias) ? ks.getCertificateChain(alias)
                                : new java.security.cert.Certificate[] {ks.getCertificate(alias)};
                        for (java.security.cert.Certificate c : chain) {
                            certs.add((X509Certificate) c);
                        }
                    }
                } finally {
                    Arrays.fill(pw, '\0');
                }
            } else {
                certs = Pem.readCertificates(file);
                if (certs.isEmpty()) {
                    X509CRL crl = Pem.readCrl(file);
                    out().println("CRL issuer: " + crl.getIssuerX500Principal().getName());
                    out().println("  this update: " + crl.getThisUpdate().toInstant());
                    out().println("  next update: " + (crl.getNextUpdate() == null ? "-" : crl.getNextUpdate().toInstant()));
                    if (crl.getRevokedCertificates() != null) {
                        for (X509CRLEntry e : crl.getRevokedCertificates()) {
                            out().println("  revoked " + e.getSerialNumber().toString(16) + " at " + e.getRevocationDate().toInstant());
                        }
                    }
                    return 0;
                }
            }
            for (X509Certificate c : certs) {
                out().println("certificate: " + c.getSubjectX500Principal().getName());
                out().println("  issuer:  " + c.getIssuerX500Principal().getName());
                out().println("  serial:  " + c.getSerialNumber().toString(16));
                out().println("  valid:   " + c.getNotBefore().toInstant() + " .. " + c.getNotAfter().toInstant());
                Collection<List<?>> sans = c.getSubjectAlternativeNames();
                if (sans != null) {
                    out().println("  hosts:   " + sans.stream().map(l -> String.valueOf(l.get(1))).toList());
                }
                if (c.getBasicConstraints() >= 0) {
                    out().println("  CA certificate");
                } else {
                    try {
                        out().println("  node:    " + NodeIdentity.fromCertificate(c));
                    } catch (IllegalArgumentException notNode) {
                        try {
                            out().println("  officer: " + OfficerIdentity.fromCertificate(c).name());
                        } catch (IllegalArgumentException notOfficer) {
                            try {
                                out().println("  " + OperatorIdentity.fromCertificate(c));
                            } catch (IllegalArgumentException notOperator) {
                                try {
                                    out().println("  " + RequesterIdentity.fromCertificate(c));
                                } catch (IllegalArgumentException notRequester) {
                                    out().println("  " + notNode.getMessage());
                                }
                            }
                        }
                    }
                }
            }
            return 0;
        }
    }

    static long positive(long days) {
        if (days <= 0) {
            throw new IllegalArgumentException("--next-update-days must be positive");
        }
        return days;
    }

    static int size(Collection<?> c) {
        return c == null ? 0 : c.size();
    }

    /** For tests and embedding: a CommandLine with this command. */
    public static CommandLine commandLine() {
        return new CommandLine(new PkiCommand());
    }

}
