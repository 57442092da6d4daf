package org.jukibus.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jukibus.audit.AuditTestSupport.TickingClock;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** The verifier names, by file and line, every way the operation log can be tampered with. */
class AuditVerifierTest {

    @TempDir
    Path dir;
    AuditTestSupport keys;
    Path logDir;
    Path file;
    List<String> lines;

    @BeforeEach
    void standardLog() throws Exception {
        keys = new AuditTestSupport(dir);
        logDir = keys.standardLog(dir.resolve("audit"));
        file = AuditTestSupport.onlyFile(logDir);
        lines = AuditTestSupport.lines(file);
        assertThat(lines).hasSize(10);
    }

    String at(int line) {
        return file.getFileName() + ":" + line;
    }

    @Test
    void the_log_as_written_is_intact_and_sealed() throws Exception {
        AuditVerifier.Report report = keys.verify(logDir);
        assertThat(report.errors()).isEmpty();
        assertThat(report.notes()).isEmpty();
        assertThat(report.entries()).isEqualTo(10);
        assertThat(report.seals()).isEqualTo(2);
        assertThat(report.lastSealSeq()).isEqualTo(10);

        CertificateValidator validator = new CertificateValidator(keys.ca.certificate(), keys.ca.currentCrl(),
                java.time.Clock.systemUTC());
        assertThat(AuditVerifier.verifyDirectory(logDir, List.of(keys.node.certificate()), validator, true).errors()).isEmpty();
    }

    @Test
    void an_edited_entry_is_named() throws Exception {
        lines.set(2, lines.get(2).replace("\"recipient\":\"271004\"", "\"recipient\":\"271005\""));
        AuditTestSupport.write(file, lines);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .containsExactly(at(3) + ": entry #3 was edited: its content does not match its hash");
    }

    @Test
    void an_edited_entry_whose_hash_was_recomputed_breaks_the_link_to_the_next() throws Exception {
        AuditEntry third = AuditEntry.parse(lines.get(2));
        lines.set(2, new AuditEntry(third.seq(), third.time(), third.kind(), third.actor(), third.flow(), "forged",
                third.type(), third.sender(), third.recipient(), third.digest(), third.detail(), third.prev(), null, null, null)
                .withHash().toLine());
        AuditTestSupport.write(file, lines);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .containsExactly(at(4) + ": entry #4 does not link to the entry before it (#3 at " + at(3)
                        + "): an entry was removed, inserted or rewritten there");
    }

    @Test
    void a_line_not_written_the_way_the_node_writes_it_is_an_edit() throws Exception {
        lines.set(1, lines.get(1).replace("{\"seq\":2,", "{ \"seq\":2,"));
        AuditTestSupport.write(file, lines);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .containsExactly(at(2) + ": entry #2 was edited: the line is not as the node writes it");
    }

    @Test
    void a_deleted_entry_is_named() throws Exception {
        lines.remove(3);
        AuditTestSupport.write(file, lines);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .containsExactly(at(4) + ": entry #4 is missing before entry #5 (after #3 at " + at(3) + "): removed");
    }

    @Test
    void a_swapped_pair_is_named() throws Exception {
        String fourth = lines.get(3);
        lines.set(3, lines.get(4));
        lines.set(4, fourth);
        AuditTestSupport.write(file, lines);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .containsExactly(at(5) + ": entries #4 and #5 are swapped: #5 is at " + at(4) + ", before #4");
    }

    @Test
    void an_entry_moved_further_is_out_of_order() throws Exception {
        String second = lines.remove(1);
        lines.add(4, second);
        AuditTestSupport.write(file, lines);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .anySatisfy(e -> assertThat(e).startsWith(at(2) + ": entry #2 is missing before entry #3"))
                .anySatisfy(e -> assertThat(e).startsWith(at(5) + ": entry #2 is out of order"));
    }

    @Test
    void a_tail_cut_off_after_a_seal_is_caught_by_the_head() throws Exception {
        AuditTestSupport.write(file, lines.subList(0, 6)); // up to and with the seal #6: still a sealed log

        AuditVerifier.Report report = keys.verify(logDir);
        assertThat(report.errors()).extracting(Object::toString).containsExactly(
                "head.json: the log was cut short: its latest seal is #10 of " + AuditTestSupport.T0.plusSeconds(9)
                        + ", but the log ends at #6");
    }

