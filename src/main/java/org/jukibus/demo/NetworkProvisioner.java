package org.jukibus.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.approval.ManifestSigner;
import org.jukibus.approval.NodeProgram;
import org.jukibus.approval.ProgramFiles;
import org.jukibus.approval.ProgramManifest;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeEntry;
import org.jukibus.net.LoopbackPorts;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.operators.OperatorRegistration;
import org.jukibus.operators.Permission;
import org.jukibus.operators.Pins;
import org.jukibus.operators.RegisteredOperator;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.OperatorIdentity;
import org.jukibus.pki.Pem;
import org.jukibus.store.SharedPostgres;
import org.jukibus.store.StoreAccess;

/**
 * Makes a whole network on this machine: a root CA, a key and certificate per node, a directory
 * signed by central listing every node with a primary and a backup endpoint on loopback, the
 * routes and broker configuration every node runs (a copy of the project's, approved by an
 * officer of this network), and the properties each node starts from. Used by {@code jukibus demo}
 * and by the integration tests; an operator would do the same steps with {@code jukibus pki},
 * {@code jukibus directory} and {@code jukibus routes}.
 */
public final class NetworkProvisioner {

    /** A node to provision. */
    public record NodeSpec(NodeRole role, String code, String name, String prefecture) {
    }

    /** A provisioned node: where its files are and the properties it starts with. */
    public record ProvisionedNode(NodeSpec spec, Path home, KeyMaterial keys, Endpoint primary, Endpoint backup,
                                  Map<String, Object> properties) {
        public Path legacyRoot() {
            return home.resolve("legacy");
        }
    }

    /** The provisioned network. */
    public record Network(Path root, CertificateAuthority ca, Path directoryFile, Map<String, ProvisionedNode> nodes) {
        /** Password of the network CA's key store (ca/ca.p12), 0600: a test or demo network's, never a real CA's. */
        public Path caPasswordFile() {
            return root.resolve(CA_PASSWORD_FILE);
        }

        /** The card of the operator {@value NetworkProvisioner#OPERATOR}, registered with every node with every permission. */
        public Path operatorCard() {
            return root.resolve(OPERATOR_DIR).resolve(OPERATOR + ".p12");
        }

        /** The card's password (0600). */
        public Path operatorCardPasswordFile() {
            return root.resolve(OPERATOR_DIR).resolve(OPERATOR + ".pass");
        }

        /** The operator's PIN (0600). */
        public Path operatorPinFile() {
            return root.resolve(OPERATOR_DIR).resolve(OPERATOR + ".pin");
        }

        /** The routes/ and broker-config/ every node runs: a copy of the project's, with routes/APPROVED.xml. */
        public Path programsDir() {
            return root.resolve(PROGRAMS_DIR);
        }

        /** The approving officer's key store (officer.p12), its password (officer.pass) and certificate (officer.pem). */
        public Path officerDir() {
            return root.resolve(OFFICER_DIR);
        }

        public ProvisionedNode node(String code) {
            ProvisionedNode node = nodes.get(code);
            if (node == null) {
                throw new IllegalArgumentException("no node " + code + " in this network");
            }
            return node;
        }
    }

    /** The demo network: three municipalities in two prefectures, their prefecture nodes, central. */
    public static List<NodeSpec> demoNodes() {
        return List.of(
                new NodeSpec(NodeRole.CENTRAL, "central", "地方公共団体情報システム機構", null),
                new NodeSpec(NodeRole.PREFECTURE, "13", "東京都", "13"),
                new NodeSpec(NodeRole.PREFECTURE, "27", "大阪府", "27"),
                new NodeSpec(NodeRole.MUNICIPAL, "131016", "千代田区", "13"),
                new NodeSpec(NodeRole.MUNICIPAL, "131041", "新宿区", "13"),
                new NodeSpec(NodeRole.MUNICIPAL, "271004", "大阪市", "27"));
    }

    /**
     * Where a provisioned node keeps its store: a database on a server the caller runs, or null
     * for the node's own embedded PostgreSQL in its home (the default).
     */
    @FunctionalInterface
    public interface StoreFor {
        StoreAccess store(NodeSpec spec, Path home) throws IOException;
    }

    /** Every node's store is a database of its own on {@code server} (its password in the node's pki/store.pass). */
    public static StoreFor sharedBy(SharedPostgres server) {
        return (spec, home) -> server.createDatabase(spec.code(), home.resolve("pki").resolve("store.pass"));
    }

    /** The operator every provisioned node lets log in to its management port (with every permission). */
    public static final String OPERATOR = "operator";
    static final String CA_PASSWORD_FILE = "ca.pass";
    static final String OPERATOR_DIR = "operator";
    /** What the provisioned operator may do: everything. */
    public static final List<String> ALL_PERMISSIONS = List.of("dlq.read:*", "dlq.replay:*", "dlq.purge:*", "status", "provision", "management",
            "terminal:*");
    /** The officer who approves the network's routes and broker configuration. */
    public static final String OFFICER = "承認責任者";
    static final String PROGRAMS_DIR = "programs";
    static final String OFFICER_DIR = "officer";

