package org.jukibus.approval;

import java.security.cert.X509Certificate;

import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.SignatureRejectedException;
import org.jukibus.xml.WholeDocumentSignature;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;

/**
 * Accepts a manifest of approved programs only if it is well-formed without a DTD, within the size limit, valid
 * against approved-programs.xsd, and signed in the one shape {@link WholeDocumentSignature} accepts by the key of
 * the officer certificate the node is configured with, which must validate against the root CA (and CRL) as an
 * officer certificate. The key comes from that configured certificate, never from KeyInfo; KeyInfo only serves
 * to say who signed instead when it was someone else.
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
        OfficerIdentity id;
        try {
            id = validator.validateOfficer(officer);
        } catch (CertificateRejectedException e) {
            throw new ProgramsRejectedException("the approving officer's certificate is not acceptable: " + e.getMessage(), e);
        }
        Document doc;
        try {
            doc = SecureXml.parse(xml, MAX_BYTES);
            Schemas.validate(ProgramManifest.SCHEMA, doc);
        } catch (XmlRejectedException e) {
            throw new ProgramsRejectedException(what + " is not a manifest of approved programs: " + e.getMessage(), e);
        }
        try {
            X509Certificate signer = WholeDocumentSignature.keyInfoCertificate(doc);
            if (signer != null && !signer.equals(officer)) {
                throw new ProgramsRejectedException(what + " is signed by " + describe(signer) + ", not by the approving "
                        + "officer (" + id.name() + ")");
            }
            WholeDocumentSignature.verify(doc, officer.getPublicKey());
        } catch (SignatureRejectedException e) {
            throw switch (e.reason()) {
                case MISSING -> new ProgramsRejectedException(what + " is not signed", e);
                case DOES_NOT_VERIFY -> new ProgramsRejectedException(what + ": the officer's signature does not match "
                        + "its content (it was changed after signing, or signed by another key)", e);
                case NOT_ACCEPTED -> new ProgramsRejectedException(what + ": " + e.getMessage(), e);
            };
        }
        ProgramManifest manifest;
        try {
            manifest = ProgramManifest.fromDocument(doc);
        } catch (IllegalArgumentException e) {
            throw new ProgramsRejectedException(what + ": " + e.getMessage(), e);
        }
        if (!manifest.approvedBy().equals(id.name())) {
            throw new ProgramsRejectedException(what + " says it was approved by '" + manifest.approvedBy()
                    + "' but it is signed by " + id);
        }
        return manifest;
    }

    /** Who a certificate belongs to, in words. */
    static String describe(X509Certificate cert) {
        try {
            return "the node certificate of " + NodeIdentity.fromCertificate(cert);
        } catch (IllegalArgumentException notNode) {
            try {
                return "another officer (" + OfficerIdentity.fromCertificate(cert).name() + ", issued by "
                        + cert.getIssuerX500Principal().getName() + ")";
            } catch (IllegalArgumentException notOfficer) {
                return cert.getSubjectX500Principal().getName();
            }
        }
    }
}