    @Test
    void without_its_head_a_log_cut_after_a_seal_is_only_noted() throws Exception {
        AuditTestSupport.write(file, lines.subList(0, 6));
        Files.delete(logDir.resolve("head.json"));

        AuditVerifier.Report report = keys.verify(logDir);
        assertThat(report.errors()).isEmpty();
        assertThat(report.notes()).containsExactly("no head.json: whether the end of the log was cut off cannot be told");
    }

    @Test
    void a_line_cut_in_the_middle_is_named() throws Exception {
        String last = lines.get(9);
        Files.writeString(file, String.join("\n", lines.subList(0, 9)) + "\n" + last.substring(0, 40), StandardCharsets.UTF_8);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .contains(at(10) + ": the line is cut off (no line end): the file was truncated");
    }

    @Test
    void a_forged_seal_is_named() throws Exception {
        AuditEntry seal = AuditEntry.parse(lines.get(5));
        // the forger signs with a key of its own but claims the node's certificate
        AuditEntry forged = AuditEntry.seal(seal.seq(), seal.time(), seal.actor(), seal.prev(), keys.otherNode.privateKey(), seal.signer());
        lines.set(5, forged.toLine());
        lines.set(6, AuditEntry.parse(lines.get(6)).withPrev(forged.hash()).toLine());
        rechain(7);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .contains(at(6) + ": seal #6 does not verify with the node certificate: the seal was forged, or the "
                        + "entries it seals were rewritten");
    }

