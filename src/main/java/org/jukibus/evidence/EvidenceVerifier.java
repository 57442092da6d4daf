package org.jukibus.evidence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import org.jukibus.audit.Sha256;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectoryRejectedException;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeOpener;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.pki.Pem;

/**
 * Checks a kept envelope again, as of the moment it arrived and with the documents in force then, never with
 * today's: its bytes are those recorded at arrival (SHA-256), the CRL and the directory kept with it verify with the
 * root CA kept with it, the sender's certificate in that directory was valid and not revoked by that CRL at arrival,
 * and the envelope's signature verifies with it over the whole envelope (envelope.EnvelopeOpener#verifySigned).
 * Nothing here reads the node clock: a CRL that revoked the sender later, or a certificate that expired since, does
 * not undo evidence of what was signed while it was valid.
 */
public final class EvidenceVerifier {

    /** What a successful verification established. */
    public record Verified(KeptEnvelope kept, EnvelopeHeader header, X509Certificate signer, X509CRL crl, NodeDirectory directory) {

        public String describe() {
            return "message " + header.messageId() + " (" + header.type() + ") signed by " + header.sender() + " for "
                    + header.recipient() + ", created " + header.createdAt() + ", received " + kept.receivedAt()
                    + (header.correlationId() == null ? "" : ", answering " + header.correlationId())
                    + "; envelope SHA-256 " + kept.sha256() + "; signer certificate " + signer.getSubjectX500Principal()
                    + " serial " + signer.getSerialNumber().toString(16) + " valid " + signer.getNotBefore().toInstant() + " to "
                    + signer.getNotAfter().toInstant() + "; CRL number " + NetworkTrust.crlNumber(crl) + " of "
                    + crl.getThisUpdate().toInstant() + (stale(crl, kept) ? " (past its next update " + crl.getNextUpdate().toInstant()
                    + " at arrival, still in force)" : "") + "; directory serial " + directory.serial();
        }
    }

    private final Path evidence;

    /** @param evidence a node's evidence folder ({@code <home>/evidence}) */
    public EvidenceVerifier(Path evidence) {
        this.evidence = evidence;
    }

    public Verified verify(KeptEnvelope kept) throws IOException, EvidenceRejectedException {
        byte[] envelope = Files.readAllBytes(kept.envelope());
        String digest = Sha256.hex(envelope);
        if (!digest.equals(kept.sha256())) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.TAMPERED, "the kept envelope " + kept.envelope()
                    + " has SHA-256 " + digest + ", but it had " + kept.sha256() + " when it arrived at " + kept.receivedAt());
        }
        X509Certificate rootCa = Pem.parseCertificates(text(kept.rootCa()), "the kept root CA").get(0);
        X509CRL crl = crl(kept, rootCa);
        NodeDirectory directory;
        try {
            // the directory as it was checked on the day: its signer against that day's CRL, its lifetime against that day
            directory = DirectoryLoader.load(TrustVersions.read(evidence, kept.directory()), rootCa, forSignerCheck(crl, kept),
                    Clock.fixed(kept.receivedAt(), ZoneOffset.UTC));
        } catch (DirectoryRejectedException e) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.TRUST_INVALID,
                    "the directory in force at arrival does not verify: " + e.getMessage(), e);
        }
        List<X509Certificate> valid = directory.byCode(kept.sender()).map(NodeEntry::certificates).orElse(List.of()).stream()
                .filter(cert -> validAt(cert, kept) && !crl.isRevoked(cert)).toList();
        if (valid.isEmpty()) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.SENDER_NOT_VALID, "the directory serial "
                    + directory.serial() + " in force at arrival lists no certificate of " + kept.sender()
                    + " valid and unrevoked at " + kept.receivedAt());
        }
        EnvelopeHeader header;
        try {
            header = EnvelopeOpener.verifySigned(envelope, Math.max(envelope.length, 1), code -> valid);
        } catch (EnvelopeRejectedException e) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.BAD_SIGNATURE, e.getMessage(), e);
        }
        if (!header.messageId().equals(kept.messageId()) || !header.sender().equals(kept.sender())
                || !header.recipient().equals(kept.recipient()) || !header.type().equals(kept.type())) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.HEADER_MISMATCH, "the signed header names "
                    + header + ", the index " + kept.messageId() + " from " + kept.sender() + " to " + kept.recipient());
        }
        X509Certificate signer = valid.size() == 1 ? valid.get(0) : signerOf(envelope, valid);
        return new Verified(kept, header, signer, crl, directory);
    }

    /** The CRL in force at arrival: issued by the kept root CA, signed by it, and already issued then. */
    private X509CRL crl(KeptEnvelope kept, X509Certificate rootCa) throws IOException, EvidenceRejectedException {
        X509CRL crl;
        try {
            crl = (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(pemBody(text(kept.crl()))));
            crl.verify(rootCa.getPublicKey());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.TRUST_INVALID,
                    "the CRL in force at arrival does not verify with the root CA kept with it: " + e.getMessage(), e);
        }
        if (crl.getThisUpdate().toInstant().isAfter(kept.receivedAt())) {
            throw new EvidenceRejectedException(EvidenceRejectedException.Reason.TRUST_INVALID, "the CRL kept for the envelope was "
                    + "issued at " + crl.getThisUpdate().toInstant() + ", after it arrived at " + kept.receivedAt());
        }
        return crl;
    }

    /**
     * The CRL the node checked the directory's signer with on the day: none if the CRL in force was already past its
     * next update (directory.NetworkTrust keeps a stale CRL in force rather than refuse every peer, and checks the
     * signer against the root CA only); {@link Verified#describe} says so.
     */
    private static X509CRL forSignerCheck(X509CRL crl, KeptEnvelope kept) {
        return stale(crl, kept) ? null : crl;
    }

    static boolean stale(X509CRL crl, KeptEnvelope kept) {
        return crl.getNextUpdate() != null && !crl.getNextUpdate().toInstant().isAfter(kept.receivedAt());
    }

    private String text(String digest) throws IOException, EvidenceRejectedException {
        return new String(TrustVersions.read(evidence, digest), StandardCharsets.US_ASCII);
    }

    private static byte[] pemBody(String pem) {
        int begin = pem.indexOf("-----BEGIN X509 CRL-----");
        int end = pem.indexOf("-----END X509 CRL-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("not a PEM CRL");
        }
        return java.util.Base64.getMimeDecoder().decode(pem.substring(begin + 24, end));
    }

    private static boolean validAt(X509Certificate cert, KeptEnvelope kept) {
        try {
            cert.checkValidity(Date.from(kept.receivedAt()));
            return true;
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return false;
        }
    }

    /** During a renewal overlap the directory lists two certificates: the one whose key verifies. */
    private static X509Certificate signerOf(byte[] envelope, List<X509Certificate> candidates) {
        for (X509Certificate cert : candidates) {
            try {
                EnvelopeOpener.verifySigned(envelope, envelope.length, code -> List.of(cert));
                return cert;
            } catch (EnvelopeRejectedException e) {
                // the other one
            }
        }
        throw new IllegalStateException("verified with none of " + candidates.size() + " certificates on a second look");
    }
}
