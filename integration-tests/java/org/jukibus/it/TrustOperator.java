package org.jukibus.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import jakarta.jms.Connection;

import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.SecureFiles;

/**
 * What the CA operator and central's operator do to a test network's trust: revoke with the CA on disk, sign a
 * directory, publish either into central's {@code publish/} folder; and what a peer holding a node's key can try
 * (a TLS login to another node's broker).
 */
final class TrustOperator {

    private static final String PASSWORD = "test-store-password";

    private TrustOperator() {
    }

    /** The CA as central's renewals left it on disk (they issue CRLs too), issuing at this clock's time. */
    static CertificateAuthority ca(TestNetwork net, Clock clock) throws Exception {
        return CertificateAuthority.load(net.network.ca().directory(), SecureFiles.readPassword(net.network.caPasswordFile()), clock);
    }

    /** The directory the network was provisioned with. */
    static NodeDirectory provisionedDirectory(TestNetwork net) throws Exception {
        return DirectoryLoader.load(net.network.directoryFile(), net.network.ca().certificate(), null, Clock.systemUTC());
    }

    /** A directory of these entries signed by central, issued at the clock's time and valid for a year. */
    static byte[] signedDirectory(TestNetwork net, long serial, List<NodeEntry> entries, Clock clock) {
        return DirectorySigner.sign(new DirectoryBuilder().serial(serial).issuedAt(clock.instant())
                .nextUpdate(clock.instant().plus(Duration.ofDays(365))).addAll(entries).build(), net.node("central").keys());
    }

    /** What an operator does: the file into central's publish/ folder, written beside and renamed. */
    static void publish(TestNetwork net, Path file, String name) throws Exception {
        Path publish = net.node("central").home().resolve("publish");
        Files.createDirectories(publish);
        Path part = publish.resolve(name + ".part");
        Files.copy(file, part);
        Files.move(part, publish.resolve(name));
    }

    /** The same, for a document held in memory. */
    static void publish(TestNetwork net, byte[] content, String name) throws Exception {
        Path file = Files.createTempFile(net.network.root(), name, ".tmp");
        Files.write(file, content);
        publish(net, file, name);
    }

    /** A TLS login to node {@code to}'s broker with {@code node}'s key and certificate (whether or not that node runs). */
    static Connection connectAs(TestNetwork net, ProvisionedNode node, String to) throws Exception {
        Path root = net.network.root();
        Path truststore = root.resolve("truststore.p12");
        if (!Files.exists(truststore)) {
            KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), PASSWORD.toCharArray());
        }
        Path keystore = root.resolve("client-" + node.spec().code() + ".p12");
        if (!Files.exists(keystore)) {
            KeyStores.writeKeyStore(keystore, node.keys(), PASSWORD.toCharArray());
        }
        return TlsPeer.connect(net.node(to).primary(), keystore, PASSWORD, truststore, PASSWORD);
    }
}
