package org.jukibus.approval;

import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.WholeDocumentSignature;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;

/**
 * Signs a manifest of approved programs as the officer, exactly as the directory is signed
 * ({@link WholeDocumentSignature}: one enveloped signature over the whole document, KeyInfo with the officer's
 * certificate, the last child of {@code <approvedPrograms>}).
 */
public final class ManifestSigner {

    private ManifestSigner() {
    }

    /**
     * The signed manifest's bytes (UTF-8).
     *
     * @throws IllegalArgumentException if the key is not an officer's, or the manifest names another officer
     */
    public static byte[] sign(ProgramManifest manifest, KeyMaterial officer) {
        OfficerIdentity id;
        try {
            id = OfficerIdentity.fromCertificate(officer.certificate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("only an approving officer signs the programs: " + e.getMessage(), e);
        }
        if (!id.name().equals(manifest.approvedBy())) {
            throw new IllegalArgumentException("the manifest says it is approved by '" + manifest.approvedBy()
                    + "' but the key is " + id);
        }
        return signAnyKey(manifest, officer);
    }

    /** Signs without checking the signer (tests use it to forge approvals signed by a node's key). */
    static byte[] signAnyKey(ProgramManifest manifest, KeyMaterial signer) {
        // serialize and re-parse: signs exactly what a node will parse (namespace declarations included)
        Document doc;
        try {
            doc = SecureXml.parse(SecureXml.serialize(manifest.toDocument()), Integer.MAX_VALUE);
        } catch (XmlRejectedException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
        WholeDocumentSignature.sign(doc, signer.privateKey(), signer.certificate());
        return SecureXml.serialize(doc);
    }
}
