package org.jukibus.approval;

import java.security.cert.X509Certificate;

import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.SignatureRejectedException;
import org.jukibus.xml.WholeDocumentSignature;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;

/**
 * A document a responsible officer (責任者) approved by signing it: the manifest of approved programs, and the
 * registration of a node's operators ({@code org.jukibus.operators}). Signed as the directory is signed
 * ({@link WholeDocumentSignature}: one enveloped signature over the whole document, KeyInfo with the officer's
 * certificate) and accepted only if schema-valid and signed by the key of the officer certificate the node is
 * configured with, which must validate against the root CA (and CRL) as an officer certificate. The key comes
 * from that configured certificate, never from KeyInfo; KeyInfo only serves to say who signed instead.
 */
public final class OfficerSignature {

    /** A verified document and the officer whose signature it carries. */
    public record Verified(Document document, OfficerIdentity officer) {
    }

    /**
     * How the officer's certificate is judged: {@link CertificateValidator#validateOfficer} at the clock's now, or, for
     * an approval the node recorded accepting while the certificate was valid, at that time
     * ({@link CertificateValidator#validateOfficerAcceptedAt}).
     */
    @FunctionalInterface
    public interface OfficerCheck {
        OfficerIdentity validate(X509Certificate officer) throws CertificateRejectedException;
    }

    private OfficerSignature() {
    }

    /**
     * Signs {@code unsigned} with the officer's key.
     *
     * @param whatSigned    how to name the document in messages ("the programs", "the operators")
     * @param claimedOfficer the officer the document names as approving it; must be the key's officer
     * @throws IllegalArgumentException if the key is not an officer's, or the document names another officer
     */
    public static byte[] sign(Document unsigned, String whatSigned, String claimedOfficer, KeyMaterial officer) {
        OfficerIdentity id;
        try {
            id = OfficerIdentity.fromCertificate(officer.certificate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("only an approving officer signs " + whatSigned + ": " + e.getMessage(), e);
        }
        if (!id.name().equals(claimedOfficer)) {
            throw new IllegalArgumentException("the document says it is approved by '" + claimedOfficer
                    + "' but the key is " + id);
        }
        return signAnyKey(unsigned, officer);
    }

    /** Signs without checking the signer (tests use it to forge approvals signed by a node's key). */
    static byte[] signAnyKey(Document unsigned, KeyMaterial signer) {
        // serialize and re-parse: signs exactly what a node will parse (namespace declarations included)
        Document doc;
        try {
            doc = SecureXml.parse(SecureXml.serialize(unsigned), Integer.MAX_VALUE);
        } catch (XmlRejectedException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
        WholeDocumentSignature.sign(doc, signer.privateKey(), signer.certificate());
        return SecureXml.serialize(doc);
    }

    /**
     * Verifies a signed document.
     *
     * @param what     how to name the document in messages (its file)
     * @param schema   the XSD in {@code schemas/} it must be valid against
     * @param maxBytes the largest document accepted
     */
    public static Verified verify(byte[] xml, String what, String schema, int maxBytes, X509Certificate officer,
                                  CertificateValidator validator) throws OfficerApprovalException {
        return verify(xml, what, schema, maxBytes, officer, validator::validateOfficer);
    }

    /** As {@link #verify(byte[], String, String, int, X509Certificate, CertificateValidator)}, judging the officer so. */
    public static Verified verify(byte[] xml, String what, String schema, int maxBytes, X509Certificate officer,
                                  OfficerCheck check) throws OfficerApprovalException {
        OfficerIdentity id;
        try {
            id = check.validate(officer);
        } catch (CertificateRejectedException e) {
            throw new OfficerApprovalException("the approving officer's certificate is not acceptable: " + e.getMessage(), e);
        }
        Document doc;
        try {
            doc = SecureXml.parse(xml, maxBytes);
            Schemas.validate(schema, doc);
        } catch (XmlRejectedException e) {
            throw new OfficerApprovalException(what + " is not valid (" + schema + "): " + e.getMessage(), e);
        }
        try {
            X509Certificate signer = WholeDocumentSignature.keyInfoCertificate(doc);
            if (signer != null && !signer.equals(officer)) {
                throw new OfficerApprovalException(what + " is signed by " + describe(signer) + ", not by the approving "
                        + "officer (" + id.name() + ")");
            }
            WholeDocumentSignature.verify(doc, officer.getPublicKey());
        } catch (SignatureRejectedException e) {
            throw switch (e.reason()) {
                case MISSING -> new OfficerApprovalException(what + " is not signed", e);
                case DOES_NOT_VERIFY -> new OfficerApprovalException(what + ": the officer's signature does not match "
                        + "its content (it was changed after signing, or signed by another key)", e);
                case NOT_ACCEPTED -> new OfficerApprovalException(what + ": " + e.getMessage(), e);
            };
        }
        return new Verified(doc, id);
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