    private final Path projectDir;

    /** @param projectDir where routes/ and broker-config/ are (the working copy or installation) */
    public NetworkProvisioner(Path projectDir) {
        this.projectDir = projectDir;
    }

    /** Provisions a network whose nodes each run their own embedded store. */
    public Network provision(Path root, List<NodeSpec> specs) throws IOException {
        return provision(root, specs, (spec, home) -> null);
    }

    public Network provision(Path root, List<NodeSpec> specs, StoreFor storeFor) throws IOException {
        Files.createDirectories(root);
        char[] caPassword = randomSecret().toCharArray();
        CertificateAuthority ca = CertificateAuthority.create(root.resolve("ca"), "Juki-net Root CA (" + root.getFileName() + ")", caPassword);
        // a test network's CA: its password is kept beside it (0600) so `jukibus pki` and `jukibus attack-sim --ca` can use it
        org.jukibus.pki.SecureFiles.writePassword(root.resolve(CA_PASSWORD_FILE), caPassword);

        KeyMaterial officer = approvePrograms(ca, root.resolve(PROGRAMS_DIR), root.resolve(OFFICER_DIR));
        Path officerCertificate = root.resolve(OFFICER_DIR).resolve("officer.pem");

        // one operator for the whole network with a card and a fresh PIN: nodes hold the PIN's bcrypt hash only
        RegisteredOperator operator = issueOperatorCard(ca, root.resolve(OPERATOR_DIR));

        DirectoryBuilder directory = new DirectoryBuilder().serial(1).issuedAt(java.time.Instant.now());
        Map<String, ProvisionedNode> nodes = new LinkedHashMap<>();
        KeyMaterial central = null;
        for (NodeSpec spec : specs) {
            Path home = root.resolve("nodes").resolve(spec.code());
            Path pki = home.resolve("pki");
            Files.createDirectories(pki);
            KeyMaterial keys = ca.issueKeyMaterial(new NodeIdentity(spec.role(), spec.code(), spec.name()),
                    List.of("127.0.0.1", "localhost"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
            String password = randomSecret();
            Path keystore = pki.resolve(spec.code() + ".p12");
            Path truststore = pki.resolve("truststore.p12");
            Path passwordFile = pki.resolve(spec.code() + ".pass");
            KeyStores.writeKeyStore(keystore, keys, password.toCharArray());
            KeyStores.writeTrustStore(truststore, ca.certificate(), password.toCharArray());
            Pem.writeCertificate(pki.resolve(spec.code() + ".pem"), keys.certificate()); // e.g. for jukibus audit verify
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);

            Endpoint primary = new Endpoint("127.0.0.1", LoopbackPorts.next());
            Endpoint backup = new Endpoint("127.0.0.1", LoopbackPorts.next());
            directory.add(new NodeEntry(spec.role(), spec.code(), spec.name(), spec.prefecture(), primary, backup, keys.certificate()));
            if (spec.role() == NodeRole.CENTRAL) {
                central = keys;
            }

            Map<String, Object> p = new LinkedHashMap<>();
            p.put("jukibus.role", spec.role().id());
            p.put("jukibus.code", spec.code());
            p.put("jukibus.home", home.toString());
            p.put("jukibus.routes-dir", root.resolve(PROGRAMS_DIR).resolve("routes").toString());
            p.put("jukibus.broker-config-dir", root.resolve(PROGRAMS_DIR).resolve("broker-config").toString());
            p.put("jukibus.approval.officer-certificate", officerCertificate.toString());
            p.put("jukibus.pki.keystore", keystore.toString());
            p.put("jukibus.pki.truststore", truststore.toString());
            p.put("jukibus.pki.password-file", passwordFile.toString());
            p.put("jukibus.pki.root-ca", ca.directory().resolve(CertificateAuthority.CERT_FILE).toString());
            p.put("jukibus.pki.crl", ca.directory().resolve(CertificateAuthority.CRL_FILE).toString());
            p.put("jukibus.directory.file", root.resolve("directory.xml").toString());
            Path registration = home.resolve("operators.xml");
            Files.write(registration, new OperatorRegistration(spec.code(), OFFICER, java.time.Instant.now().truncatedTo(
                    java.time.temporal.ChronoUnit.SECONDS), List.of(operator)).sign(officer));
            p.put("jukibus.operators.registration", registration.toString());
            String prefecture = spec.prefecture() != null ? spec.prefecture() : spec.code().substring(0, 2);
            if (spec.role() == NodeRole.MUNICIPAL && specs.stream().noneMatch(
                    other -> other.role() == NodeRole.PREFECTURE && other.code().equals(prefecture))) {
                // a network without this municipality's prefecture node, on purpose (a partial test network): nobody to
                // confirm transfer-outs to. Confirming anyway would dead-letter every confirmation as UNKNOWN_RECIPIENT,
                // as it must in a network whose directory lost the prefecture by mistake (TransferOutConfirmer)
                p.put("jukibus.transfer-out.confirm-on-transfer-in", "false");
            }
            StoreAccess store = storeFor.store(spec, home);
            if (store != null) {
                p.putAll(store.properties());
            }
            nodes.put(spec.code(), new ProvisionedNode(spec, home, keys, primary, backup, p));
        }
        if (central == null) {
            throw new IllegalArgumentException("a network needs a central node to sign its directory");
        }
        Path directoryFile = root.resolve("directory.xml");
        Files.write(directoryFile, DirectorySigner.sign(directory.build(), central));
        return new Network(root, ca, directoryFile, nodes);
    }

    /**
     * Copies the project's routes/ and broker-config/ into {@code programs} and approves them there as an officer
     * issued now (what an operator does with {@code jukibus pki issue-officer} and {@code jukibus routes sign}):
     * nodes never run the working copy's files, and tests that change a route change their own copy.
     * Returns the officer's key.
     */
    private KeyMaterial approvePrograms(CertificateAuthority ca, Path programs, Path officerDir) throws IOException {
        Path routes = programs.resolve("routes");
        Path brokerConfig = programs.resolve("broker-config");
        copyTree(projectDir.resolve("routes"), routes);
        copyTree(projectDir.resolve("broker-config"), brokerConfig);
        KeyMaterial officer = ca.issueOfficerKeyMaterial(new OfficerIdentity(OFFICER), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        String password = randomSecret();
        KeyStores.writeKeyStore(officerDir.resolve("officer.p12"), officer, password.toCharArray());
        org.jukibus.pki.SecureFiles.writePassword(officerDir.resolve("officer.pass"), password.toCharArray());
        Path certificate = officerDir.resolve("officer.pem");
        Pem.writeCertificate(certificate, officer.certificate());
        ProgramManifest manifest = ProgramManifest.of(OFFICER, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                "provisioned with the network", ProgramFiles.all(routes, brokerConfig), nodeProgram());
        Files.write(routes.resolve("APPROVED.xml"), ManifestSigner.sign(manifest, officer));
        return officer;
    }

    /**
     * The program the network's nodes run: this one, or, when this runs from a class folder (tests), with the project's
     * built jar ({@code target/jukibus.jar}) that separate node processes are started from.
     */
    private NodeProgram nodeProgram() throws IOException {
        NodeProgram running = NodeProgram.running();
        Path built = projectDir.resolve("target/jukibus.jar");
        return running.jar() == null && Files.isRegularFile(built) ? running.withJar(built) : running;
    }

    /**
     * Issues the card of the operator {@value #OPERATOR} (what {@code jukibus pki issue-operator} does) with a fresh
     * card password and PIN in {@code dir}; returns the operator as every node registers it.
     */
    private static RegisteredOperator issueOperatorCard(CertificateAuthority ca, Path dir) throws IOException {
        KeyMaterial card = ca.issueOperatorKeyMaterial(new OperatorIdentity(OPERATOR, "運用担当者"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        char[] password = randomSecret().toCharArray();
        char[] pin = randomSecret().substring(0, 8).toCharArray();
        KeyStores.writeKeyStore(dir.resolve(OPERATOR + ".p12"), card, password);
        org.jukibus.pki.SecureFiles.writePassword(dir.resolve(OPERATOR + ".pass"), password);
        org.jukibus.pki.SecureFiles.writePassword(dir.resolve(OPERATOR + ".pin"), pin);
        Pem.writeCertificate(dir.resolve(OPERATOR + ".pem"), card.certificate());
        java.util.Set<Permission> all = new java.util.LinkedHashSet<>();
        ALL_PERMISSIONS.forEach(p -> all.add(Permission.parse(p)));
        return new RegisteredOperator(OPERATOR, "運用担当者", RegisteredOperator.fingerprint(card.certificate()), Pins.hash(pin), all);
    }

    /**
     * Copies the tree {@code from} into {@code to} (created), files with their attributes: the start-up bench copies a
     * node home holding a class-data archive, which the JVM refuses when its jar's modification time changed.
     */
    public static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Writes each node's properties as the config file an operator would keep ({@code node.properties}). */
    public static void writeConfigFiles(Network network) throws IOException {
        for (ProvisionedNode node : network.nodes().values()) {
            StringBuilder sb = new StringBuilder("# jukibus node " + node.spec().code() + " (" + node.spec().role().id() + ")\n");
            node.properties().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            Files.writeString(node.home().resolve("node.properties"), sb, StandardCharsets.UTF_8);
        }
    }

    private static String randomSecret() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
