package org.jukibus.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;

/**
 * Checks an operation log (or an extract of one) line by line and names, by file and line, every place where it
 * is not what the node wrote: an edited entry (its line differs from the form the node writes, or its content
 * from its hash), removed entries (a gap in the sequence numbers), swapped or reordered entries, a broken link
 * (an entry whose {@code prev} is not the hash of the entry before it), a seal whose signature does not verify
 * with the node certificate, a cut-off line, and for a log directory a log that ends before the seal in
 * {@code head.json}. Entries after the last valid seal are an "unsealed tail": a note, or an error when
 * sealing is required.
 *
 * <p>Feed it the lines in order ({@link #accept}), then {@link #finish}. Not thread-safe.
 */
public final class AuditVerifier {

    /** Something wrong at a place ({@code file:line}, or {@code head.json}). */
    public record Problem(String where, String message) {
        @Override
        public String toString() {
            return where + ": " + message;
        }
    }

    /** The outcome: errors (the log is not intact), notes (worth knowing), and what was seen. */
    public record Report(List<Problem> errors, List<String> notes, long entries, long firstSeq, long lastSeq,
                         int seals, long lastSealSeq) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** An entry read, with where it was and whether it is intact in itself. */
    private record Read(AuditEntry entry, String where, boolean intact, boolean validSeal) {
    }

    private final Map<String, X509Certificate> certificates = new LinkedHashMap<>();
    private final CertificateValidator validator;
    private final boolean requireSealed;

    private final List<Problem> errors = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<Long, String> sealHashes = new HashMap<>();
    private long expected;
    private String prevHash;
    private String prevWhere;
    private Read pending;
    private long entries;
    private long firstSeq = -1;
    private long lastSeq;
    private int seals;
    private long lastSealSeq;
    private long firstUnsealedSeq = -1;
    private String firstUnsealedWhere;

