package org.jukibus.approval;

import org.jukibus.pki.KeyMaterial;

/**
 * Signs a manifest of approved programs as the officer ({@link OfficerSignature}: one enveloped signature over the
 * whole document, KeyInfo with the officer's certificate, the last child of {@code <approvedPrograms>}).
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
        return OfficerSignature.sign(manifest.toDocument(), "the programs", manifest.approvedBy(), officer);
    }

    /** Signs without checking the signer (tests use it to forge approvals signed by a node's key). */
    static byte[] signAnyKey(ProgramManifest manifest, KeyMaterial signer) {
        return OfficerSignature.signAnyKey(manifest.toDocument(), signer);
    }
}
