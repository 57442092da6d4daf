package org.jukibus.attack;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jukibus.cli.Subcommand;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.management.JolokiaClient;
import org.jukibus.management.OperatorLogin;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jukibus attack-sim}: runs the catalogue of simulated attacks (模擬攻撃, 第4の3(6)) against a
 * running node over loopback and reports, per attack, whether the node refused it.
 */
@Command(name = "attack-sim", mixinStandardHelpOptions = true,
        description = {"Run the simulated-attack catalogue (模擬攻撃) against a running node; report what it refused.",
                "Attacks certificates, broker permissions, forged envelopes, hostile XML, the management port.",
                "Prints per attack: refused,",
                "NOT REFUSED or not run. Exit 0 when every attack ran and was refused, 1 otherwise.",
                "Leaves dead letters on the target (flow transfer-in: one per envelope attack, six of the id",
                "attacks) and three delivered notices marked ATTACK-SIM (the positive control, the victim's",
                "notice, the first copy of the replay), and the PIN guessing locks the",
                "operator it logs in as until the officer unlocks (jukibus operator unlock). Use on a test network."})
public class AttackSimCommand extends Subcommand {

    @Option(names = "--target", required = true, paramLabel = "CODE", description = "Code of the node to attack.")
    String target;
    @Option(names = "--directory", required = true, paramLabel = "FILE", description = "The network's signed directory.")
    Path directoryFile;
    @Option(names = "--root-ca", required = true, paramLabel = "FILE", description = "The network CA's certificate (PEM).")
    Path rootCa;
    @Option(names = "--crl", paramLabel = "FILE", description = "The network CA's CRL (PEM).")
    Path crl;
    @Option(names = "--keystore", required = true, paramLabel = "FILE",
            description = "PKCS#12 of the attacking node: a node of the directory (municipal, for the envelope attacks).")
    Path keystore;
    @Option(names = "--keystore-password-file", required = true, paramLabel = "FILE", description = "Its password.")
    Path keystorePasswordFile;
    @Option(names = "--ca", paramLabel = "DIR",
            description = "Our CA's folder: lets the simulator issue an expired and an unlisted certificate (revoked again afterwards).")
    Path caDir;
    @Option(names = "--ca-password-file", paramLabel = "FILE", description = "The CA key store's password.")
    Path caPasswordFile;
    @Option(names = "--revoked-keystore", paramLabel = "FILE", description = "PKCS#12 of a node certificate on the CRL.")
    Path revokedKeystore;
    @Option(names = "--revoked-password-file", paramLabel = "FILE", description = "Its password.")
    Path revokedPasswordFile;
    @Option(names = "--victim-keystore", paramLabel = "FILE",
            description = "PKCS#12 of a second municipal node of the directory (not the target): the duplicate-id "
                    + "poisoning attack sends its genuine notice after the attacking node tried to make it a duplicate.")
    Path victimKeystore;
    @Option(names = "--victim-password-file", paramLabel = "FILE", description = "Its password.")
    Path victimPasswordFile;
    @Mixin
    OperatorLogin login;