    /**
     * @param nodeCertificates the node's certificates (more than one when it was renewed during the log); seals
     *                         name theirs by SHA-256
     * @param validator        checks each seal's certificate against the root CA and CRL at the seal's time, or null
     *                         to trust the given certificates as they are
     * @param requireSealed    whether entries after the last seal are an error
     * @param firstSeq         the sequence number of the first entry expected (1 for a whole log)
     * @param prev             the hash before the first entry ({@link AuditEntry#GENESIS} for a whole log)
     */
    public AuditVerifier(Collection<X509Certificate> nodeCertificates, CertificateValidator validator, boolean requireSealed,
                         long firstSeq, String prev) {
        for (X509Certificate c : nodeCertificates) {
            try {
                certificates.put(Sha256.hex(c.getEncoded()), c);
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("cannot encode certificate " + c.getSubjectX500Principal(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("the node certificate is needed to check the seals");
        }
        this.validator = validator;
        this.requireSealed = requireSealed;
        this.expected = firstSeq;
        this.prevHash = prev;
        this.prevWhere = firstSeq == 1 ? "the start of the log" : "the start of the extract";
    }

    /** Verifies a whole log directory, {@code head.json} included. */
    public static Report verifyDirectory(Path dir, Collection<X509Certificate> nodeCertificates, CertificateValidator validator,
                                         boolean requireSealed) throws IOException {
        AuditVerifier v = new AuditVerifier(nodeCertificates, validator, requireSealed, 1, AuditEntry.GENESIS);
        List<Path> files = LogFiles.list(dir);
        if (files.isEmpty()) {
            throw new IOException("no operation log in " + dir + " (no operations-*.jsonl files)");
        }
        for (Path f : files) {
            LogFiles.read(f, v::accept);
        }
        v.checkHead(dir.resolve(LogFiles.HEAD));
        return v.finish();
    }

    /** The next line of the log. */
    public void accept(LogFiles.Line line) {
        if (!line.terminated()) {
            errors.add(new Problem(line.where(), "the line is cut off (no line end): the file was truncated"));
            return;
        }
        AuditEntry entry;
        try {
            entry = AuditEntry.parse(line.text());
        } catch (IllegalArgumentException e) {
            errors.add(new Problem(line.where(), "not an entry of the operation log (" + e.getMessage() + ")"));
            return;
        }
        boolean intact = true;
        if (!entry.toLine().equals(line.text())) {
            errors.add(new Problem(line.where(), "entry #" + entry.seq() + " was edited: the line is not as the node writes it"));
            intact = false;
        } else if (!entry.computeHash().equals(entry.hash())) {
            errors.add(new Problem(line.where(), "entry #" + entry.seq() + " was edited: its content does not match its hash"));
            intact = false;
        }
        boolean validSeal = entry.kind() == AuditKind.SEAL && intact && checkSeal(entry, line.where());
        entries++;
        if (firstSeq < 0) {
            firstSeq = entry.seq();
        }
        order(new Read(entry, line.where(), intact, validSeal));
    }

    /** Whether a seal is signed by one of the node's certificates (valid then, when a validator is given). */
    private boolean checkSeal(AuditEntry seal, String where) {
        if (seal.signer() == null || seal.signature() == null) {
            errors.add(new Problem(where, "seal #" + seal.seq() + " carries no signature"));
            return false;
        }
        X509Certificate cert = certificates.get(seal.signer());
        if (cert == null) {
            errors.add(new Problem(where, "seal #" + seal.seq() + " names a certificate that was not given (sha256 "
                    + seal.signer() + "): it was forged, or give the node certificate that was current at " + seal.time()));
            return false;
        }
        if (!seal.signatureVerifies(cert.getPublicKey())) {
            errors.add(new Problem(where, "seal #" + seal.seq() + " does not verify with the node certificate: the seal "
                    + "was forged, or the entries it seals were rewritten"));
            return false;
        }
        if (validator != null) {
            try {
                validator.validate(cert, seal.time());
            } catch (CertificateRejectedException e) {
                errors.add(new Problem(where, "seal #" + seal.seq() + " was made with a certificate that was not valid at "
                        + seal.time() + ": " + e.getMessage()));
                return false;
            }
        }
        return true;
    }

    /** Holds one entry back, so that a swapped pair is named as such. */
    private void order(Read next) {
        Read held = pending;
        pending = next;
        if (held == null) {
            return;
        }
        if (held.entry().seq() == expected + 1 && next.entry().seq() == expected) {
            errors.add(new Problem(next.where(), "entries #" + expected + " and #" + held.entry().seq()
                    + " are swapped: #" + held.entry().seq() + " is at " + held.where() + ", before #" + expected));
            link(next, true);
            link(held, true);
            pending = null;
            return;
        }
        link(held, false);
    }

    /** Checks that an entry follows the one before it, and moves the chain on. */
    private void link(Read r, boolean quiet) {
        AuditEntry e = r.entry();
        boolean linked = true;
        if (e.seq() < expected) {
            if (!quiet) {
                errors.add(new Problem(r.where(), "entry #" + e.seq() + " is out of order: it comes after #" + (expected - 1)
                        + " (" + prevWhere + "); entries were reordered or copied"));
            }
            return; // not part of the chain at this point
        }
        if (e.seq() > expected) {
            linked = false;
            if (!quiet) {
                errors.add(new Problem(r.where(), (e.seq() == expected + 1 ? "entry #" + expected + " is"
                        : "entries #" + expected + "..#" + (e.seq() - 1) + " are") + " missing before entry #" + e.seq()
                        + " (after " + prevWhere + "): removed"));
            }
        } else if (!e.prev().equals(prevHash)) {
            linked = false;
            if (!quiet) {
                errors.add(new Problem(r.where(), "entry #" + e.seq() + " does not link to the entry before it ("
                        + prevWhere + "): an entry was removed, inserted or rewritten there"));
            }
        }
        expected = e.seq() + 1;
        prevHash = e.hash();
        prevWhere = "#" + e.seq() + " at " + r.where();
        lastSeq = e.seq();
        if (e.kind() == AuditKind.SEAL) {
            seals++;
            sealHashes.put(e.seq(), e.hash());
        }
        if (e.kind() == AuditKind.SEAL && r.validSeal() && linked && !quiet) {
            lastSealSeq = e.seq();
            firstUnsealedSeq = -1;
            firstUnsealedWhere = null;
        } else if (firstUnsealedSeq < 0) {
            firstUnsealedSeq = e.seq();
            firstUnsealedWhere = r.where();
        }
    }

    /** Compares the log with the copy of its latest seal, which a log cut short no longer reaches. */
    private void checkHead(Path headFile) throws IOException {
        if (!Files.exists(headFile)) {
            notes.add("no " + LogFiles.HEAD + ": whether the end of the log was cut off cannot be told");
            return;
        }
        String text = Files.readString(headFile, StandardCharsets.UTF_8).strip();
        AuditEntry head;
        try {
            head = AuditEntry.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(new Problem(LogFiles.HEAD, "not a seal of the operation log (" + e.getMessage() + ")"));
            return;
        }
        if (head.kind() != AuditKind.SEAL || !head.toLine().equals(text) || !head.computeHash().equals(head.hash())) {
            errors.add(new Problem(LogFiles.HEAD, "not a seal as the node writes it"));
            return;
        }
        if (!checkSeal(head, LogFiles.HEAD)) {
            return;
        }
        flush();
        String inLog = sealHashes.get(head.seq());
        if (head.seq() > lastSeq) {
            errors.add(new Problem(LogFiles.HEAD, "the log was cut short: its latest seal is #" + head.seq() + " of "
                    + head.time() + ", but the log ends at #" + lastSeq));
        } else if (!head.hash().equals(inLog)) {
            errors.add(new Problem(LogFiles.HEAD, "the log's entry #" + head.seq() + " is not the seal " + LogFiles.HEAD
                    + " holds: the log was rewritten"));
        }
    }

    private void flush() {
        if (pending != null) {
            Read last = pending;
            pending = null;
            link(last, false);
        }
    }

    /** The report, once every line was accepted. */
    public Report finish() {
        flush();
        if (entries == 0) {
            errors.add(new Problem("(log)", "no entries"));
        } else if (firstUnsealedSeq >= 0) {
            String tail = (firstUnsealedSeq == lastSeq ? "entry #" + lastSeq : "entries #" + firstUnsealedSeq + "..#" + lastSeq)
                    + " (from " + firstUnsealedWhere + ") "
                    + (lastSealSeq == 0 ? "are not covered by any seal" : "come after the last seal #" + lastSealSeq)
                    + ": unsealed tail";
            if (requireSealed) {
                errors.add(new Problem(firstUnsealedWhere, tail + ", and sealing is required"));
            } else {
                notes.add(tail + " (the node seals every jukibus.audit.seal-interval and when it stops)");
            }
        }
        return new Report(List.copyOf(errors), List.copyOf(notes), entries, Math.max(firstSeq, 0), lastSeq, seals, lastSealSeq);
    }
}
