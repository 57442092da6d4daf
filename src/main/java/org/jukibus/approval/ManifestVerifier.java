package org.jukibus.approval;

import java.security.cert.X509Certificate;

import org.jukibus.pki.CertificateValidator;

/**
 * Accepts a manifest of approved programs only if it is well-formed without a DTD, within the size limit, valid
 * against approved-programs.xsd, and signed by the approving officer ({@link OfficerSignature}), who must be the
 * officer the manifest names.
 */
public final class ManifestVerifier {

    /** Largest manifest accepted: a few hundred files take a few dozen KiB. */
    static final int MAX_BYTES = 1024 * 1024;

    private ManifestVerifier() {
    }

    /**
     * @param what how to name the manifest in messages (its file)
     * @return the verified manifest
     */
    public static ProgramManifest verify(byte[] xml, String what, X509Certificate officer, CertificateValidator validator)
            throws ProgramsRejectedException {
        return verify(xml, what, officer, validator::validateOfficer);
    }

    /** As {@link #verify(byte[], String, X509Certificate, CertificateValidator)}, judging the officer so. */
    static ProgramManifest verify(byte[] xml, String what, X509Certificate officer, OfficerSignature.OfficerCheck check)
            throws ProgramsRejectedException {
        OfficerSignature.Verified verified;
        try {
            verified = OfficerSignature.verify(xml, what, ProgramManifest.SCHEMA, MAX_BYTES, officer, check);
        } catch (ProgramsRejectedException e) {
            throw e;
        } catch (OfficerApprovalException e) {
            throw new ProgramsRejectedException(e.getMessage(), e);
        }
        ProgramManifest manifest;
        try {
            manifest = ProgramManifest.fromDocument(verified.document());
        } catch (IllegalArgumentException e) {
            throw new ProgramsRejectedException(what + ": " + e.getMessage(), e);
        }
        if (!manifest.approvedBy().equals(verified.officer().name())) {
            throw new ProgramsRejectedException(what + " says it was approved by '" + manifest.approvedBy()
                    + "' but it is signed by " + verified.officer());
        }
        return manifest;
    }
}
