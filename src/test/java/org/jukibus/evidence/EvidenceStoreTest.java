package org.jukibus.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.clock.NodeClock;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.LiveDirectory;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.OpenedEnvelope;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence that survives years: an envelope kept as it arrived verifies again with the certificate and CRL of its
 * day after the sender was revoked and years have passed on the node clock; a changed byte is named as tampering;
 * after the retention it is gone, with the trust documents only it needed.
 */
class EvidenceStoreTest {

    static final String ID = "0b6a7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e";

    @TempDir
    Path tmp;

    CertificateAuthority ca;
    KeyMaterial osaka;
    NodeClock clock;
    NetworkTrust trust;
    EvidenceStore store;
    EvidenceVerifier verifier;
    byte[] envelope;
    org.jukibus.envelope.EnvelopeHeader header;

    @BeforeEach
    void setUp() throws Exception {
        ca = CertificateAuthority.create(tmp.resolve("ca"), "Juki-net Root", "pw".toCharArray());
        KeyMaterial central = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "central", "機構"), List.of(), Duration.ofDays(300));
        KeyMaterial shinjuku = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of(), Duration.ofDays(300));
        osaka = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市"), List.of(), Duration.ofDays(300));
        Path crl = tmp.resolve("crl.pem");
        Pem.writeCrl(crl, ca.issueCrl(Duration.ofDays(7)));
        Path directory = tmp.resolve("directory.xml");
        Files.write(directory, directory(central, central, shinjuku, osaka));
        clock = new NodeClock(Clock.systemUTC(), Duration.ZERO);
        Path home = tmp.resolve("home");
        trust = NetworkTrust.start(home.resolve("trust"), directory, crl, ca.certificate(), "131041", NodeRole.MUNICIPAL, clock);
        Path evidence = home.resolve(EvidenceStore.FOLDER);
        store = new EvidenceStore(evidence, new TrustVersions(evidence, home.resolve("trust"), ca.certificate()).follow(trust),
                Period.ofYears(5), clock);
        verifier = new EvidenceVerifier(evidence);

        NodeEnvelopes fromOsaka = new NodeEnvelopes("271004", osaka, new LiveDirectory(trust), trust::crl, new NodeProperties.Envelope(), clock);
        byte[] notice = Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml"));
        envelope = fromOsaka.seal("TransferInNotice", "131041", ID, null,
                new NodeEnvelopes("131041", shinjuku, new LiveDirectory(trust), trust::crl, new NodeProperties.Envelope(), clock)
                        .parsePayload(notice, "TransferInNotice"));
        NodeEnvelopes atShinjuku = new NodeEnvelopes("131041", shinjuku, new LiveDirectory(trust), trust::crl, new NodeProperties.Envelope(), clock);
        OpenedEnvelope opened = atShinjuku.open(envelope);
        header = opened.header();
        store.keep(envelope, header);
    }

    byte[] directory(KeyMaterial signer, KeyMaterial... nodes) {
        List<NodeEntry> entries = new ArrayList<>();
        int port = 61616;
        for (KeyMaterial km : nodes) {
            NodeIdentity id = km.identity();
            entries.add(new NodeEntry(id.role(), id.code(), id.name(), id.role() == NodeRole.MUNICIPAL ? id.code().substring(0, 2) : null,
                    Endpoint.parse("127.0.0.1:" + port++), Endpoint.parse("127.0.0.1:" + port++), km.certificate()));
        }
        return DirectorySigner.sign(new DirectoryBuilder().serial(1).issuedAt(Instant.now()).addAll(entries).build(), signer);
    }

    @Test
    void a_kept_envelope_verifies_years_later_with_the_crl_of_its_day_after_its_sender_was_revoked() throws Exception {
        KeptEnvelope kept = store.find(ID).get(0);
        trust.offer(Pem.toPem(ca.revoke(osaka.certificate().getSerialNumber(), Duration.ofDays(7))).getBytes(StandardCharsets.US_ASCII));
        assertThat(trust.revoked(osaka.certificate())).isTrue();
        clock.moveTo(Duration.ofDays(4 * 365)); // the sender's certificate and both CRLs long expired

        EvidenceVerifier.Verified verified = verifier.verify(store.find(ID).get(0));

        assertThat(verified.header().sender()).isEqualTo("271004");
        assertThat(verified.signer()).isEqualTo(osaka.certificate());
        assertThat(verified.crl().isRevoked(osaka.certificate())).isFalse(); // the CRL of its day, not today's
        assertThat(verified.describe()).contains(ID).contains(kept.sha256()).contains("271004");
        assertThat(Files.readAllBytes(kept.envelope())).isEqualTo(envelope); // exactly as received
    }

    @Test
    void an_envelope_and_its_index_are_in_place_together_and_a_redelivery_writes_them_again() throws Exception {
        KeptEnvelope kept = store.find(ID).get(0);
        Path day = kept.envelope().getParent();
        assertThat(Files.readAllBytes(kept.envelope())).isEqualTo(envelope);
        try (var files = Files.list(day)) {
            // the envelope and its index, nothing left under a hidden name
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly("271004_" + ID + KeptEnvelope.INDEX_SUFFIX, "271004_" + ID + KeptEnvelope.ENVELOPE_SUFFIX);
        }
        // a redelivery after a crash before the delivery committed keeps the same envelope again: replaced, not added
        store.keep(envelope, header);
        assertThat(store.find(ID)).hasSize(1);
        assertThat(verifier.verify(store.find(ID).get(0)).header().messageId()).isEqualTo(ID); // verifies (throws if not)
    }

    @Test
    void a_keep_after_a_crash_mid_write_leaves_exactly_the_envelope_and_its_index() throws Exception {
        KeptEnvelope kept = store.find(ID).get(0);
        Path day = kept.envelope().getParent();
        String base = "271004_" + ID;
        // what a crash inside an earlier keep can leave: both hidden files half written, the envelope renamed into place
        // without its index
        Files.delete(day.resolve(base + KeptEnvelope.INDEX_SUFFIX));
        Files.writeString(day.resolve("." + base + KeptEnvelope.INDEX_SUFFIX + ".part"), "half");
        Files.writeString(day.resolve("." + base + KeptEnvelope.ENVELOPE_SUFFIX + ".part"), "<half");
        assertThat(store.find(ID)).isEmpty(); // no index: nothing a reader sees

        store.keep(envelope, header); // the redelivery

        try (var files = Files.list(day)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly(base + KeptEnvelope.INDEX_SUFFIX, base + KeptEnvelope.ENVELOPE_SUFFIX);
        }
        assertThat(Files.readAllBytes(kept.envelope())).isEqualTo(envelope);
        assertThat(verifier.verify(store.find(ID).get(0)).header().messageId()).isEqualTo(ID);
    }

    @Test
    void a_tampered_kept_envelope_fails_with_the_reason() throws Exception {
        KeptEnvelope kept = store.find(ID).get(0);
        String text = new String(envelope, StandardCharsets.UTF_8);
        Files.writeString(kept.envelope(), text.replace("271004", "271005"));

        assertThatThrownBy(() -> verifier.verify(kept)).isInstanceOfSatisfying(EvidenceRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(EvidenceRejectedException.Reason.TAMPERED))
                .hasMessageContaining("has SHA-256").hasMessageContaining("when it arrived");
    }

    @Test
    void a_tampered_envelope_with_a_rewritten_index_still_fails_on_its_signature() throws Exception {
        KeptEnvelope kept = store.find(ID).get(0);
        String text = new String(envelope, StandardCharsets.UTF_8);
        int cipher = text.lastIndexOf("CipherValue>") + "CipherValue>".length() + 8; // inside the encrypted payload
        char was = text.charAt(cipher);
        byte[] changed = (text.substring(0, cipher) + (was == 'A' ? 'B' : 'A') + text.substring(cipher + 1)).getBytes(StandardCharsets.UTF_8);
        Files.write(kept.envelope(), changed);
        // whoever changed it also rewrote the digest in the index
        KeptEnvelope rewritten = new KeptEnvelope(kept.messageId(), kept.sender(), kept.recipient(), kept.type(), kept.correlationId(),
                kept.receivedAt(), org.jukibus.audit.Sha256.hex(changed), kept.crl(), kept.directory(), kept.rootCa(), kept.envelope());

        assertThatThrownBy(() -> verifier.verify(rewritten)).isInstanceOfSatisfying(EvidenceRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(EvidenceRejectedException.Reason.BAD_SIGNATURE));
    }

    @Test
    void after_its_retention_the_envelope_and_the_trust_documents_only_it_needed_are_erased() throws Exception {
        Path evidence = tmp.resolve("home").resolve(EvidenceStore.FOLDER);
        trust.offer(Pem.toPem(ca.issueCrl(Duration.ofDays(7))).getBytes(StandardCharsets.US_ASCII)); // the arrival's CRL no longer in force
        String arrivalCrl = store.find(ID).get(0).crl();

        assertThat(store.eraseAsOf(clock.instant().plus(Duration.ofDays(4 * 365)))).isZero();
        assertThat(store.find(ID)).hasSize(1);
        assertThat(evidence.resolve("trust").resolve(arrivalCrl + ".pem")).exists();

        assertThat(store.eraseAsOf(clock.instant().plus(Duration.ofDays(5 * 366 + 2)))).isEqualTo(1);
        assertThat(store.find(ID)).isEmpty();
        assertThat(evidence.resolve("trust").resolve(arrivalCrl + ".pem")).doesNotExist();
        try (var refs = Files.list(evidence.resolve(EvidenceStore.REFS))) {
            assertThat(refs.toList()).as("the day's reference file went with it").isEmpty();
        }
        try (var left = Files.list(evidence.resolve("trust"))) {
            assertThat(left.count()).isEqualTo(3); // the CRL, directory and root CA in force stay
        }
    }

    /**
     * The hourly erasure reads an unexpired day's indexes once, not at every run (five years of days at central), and
     * still keeps the trust documents an envelope kept since on an already read day needs.
     */
    @Test
    void the_erasure_reads_an_unexpired_days_indexes_once_and_keeps_what_later_envelopes_need() throws Exception {
        Path evidence = tmp.resolve("home").resolve(EvidenceStore.FOLDER);
        assertThat(store.eraseAsOf(clock.instant())).isZero(); // reads today's indexes
        Path index;
        try (var files = Files.walk(evidence)) {
            index = files.filter(f -> f.toString().endsWith(KeptEnvelope.INDEX_SUFFIX)).findFirst().orElseThrow();
        }
        byte[] original = Files.readAllBytes(index);
        Files.writeString(index, "unreadable now"); // a second read would fail on it
        assertThat(store.eraseAsOf(clock.instant())).isZero();
        Files.write(index, original);

        // a new CRL in force, then an envelope kept on the day already read: its CRL is not forgotten
        trust.offer(Pem.toPem(ca.issueCrl(Duration.ofDays(7))).getBytes(StandardCharsets.US_ASCII));
        String laterCrl = store.keep(envelope, header).crl();
        trust.offer(Pem.toPem(ca.issueCrl(Duration.ofDays(7))).getBytes(StandardCharsets.US_ASCII)); // no longer in force
        assertThat(store.eraseAsOf(clock.instant())).isZero();
        assertThat(evidence.resolve("trust").resolve(laterCrl + ".pem")).exists();
    }

    /**
     * M6: the first erasure after a restart read every index of up to five years (millions on a busy node); it reads
     * one small file a day now, written before the first index that names a new document.
     */
    @Test
    void the_first_erasure_after_a_restart_reads_no_index() throws Exception {
        Path evidence = tmp.resolve("home").resolve(EvidenceStore.FOLDER);
        Path index;
        try (var files = Files.walk(evidence)) {
            index = files.filter(f -> f.toString().endsWith(KeptEnvelope.INDEX_SUFFIX)).findFirst().orElseThrow();
        }
        String arrivalCrl = store.find(ID).get(0).crl();
        trust.offer(Pem.toPem(ca.issueCrl(Duration.ofDays(7))).getBytes(StandardCharsets.US_ASCII)); // no longer in force
        Files.writeString(index, "unreadable now"); // a read of it would fail

        EvidenceStore restarted = new EvidenceStore(evidence, new TrustVersions(evidence, tmp.resolve("home").resolve("trust"),
                ca.certificate()).follow(trust), Period.ofYears(5), clock);
        assertThat(restarted.eraseAsOf(clock.instant())).isZero();
        assertThat(evidence.resolve("trust").resolve(arrivalCrl + ".pem")).as("still needed by the day's envelope").exists();
    }

    /** A day kept before the reference files: its indexes are read once, and the file written for the next start. */
    @Test
    void a_day_kept_before_the_reference_files_is_read_once_and_then_has_its_file() throws Exception {
        Path evidence = tmp.resolve("home").resolve(EvidenceStore.FOLDER);
        String arrivalCrl = store.find(ID).get(0).crl();
        try (var refs = Files.list(evidence.resolve(EvidenceStore.REFS))) {
            for (Path f : refs.toList()) {
                Files.delete(f);
            }
        }
        trust.offer(Pem.toPem(ca.issueCrl(Duration.ofDays(7))).getBytes(StandardCharsets.US_ASCII));

        EvidenceStore restarted = new EvidenceStore(evidence, new TrustVersions(evidence, tmp.resolve("home").resolve("trust"),
                ca.certificate()).follow(trust), Period.ofYears(5), clock);
        assertThat(restarted.eraseAsOf(clock.instant())).isZero();
        assertThat(evidence.resolve("trust").resolve(arrivalCrl + ".pem")).exists();
        try (var refs = Files.list(evidence.resolve(EvidenceStore.REFS))) {
            assertThat(refs.toList()).singleElement().satisfies(f -> assertThat(Files.readString(f)).contains(arrivalCrl));
        }
    }

    /** The signed directory is kept once per version, compressed, and read back as it was signed. */
    @Test
    void a_directory_version_is_kept_once_compressed_and_verifies_as_signed() throws Exception {
        Path evidence = tmp.resolve("home").resolve(EvidenceStore.FOLDER);
        KeptEnvelope kept = store.find(ID).get(0);
        store.keep(envelope, header);
        assertThat(evidence.resolve("trust").resolve(kept.directory() + ".xml.gz")).exists();
        assertThat(evidence.resolve("trust").resolve(kept.directory() + ".xml")).doesNotExist();
        assertThat(TrustVersions.read(evidence, kept.directory()))
                .isEqualTo(Files.readAllBytes(tmp.resolve("home").resolve("trust").resolve(NetworkTrust.DIRECTORY_FILE)));
        assertThat(verifier.verify(kept).header().messageId()).isEqualTo(ID);
    }
}
