package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.jms.JMSException;

import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.core.NodeProperties;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.SecureFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bunkyo's node certificate is renewed on a running network, following the procedure in docs/operations.md: a
 * notice sealed to its old key before the switch and one sealed to its new key during the overlap both arrive;
 * once central publishes the directory that ends the overlap, the old certificate is refused.
 */
@Tag("slow")
class CertificateRenewalIT {

    static final Duration BOUND = Duration.ofMinutes(5);

    @Provisioned(value = {TOKYO_PREF, SHINJUKU, BUNKYO}, started = Provisioned.ALL)
    static TestNetwork net;

    @Test
    void a_renewed_municipality_loses_nothing_and_its_old_certificate_is_refused_after_the_overlap() throws Exception {
        ProvisionedNode bunkyo = net.node(BUNKYO);
        NodeDirectory provisioned = DirectoryLoader.load(net.network.directoryFile(), net.network.ca().certificate(), null,
                Clock.systemUTC());
        KeyMaterial oldKeys = bunkyo.keys();
        Path oldStore = Path.of(bunkyo.properties().get("jukibus.pki.keystore").toString());
        char[] password = SecureFiles.readPassword(Path.of(bunkyo.properties().get("jukibus.pki.password-file").toString()));
        // 1. the CA issues the new key and certificate (jukibus pki node with the same code, another --out)
        KeyMaterial newKeys = net.network.ca().issueKeyMaterial(oldKeys.identity(), List.of("127.0.0.1", "localhost"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
        Path newStore = bunkyo.home().resolve("pki").resolve(BUNKYO + "-renewed.p12");
        KeyStores.writeKeyStore(newStore, newKeys, password);

        // Bunkyo is down for a while: what Shinjuku sends it meanwhile waits in the queues, sealed to the old key
        net.stop(BUNKYO);
        net.drop(SHINJUKU, "transfer-in", "R-OLD.xml", Notices.transferIn("R-OLD", SAMPLE_RESIDENT, SHINJUKU, BUNKYO));
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(SHINJUKU, "inbox", "transfer-in").isEmpty());

        // 2. central lists the new certificate beside the old one: the overlap begins, peers seal to the new one
        publishDirectory(new DirectoryBuilder().serial(provisioned.serial() + 1).addAll(provisioned.all())
                .listNextCertificate(BUNKYO, newKeys.certificate()));
        awaitSerial(provisioned.serial() + 1, "central", TOKYO_PREF, SHINJUKU);
        net.drop(SHINJUKU, "transfer-in", "R-NEW.xml", Notices.transferIn("R-NEW", "50000000008", SHINJUKU, BUNKYO));

        // 3. Bunkyo switches: the new key store, the old one kept as renewal key store for what still waits
        bunkyo.properties().put("jukibus.pki.keystore", newStore.toString());
        bunkyo.properties().put("jukibus.pki.renewal-keystore", oldStore.toString());
        net.start(BUNKYO);
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                assertThat(net.files(BUNKYO, "outbox", "transfer-in")).hasSize(2));

        // 4. after the overlap central lists only the new certificate
        publishDirectory(new DirectoryBuilder().serial(provisioned.serial() + 2).addAll(provisioned.all())
                .listNextCertificate(BUNKYO, newKeys.certificate()).endOverlap(BUNKYO));
        awaitSerial(provisioned.serial() + 2, "central", TOKYO_PREF, SHINJUKU);

        // a login with the old certificate is refused, with the new one accepted
        Path truststore = Path.of(bunkyo.properties().get("jukibus.pki.truststore").toString());
        String pw = new String(password);
        assertThatThrownBy(() -> TlsPeer.connect(net.node(SHINJUKU).primary(), oldStore, pw, truststore, pw).close())
                .isInstanceOf(JMSException.class);
        TlsPeer.connect(net.node(SHINJUKU).primary(), newStore, pw, truststore, pw).close();
        // and the new one's login (same subject) does not let the old one in after it
        assertThatThrownBy(() -> TlsPeer.connect(net.node(SHINJUKU).primary(), oldStore, pw, truststore, pw).close())
                .isInstanceOf(JMSException.class);
        // an envelope signed with the old key is refused, one signed with the new key opens
        NodeEnvelopes shinjuku = net.context(SHINJUKU).getBean(NodeEnvelopes.class);
        NetworkTrust trust = net.context(SHINJUKU).getBean(NetworkTrust.class);
        assertThat(refusal(shinjuku, signedBy(oldKeys, trust))).isEqualTo(RejectionReason.BAD_SIGNATURE);
        assertThat(shinjuku.open(signedBy(newKeys, trust)).header().sender()).isEqualTo(BUNKYO);
        // nothing was dead-lettered on the way: both notices arrived once each
        assertThat(net.files(BUNKYO, "outbox", "transfer-in")).hasSize(2);
    }

    private static byte[] signedBy(KeyMaterial bunkyoKeys, NetworkTrust trust) throws Exception {
        NodeEnvelopes side = new NodeEnvelopes(BUNKYO, bunkyoKeys, new org.jukibus.directory.LiveDirectory(trust), trust::crl,
                new NodeProperties.Envelope(), Clock.systemUTC());
        return side.seal("TransferInNotice", SHINJUKU, UUID.randomUUID().toString(), null,
                side.parsePayload(Notices.transferIn("R-SIG", SAMPLE_RESIDENT, BUNKYO, SHINJUKU), "TransferInNotice"));
    }

    private static RejectionReason refusal(NodeEnvelopes at, byte[] envelope) {
        try {
            at.open(envelope);
            throw new AssertionError("opened");
        } catch (EnvelopeRejectedException e) {
            return e.reason();
        }
    }

    private static void awaitSerial(long serial, String... codes) {
        for (String code : codes) {
            NetworkTrust trust = net.context(code).getBean(NetworkTrust.class);
            await().atMost(BOUND).until(() -> trust.directory().serial() == serial);
        }
    }

    /** What an operator does: central signs the directory and drops it into its publish/ folder. */
    private static void publishDirectory(DirectoryBuilder directory) throws Exception {
        byte[] signed = DirectorySigner.sign(directory.issuedAt(Instant.now()).nextUpdate(Instant.now().plus(Duration.ofDays(365)))
                .build(), net.node("central").keys());
        Path publish = net.node("central").home().resolve("publish");
        Files.createDirectories(publish);
        Path part = publish.resolve("directory.xml.part");
        Files.write(part, signed);
        Files.move(part, publish.resolve("directory.xml"));
    }
}
