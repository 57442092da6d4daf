package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;

import org.jukibus.operators.OperatorCard;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.OperatorIdentity;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;

/**
 * Operator cards besides the provisioned operator's, kept in one folder as {@code <id>.p12} (card password "card" in
 * {@code <id>.pass}), {@code <id>.pem} and {@code <id>.pin}, and registered with a node as the officer does, with the
 * CLI ({@code jukibus operator register}).
 */
record OperatorCards(Path dir) {

    /** Issues a card (what {@code jukibus pki issue-operator} does) valid between the two instants. */
    OperatorCard issue(CertificateAuthority ca, String id, Instant notBefore, Instant notAfter) throws Exception {
        OperatorIdentity identity = new OperatorIdentity(id, "操作者 " + id);
        KeyMaterial keys = ca.issueOperatorKeyMaterial(identity, notBefore, notAfter);
        KeyStores.writeKeyStore(p12(id), keys, "card".toCharArray());
        SecureFiles.writePassword(passwordFile(id), "card".toCharArray());
        Pem.writeCertificate(dir.resolve(id + ".pem"), keys.certificate());
        return new OperatorCard(identity, keys);
    }

    /** Registers the card's operator with {@code pin} and {@code permissions} (comma-separated) with the node {@code code}. */
    void register(TestNetwork net, String code, OperatorCard card, String pin, String permissions) throws Exception {
        String id = card.operator().id();
        SecureFiles.writePassword(pinFile(id), pin.toCharArray());
        DeadLetterToolingIT.Run run = DeadLetterToolingIT.run("operator", "register",
                "--registration", net.node(code).home().resolve("operators.xml").toString(), "--node-code", code,
                "--card-certificate", dir.resolve(id + ".pem").toString(), "--pin-file", pinFile(id).toString(),
                "--permission", permissions,
                "--officer-keystore", net.network.officerDir().resolve("officer.p12").toString(),
                "--officer-password-file", net.network.officerDir().resolve("officer.pass").toString());
        assertThat(run.exit()).as(run.err()).isZero();
    }

    Path p12(String id) {
        return dir.resolve(id + ".p12");
    }

    Path passwordFile(String id) {
        return dir.resolve(id + ".pass");
    }

    Path pinFile(String id) {
        return dir.resolve(id + ".pin");
    }
}