    @Override
    protected int run() throws Exception {
        X509Certificate root = Pem.readCertificate(rootCa);
        X509CRL revocations = crl == null ? null : Pem.readCrl(crl);
        NodeDirectory directory = DirectoryLoader.load(directoryFile, root, revocations, Clock.systemUTC());
        NodeEntry node = directory.byCode(target)
                .orElseThrow(() -> new IllegalArgumentException("node " + target + " is not in the directory " + directoryFile));
        String password = new String(SecureFiles.readPassword(keystorePasswordFile));
        KeyMaterial attacker = KeyStores.readKeyStore(keystore, password.toCharArray());
        if (directory.byCode(attacker.identity().code()).isEmpty()) {
            throw new IllegalArgumentException("the attacking node " + attacker.identity().code() + " (" + keystore
                    + ") is not in the directory: give the key store of a node the target knows");
        }
        CertificateAuthority ca = null;
        if (caDir != null) {
            if (caPasswordFile == null) {
                throw new IllegalArgumentException("--ca needs --ca-password-file");
            }
            ca = CertificateAuthority.load(caDir, SecureFiles.readPassword(caPasswordFile));
        }
        String revokedPassword = null;
        if (revokedKeystore != null) {
            if (revokedPasswordFile == null) {
                throw new IllegalArgumentException("--revoked-keystore needs --revoked-password-file");
            }
            revokedPassword = new String(SecureFiles.readPassword(revokedPasswordFile));
        }
        String victimPassword = null;
        if (victimKeystore != null) {
            if (victimPasswordFile == null) {
                throw new IllegalArgumentException("--victim-keystore needs --victim-password-file");
            }
            victimPassword = new String(SecureFiles.readPassword(victimPasswordFile));
        }
        JolokiaClient management = login.client();
        String seen = management.nodeInfo().path("code").asText();
        if (!seen.equals(target)) {
            throw new IllegalArgumentException("the management port " + login.node() + " is node " + seen + "'s, not " + target + "'s");
        }
        try (AttackTarget t = new AttackTarget(directory, node, attacker, keystore, password, ca, revokedKeystore,
                revokedPassword, victimKeystore, victimPassword, management, login.node(), root)) {
            return report(t, root);
        }
    }

    private int report(AttackTarget t, X509Certificate root) throws Exception {
        out().printf("attack-sim against %s (%s, %s) at %s, attacking as %s%n", t.target.code(), t.target.name(),
                t.target.role().id(), t.target.primary(), t.attacker.identity().code());
        List<Attack> attacks = new ArrayList<>(new LinkAttacks(t).catalogue());
        TargetWatch watch = new TargetWatch(t);
        EnvelopeAttacks envelopes = new EnvelopeAttacks(t, watch);
        Optional<String> skip = envelopes.notApplicable();
        if (skip.isEmpty()) {
            Optional<String> control = envelopes.positiveControl();
            out().println(control.isEmpty()
                    ? "positive control: a genuine notice from " + t.attacker.identity().code() + " was delivered"
                    : "positive control FAILED (" + control.get() + "): the envelope attacks are not run");
        } else {
            out().println("envelope attacks not run: " + skip.get());
        }
        attacks.addAll(envelopes.catalogue());
        attacks.addAll(new IdAttacks(t, watch, skip).catalogue());
        char[] pin = login.pin();
        try {
            attacks.addAll(new ManagementAttacks(t.managementUrl, root, login.card(), pin, t.work()).catalogue());
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }

        out().printf("%-12s %-36s %-12s %s%n", "CATEGORY", "ATTACK", "RESULT", "HOW");
        Map<Outcome.Verdict, Integer> counts = new EnumMap<>(Outcome.Verdict.class);
        for (Attack attack : attacks) {
            Outcome o = attack.category().equals("envelope") && skip.isPresent() ? Outcome.notRun(skip.get()) : attack.run().execute();
            counts.merge(o.verdict(), 1, Integer::sum);
            out().printf("%-12s %-36s %-12s %s%n", attack.category(), attack.name(), label(o.verdict()), o.detail());
            out().flush();
        }
        int refused = counts.getOrDefault(Outcome.Verdict.REFUSED, 0);
        out().printf("%d attacks: %d refused, %d NOT REFUSED, %d not run%n", attacks.size(), refused,
                counts.getOrDefault(Outcome.Verdict.NOT_REFUSED, 0), counts.getOrDefault(Outcome.Verdict.NOT_RUN, 0));
        out().flush();
        return refused == attacks.size() ? 0 : 1;
    }

    private static String label(Outcome.Verdict v) {
        return switch (v) {
            case REFUSED -> "refused";
            case NOT_REFUSED -> "NOT REFUSED";
            case NOT_RUN -> "not run";
        };
    }
}
