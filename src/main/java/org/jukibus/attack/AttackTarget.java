package org.jukibus.attack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.management.JolokiaClient;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;

/**
 * Everything the attacks need about the node under attack and the attacker: the target's
 * directory entry, the attacking peer's key (a node of the directory), our CA if the simulator may
 * issue certificates, and the target's management port, through which the simulator watches what
 * became of each attack (dead letters, delivered counts). Temporary key stores live in a work
 * folder deleted on close.
 */
final class AttackTarget implements AutoCloseable {

    static final String TLS = "TLSv1.3";

    final NodeDirectory directory;
    final NodeEntry target;
    final KeyMaterial attacker;
    final Path attackerKeystore;
    final String attackerPassword;
    /** Our CA, or null: without it the attacks needing a certificate of our CA are not run. */
    final CertificateAuthority ca;
    /** A key store whose certificate our CA has revoked, or null. */
    final Path revokedKeystore;
    final String revokedPassword;
    /** A second node of the directory whose messages the attacker tries to make duplicates, or null. */
    final KeyMaterial victim;
    final Path victimKeystore;
    final String victimPassword;
    final JolokiaClient management;
    final String managementUrl;
    /** The network CA: trusted for the target's side of every TLS connection, so a failure is the target's refusal. */
    final java.security.cert.X509Certificate rootCa;

    private final Path work;
    private final Path truststore;
    private final String workPassword;

    AttackTarget(NodeDirectory directory, NodeEntry target, KeyMaterial attacker, Path attackerKeystore,
                 String attackerPassword, CertificateAuthority ca, Path revokedKeystore, String revokedPassword,
                 Path victimKeystore, String victimPassword, JolokiaClient management, String managementUrl, java.security.cert.X509Certificate rootCa)
            throws IOException {
        this.directory = directory;
        this.target = target;
        this.attacker = attacker;
        this.attackerKeystore = attackerKeystore;
        this.attackerPassword = attackerPassword;
        this.ca = ca;
        this.revokedKeystore = revokedKeystore;
        this.revokedPassword = revokedPassword;
        this.victimKeystore = victimKeystore;
        this.victimPassword = victimPassword;
        this.victim = victimKeystore == null ? null : KeyStores.readKeyStore(victimKeystore, victimPassword.toCharArray());
        this.management = management;
        this.managementUrl = managementUrl;
        this.rootCa = rootCa;
        this.work = Files.createTempDirectory("jukibus-attack-sim");
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        this.workPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.truststore = work.resolve("truststore.p12");
        KeyStores.writeTrustStore(truststore, rootCa, workPassword.toCharArray());
    }

    /** A TLS connection to the target's primary line as the attacking peer. */
    Connection connectAsAttacker() throws JMSException {
        return connect(attackerKeystore, attackerPassword, TLS);
    }

    /** A TLS connection to the target's primary line as the victim node (requires {@link #victim}). */
    Connection connectAsVictim() throws JMSException {
        return connect(victimKeystore, victimPassword, TLS);
    }

    Connection connect(Path keystore, String password, String tlsVersion) throws JMSException {
        return LinkClient.connect(target.primary(), keystore, password, truststore, workPassword, tlsVersion);
    }

    /** Puts key material into a temporary key store; returns its path (password: {@link #workPassword()}). */
    Path keystoreOf(String name, KeyMaterial km) throws IOException {
        Path file = work.resolve(name + ".p12");
        KeyStores.writeKeyStore(file, km, workPassword.toCharArray());
        return file;
    }

    String workPassword() {
        return workPassword;
    }

    Path work() {
        return work;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