    @Test
    void a_seal_by_another_certificate_is_named() throws Exception {
        AuditEntry seal = AuditEntry.parse(lines.get(5));
        String otherCert = Sha256.hex(keys.otherNode.certificate().getEncoded());
        AuditEntry forged = AuditEntry.seal(seal.seq(), seal.time(), seal.actor(), seal.prev(), keys.otherNode.privateKey(), otherCert);
        lines.set(5, forged.toLine());
        lines.set(6, AuditEntry.parse(lines.get(6)).withPrev(forged.hash()).toLine());
        rechain(7);

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString)
                .anySatisfy(e -> assertThat(e).startsWith(at(6) + ": seal #6 names a certificate that was not given"));
    }

    @Test
    void rewriting_the_chain_from_an_entry_on_cannot_be_resealed_without_the_node_key() throws Exception {
        AuditEntry third = AuditEntry.parse(lines.get(2));
        lines.set(2, new AuditEntry(third.seq(), third.time(), third.kind(), third.actor(), third.flow(), "forged",
                third.type(), third.sender(), third.recipient(), third.digest(), third.detail(), third.prev(), null, null, null)
                .withHash().toLine());
        rechain(3); // every later hash and link recomputed: only the seals can tell
        Files.delete(logDir.resolve("head.json"));

        assertThat(keys.verify(logDir).errors()).extracting(Object::toString).containsExactly(
                at(6) + ": seal #6 does not verify with the node certificate: the seal was forged, or the entries it seals were rewritten",
                at(10) + ": seal #10 does not verify with the node certificate: the seal was forged, or the entries it seals were rewritten");
    }

    @Test
    void entries_after_the_last_seal_are_an_unsealed_tail() throws Exception {
        HashChainLog log = keys.open(logDir, new TickingClock(AuditTestSupport.T0.plusSeconds(60), Duration.ofSeconds(1)));
        log.record(AuditTestSupport.queued(11));
        log.record(AuditTestSupport.queued(12));
        // not closed: a node killed before its next seal

        AuditVerifier.Report report = keys.verify(logDir);
        assertThat(report.errors()).isEmpty();
        assertThat(report.notes()).containsExactly("entries #11..#12 (from " + at(11) + ") come after the last seal #10: "
                + "unsealed tail (the node seals every jukibus.audit.seal-interval and when it stops)");
        assertThat(AuditVerifier.verifyDirectory(logDir, List.of(keys.node.certificate()), null, true).errors())
                .extracting(Object::toString).containsExactly(at(11) + ": entries #11..#12 (from " + at(11)
                        + ") come after the last seal #10: unsealed tail, and sealing is required");
    }

    @Test
    void an_extract_verifies_on_its_own_and_a_tampered_one_does_not() throws Exception {
        Path extract = dir.resolve("extract.jsonl");
        // entries #7..#9 only (seconds 6..8), with the hash before #7 and up to the seal #10 that covers them
        AuditExtract.Exported exported = AuditExtract.export(logDir, AuditTestSupport.T0.plusSeconds(6),
                AuditTestSupport.T0.plusSeconds(9), extract);
        assertThat(exported.inRange()).isEqualTo(3);
        assertThat(exported.firstSeq()).isEqualTo(7);
        assertThat(exported.lastSeq()).isEqualTo(10);
        assertThat(exported.sealed()).isTrue();
        List<String> extracted = Files.readAllLines(extract, StandardCharsets.UTF_8);
        assertThat(extracted).hasSize(5);
        assertThat(extracted.subList(1, 5)).isEqualTo(lines.subList(6, 10));

        AuditExtract.Verified ok = AuditExtract.verify(extract, List.of(keys.node.certificate()), null, true);
        assertThat(ok.report().errors()).isEmpty();
        assertThat(ok.inRange()).isEqualTo(3);

        extracted.set(2, extracted.get(2).replace("\"messageId\":\"m8\"", "\"messageId\":\"m0\""));
        Files.write(extract, extracted, StandardCharsets.UTF_8);
        assertThat(AuditExtract.verify(extract, List.of(keys.node.certificate()), null, true).report().errors())
                .extracting(Object::toString).containsExactly("extract.jsonl:3: entry #8 was edited: its content does not match its hash");
    }

    @Test
    void an_extract_with_a_changed_anchor_fails() throws Exception {
        Path extract = dir.resolve("extract.jsonl");
        AuditExtract.export(logDir, AuditTestSupport.T0.plusSeconds(6), AuditTestSupport.T0.plusSeconds(9), extract);
        List<String> extracted = Files.readAllLines(extract, StandardCharsets.UTF_8);
        extracted.set(0, extracted.get(0).replaceAll("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + "1".repeat(64) + "\""));
        Files.write(extract, extracted, StandardCharsets.UTF_8);

        assertThat(AuditExtract.verify(extract, List.of(keys.node.certificate()), null, false).report().errors())
                .extracting(Object::toString).containsExactly("extract.jsonl:2: entry #7 does not link to the entry before "
                        + "it (the start of the extract): an entry was removed, inserted or rewritten there");
    }

    @Test
    void the_commands_verify_and_export_with_exit_codes() throws Exception {
        Path cert = dir.resolve("node.pem");
        Pem.writeCertificate(cert, keys.node.certificate());
        Path root = dir.resolve("ca").resolve("ca.pem");

        assertThat(audit("verify", "--log", logDir.toString(), "--certificate", cert.toString(), "--root-ca", root.toString(),
                "--require-sealed")).as(out.toString()).isZero();
        assertThat(out.toString()).contains("10 entries (#1..#10), 2 seal(s), last valid seal #10").contains("intact");

        Path extract = dir.resolve("day.jsonl");
        String day = AuditTestSupport.T0.atZone(java.time.ZoneId.of("Asia/Tokyo")).toLocalDate().toString();
        assertThat(audit("export", "--log", logDir.toString(), "--from", day, "--to", day,
                "--out", extract.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("exported 10 entries");
        assertThat(audit("verify", "--extract", extract.toString(), "--certificate", cert.toString())).as(out.toString()).isZero();

        lines.remove(3);
        AuditTestSupport.write(file, lines);
        assertThat(audit("verify", "--log", logDir.toString(), "--certificate", cert.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("ERROR " + at(4) + ": entry #4 is missing").contains("NOT INTACT: 1 problem(s)");

        assertThat(audit("verify", "--log", dir.resolve("nothing").toString(), "--certificate", cert.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("audit verify: error: no operation log in");
    }

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int audit(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = AuditCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** Recomputes every hash and link from line {@code from} (0-based) on, keeping the seals' signatures: a forger's rewrite. */
    private void rechain(int from) throws Exception {
        for (int i = from; i < lines.size(); i++) {
            String prev = AuditEntry.parse(lines.get(i - 1)).hash();
            lines.set(i, AuditEntry.parse(lines.get(i)).withPrev(prev).toLine());
        }
        AuditTestSupport.write(file, lines);
    }
}
