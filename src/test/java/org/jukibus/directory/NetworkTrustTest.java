package org.jukibus.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkTrustTest {

    static final char[] PW = "pw".toCharArray();

    @TempDir
    Path tmp;

    CertificateAuthority ca;
    KeyMaterial central;
    KeyMaterial shinjuku;
    KeyMaterial osaka;
    Path store;
    Path configuredDirectory;
    Path configuredCrl;
    final Instant now = Instant.now();

    @BeforeEach
    void setUp() throws Exception {
        ca = CertificateAuthority.create(tmp.resolve("ca"), "Juki-net Root", PW);
        central = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "central", "機構"), List.of(), Duration.ofDays(300));
        shinjuku = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of(), Duration.ofDays(300));
        osaka = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市"), List.of(), Duration.ofDays(300));
        configuredCrl = tmp.resolve("crl.pem");
        Pem.writeCrl(configuredCrl, ca.issueCrl(Duration.ofDays(7)));
        configuredDirectory = tmp.resolve("directory.xml");
        Files.write(configuredDirectory, directory(1, null, central, shinjuku));
        store = tmp.resolve("home/trust");
    }

    NetworkTrust start(Instant at) throws Exception {
        return NetworkTrust.start(store, configuredDirectory, configuredCrl, ca.certificate(), "131041", NodeRole.MUNICIPAL,
                Clock.fixed(at, ZoneOffset.UTC));
    }

    byte[] directory(long serial, Instant nextUpdate, KeyMaterial... nodes) {
        return DirectorySigner.sign(new DirectoryBuilder().serial(serial).issuedAt(now).nextUpdate(nextUpdate)
                .addAll(directoryOf(nodes)).build(), central);
    }

    static List<NodeEntry> directoryOf(KeyMaterial... nodes) {
        List<NodeEntry> entries = new ArrayList<>();
        int port = 61616;
        for (KeyMaterial km : nodes) {
            NodeIdentity id = km.identity();
            entries.add(new NodeEntry(id.role(), id.code(), id.name(), id.role() == NodeRole.MUNICIPAL ? id.code().substring(0, 2) : null,
                    Endpoint.parse("127.0.0.1:" + port++), Endpoint.parse("127.0.0.1:" + port++), km.certificate()));
        }
        return entries;
    }

    static byte[] pem(X509CRL crl) {
        return Pem.toPem(crl).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void a_newer_crl_is_applied_at_once_stored_and_announced() throws Exception {
        NetworkTrust trust = start(now);
        List<NetworkTrust.State> told = new ArrayList<>();
        trust.onChange(told::add);
        assertThat(trust.revoked(osaka.certificate())).isFalse();

        X509CRL revoking = ca.revoke(osaka.certificate().getSerialNumber(), Duration.ofDays(7));
        assertThat(trust.offer(pem(revoking))).isEqualTo(NetworkTrust.Outcome.ACCEPTED);

        assertThat(trust.revoked(osaka.certificate())).isTrue();
        assertThat(told).singleElement().satisfies(s -> assertThat(s.crlNumber()).isEqualTo(NetworkTrust.crlNumber(revoking)));
        // a restart starts from the stored one, not the configured older file
        assertThat(start(now).revoked(osaka.certificate())).isTrue();
    }

    @Test
    void a_crl_that_cannot_be_stored_is_not_applied_and_its_delivery_waits_as_trust_unwritable() throws Exception {
        NetworkTrust trust = start(now);
        BigInteger inForce = trust.state().crlNumber();
        // the home's trust folder unusable (a full disk gives the same IOException): a file where the folder was
        org.springframework.util.FileSystemUtils.deleteRecursively(store);
        Files.writeString(store, "not a folder");
        X509CRL revoking = ca.revoke(osaka.certificate().getSerialNumber(), Duration.ofDays(7));
        org.apache.camel.Exchange delivery = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        delivery.getIn().setBody(pem(revoking));

        assertThatThrownBy(() -> new org.jukibus.flow.TrustDistribution(trust, "131041", NodeRole.MUNICIPAL).take(delivery))
                .isInstanceOfSatisfying(org.jukibus.flow.TransientFailure.class,
                        e -> assertThat(e.reason()).isEqualTo(org.jukibus.flow.TrustDistribution.TRUST_UNWRITABLE))
                .hasMessageContaining("cannot store the accepted");
        assertThat(org.jukibus.flow.DeliveryFailures.classify(new RuntimeException(new org.jukibus.flow.TransientFailure(
                "TRUST_UNWRITABLE", "x", null)))).isEqualTo(org.jukibus.flow.DeliveryFailures.Kind.TRANSIENT);
        assertThat(trust.state().crlNumber()).as("not applied: a restart would fall back to the older one").isEqualTo(inForce);

        // the disk back: the redelivered document is applied
        Files.delete(store);
        new org.jukibus.flow.TrustDistribution(trust, "131041", NodeRole.MUNICIPAL).take(delivery);
        assertThat(trust.revoked(osaka.certificate())).isTrue();
    }

    @Test
    void an_older_crl_is_a_rollback_and_an_equal_one_changes_nothing() throws Exception {
        NetworkTrust trust = start(now);
        X509CRL second = ca.revoke(osaka.certificate().getSerialNumber(), Duration.ofDays(7));
        X509CRL third = ca.issueCrl(Duration.ofDays(7));
        trust.offer(pem(third));
        List<NetworkTrust.State> told = new ArrayList<>();
        trust.onChange(told::add);

        assertThat(trust.offer(pem(third))).isEqualTo(NetworkTrust.Outcome.ALREADY_CURRENT);
        assertThatThrownBy(() -> trust.offer(pem(second)))
                .isInstanceOfSatisfying(TrustRejectedException.class, e -> assertThat(e.reason()).isEqualTo("ROLLBACK"))
                .hasMessageContaining("CRL number " + NetworkTrust.crlNumber(second) + " is older than the current " + NetworkTrust.crlNumber(third));
        assertThat(trust.state().crlNumber()).isEqualTo(NetworkTrust.crlNumber(third));
        assertThat(told).isEmpty();
    }

    @Test
    void an_expired_crl_is_refused_but_the_one_in_force_stays_past_its_next_update() throws Exception {
        X509CRL shortLived = ca.revoke(osaka.certificate().getSerialNumber(), Duration.ofDays(1));
        NetworkTrust trust = start(now.plus(Duration.ofDays(2)));
        BigInteger before = trust.state().crlNumber();

        assertThatThrownBy(() -> trust.offer(pem(shortLived)))
                .isInstanceOfSatisfying(TrustRejectedException.class, e -> assertThat(e.reason()).isEqualTo("EXPIRED"));
        // day 2 of a 1-day CRL... and day 8 of the 7-day one in force: it stays in force
        NetworkTrust late = start(now.plus(Duration.ofDays(8)));
        assertThat(late.state().crlNumber()).isEqualTo(before);
        assertThat(late.revoked(osaka.certificate())).isFalse();
    }

    @Test
    void a_crl_of_another_ca_is_refused() throws Exception {
        NetworkTrust trust = start(now);
        CertificateAuthority foreign = CertificateAuthority.create(tmp.resolve("foreign"), "Juki-net Root", PW);
        foreign.issueCrl(Duration.ofDays(1));
        X509CRL forged = foreign.issueCrl(Duration.ofDays(7));

        assertThatThrownBy(() -> trust.offer(pem(forged)))
                .isInstanceOfSatisfying(TrustRejectedException.class, e -> assertThat(e.reason()).isEqualTo("INVALID"))
                .hasMessageContaining("does not verify with the root CA");
    }

    @Test
    void a_newer_directory_is_followed_by_the_live_view() throws Exception {
        NetworkTrust trust = start(now);
        NodeDirectory live = new LiveDirectory(trust);
        assertThat(live.byCode("271004")).isEmpty();

        byte[] second = directory(2, now.plus(Duration.ofDays(30)), central, shinjuku, osaka);
        assertThat(trust.offer(second)).isEqualTo(NetworkTrust.Outcome.ACCEPTED);

        assertThat(live.serial()).isEqualTo(2);
        assertThat(live.byCode("271004")).hasValueSatisfying(e -> assertThat(e.certificate()).isEqualTo(osaka.certificate()));
        assertThat(live.byCertificate(osaka.certificate())).isPresent();
        assertThat(Files.readAllBytes(store.resolve(NetworkTrust.DIRECTORY_FILE))).isEqualTo(second);
        assertThat(start(now).directory().serial()).isEqualTo(2);
    }

    @Test
    void a_restart_verifies_a_stored_directory_that_differs_from_the_configured_one_before_using_it() throws Exception {
        start(now).offer(directory(2, null, central, shinjuku, osaka));
        Path stored = store.resolve(NetworkTrust.DIRECTORY_FILE);
        // the stored copy changed on disk after it was accepted: a higher serial, the signature no longer matches
        Files.writeString(stored, Files.readString(stored).replace("serial=\"2\"", "serial=\"3\""));

        NetworkTrust restarted = start(now);

        assertThat(restarted.directory().serial()).isEqualTo(1);
        assertThat(restarted.directory().byCode("271004")).isEmpty();
        assertThat(Files.readAllBytes(stored)).isEqualTo(Files.readAllBytes(configuredDirectory));
    }

    @Test
    void a_restart_starts_from_the_stored_directory_when_the_configured_ones_signer_has_expired_since() throws Exception {
        // central's signing certificate of the provisioned directory expires after 300 days; central signs with a new one
        KeyMaterial renewed = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "central", "機構"), List.of(),
                Duration.ofDays(900));
        Files.createDirectories(store);
        Files.write(store.resolve(NetworkTrust.DIRECTORY_FILE), DirectorySigner.sign(new DirectoryBuilder().serial(2)
                .issuedAt(now).addAll(directoryOf(central, shinjuku, osaka)).build(), renewed));
        Instant later = now.plus(Duration.ofDays(400));

        NetworkTrust restarted = start(later);

        assertThat(restarted.directory().serial()).isEqualTo(2);
        assertThat(restarted.directory().byCode("271004")).isPresent();
        // neither usable: the start fails
        Files.writeString(store.resolve(NetworkTrust.DIRECTORY_FILE), "not a directory");
        assertThatThrownBy(() -> start(later)).isInstanceOf(DirectoryRejectedException.class);
    }

    @Test
    void a_configured_directory_changed_after_signing_stops_a_restart_even_with_a_good_stored_one() throws Exception {
        start(now).offer(directory(2, null, central, shinjuku, osaka));
        // someone changed the node's configured directory: an operator must look, the stored copy is no way around it
        Files.writeString(configuredDirectory, Files.readString(configuredDirectory).replace("serial=\"1\"", "serial=\"5\""));

        assertThatThrownBy(() -> start(now)).isInstanceOf(DirectoryRejectedException.class)
                .hasMessageContaining("changed after signing");
    }

    @Test
    void a_restart_on_the_stored_copy_of_the_configured_directory_starts_from_it() throws Exception {
        start(now);
        assertThat(store.resolve(NetworkTrust.DIRECTORY_FILE)).hasSameBinaryContentAs(configuredDirectory);

        assertThat(start(now).directory().serial()).isEqualTo(1);
        // and a changed configured file is loaded, not taken for the stored one
        Files.write(configuredDirectory, directory(4, null, central, shinjuku, osaka));
        assertThat(start(now).directory().byCode("271004")).isPresent();
    }

    @Test
    void an_older_an_expired_or_a_self_less_directory_is_refused() throws Exception {
        NetworkTrust trust = start(now);
        trust.offer(directory(5, null, central, shinjuku));

        assertThatThrownBy(() -> trust.offer(directory(4, null, central, shinjuku, osaka)))
                .isInstanceOfSatisfying(TrustRejectedException.class, e -> assertThat(e.reason()).isEqualTo("ROLLBACK"));
        assertThatThrownBy(() -> trust.offer(directory(6, now.minusSeconds(1), central, shinjuku, osaka)))
                .isInstanceOfSatisfying(TrustRejectedException.class, e -> assertThat(e.reason()).isEqualTo("EXPIRED"));
        assertThatThrownBy(() -> trust.offer(directory(7, null, central, osaka)))
                .isInstanceOfSatisfying(TrustRejectedException.class, e -> assertThat(e.reason()).isEqualTo("INVALID"))
                .hasMessageContaining("this node (131041) is not in the directory");
        assertThat(trust.directory().serial()).isEqualTo(5);
        assertThat(trust.directory().byCode("271004")).isEmpty();
    }

    @Test
    void a_directory_not_signed_by_central_is_refused() throws Exception {
        NetworkTrust trust = start(now);
        byte[] signedByShinjuku = DirectorySigner.signAnyKey(
                new DirectoryBuilder().serial(9).issuedAt(now).add(new NodeEntry(NodeRole.MUNICIPAL, "131041", "新宿区", "13",
                        Endpoint.parse("127.0.0.1:1"), Endpoint.parse("127.0.0.1:2"), shinjuku.certificate())).build(), shinjuku);

        assertThatThrownBy(() -> trust.offer(signedByShinjuku))
                .isInstanceOfSatisfying(TrustRejectedException.class, e -> assertThat(e.reason()).isEqualTo("INVALID"));
        assertThat(trust.directory().serial()).isEqualTo(1);
    }
}
