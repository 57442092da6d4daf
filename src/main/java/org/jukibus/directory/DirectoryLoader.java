package org.jukibus.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.SignatureRejectedException;
import org.jukibus.xml.WholeDocumentSignature;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;

/**
 * Loads a signed node directory and accepts it only if it is well-formed without a DTD, within the size limit,
 * valid against directory.xsd, and carries the one signature shape {@link WholeDocumentSignature} accepts
 * (exactly one signature, the last child of {@code <directory>}, covering the whole document), made by the
 * central node certificate in its KeyInfo, which must validate against the root CA (and CRL) before it is used.
 */
public final class DirectoryLoader {

    /** Default size limit: 32 MiB (about 1,800 entries take ~3 MiB). */
    public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

    /** The directory's schema in {@code schemas/}. */
    static final String SCHEMA = "directory.xsd";

    private DirectoryLoader() {
    }

    public static NodeDirectory load(Path file, X509Certificate rootCa, X509CRL crlOrNull, Clock clock)
            throws DirectoryRejectedException, IOException {
        long size = Files.size(file);
        if (size > DEFAULT_MAX_BYTES) {
            throw new DirectoryRejectedException("directory rejected: " + size + " bytes is over the limit of " + DEFAULT_MAX_BYTES);
        }
        return load(Files.readAllBytes(file), rootCa, crlOrNull, clock);
    }

    public static NodeDirectory load(byte[] xml, X509Certificate rootCa, X509CRL crlOrNull, Clock clock)
            throws DirectoryRejectedException {
        return load(xml, rootCa, crlOrNull, clock, DEFAULT_MAX_BYTES);
    }

    public static NodeDirectory load(byte[] xml, X509Certificate rootCa, X509CRL crlOrNull, Clock clock, long maxBytes)
            throws DirectoryRejectedException {
        Objects.requireNonNull(rootCa, "rootCa");
        Objects.requireNonNull(clock, "clock");
        Document doc = parseAndValidate(xml, maxBytes);
        verifySignature(doc, new CertificateValidator(rootCa, crlOrNull, clock));
        NodeDirectory dir = DirectoryXml.fromDocument(doc);
        if (dir.issuedAt() == null) {
            throw new DirectoryRejectedException("directory rejected: no issuedAt");
        }
        return dir;
    }

    /** Reads a directory without any signature check (for editing an unsigned directory). */
    static NodeDirectory readUnsigned(byte[] xml) throws DirectoryRejectedException {
        return DirectoryXml.fromDocument(parseAndValidate(xml, DEFAULT_MAX_BYTES));
    }

    /** Hardened parse ({@link SecureXml}) within {@code maxBytes}, then validation against directory.xsd. */
    private static Document parseAndValidate(byte[] xml, long maxBytes) throws DirectoryRejectedException {
        Document doc;
        try {
            doc = SecureXml.parse(xml, (int) Math.min(maxBytes, Integer.MAX_VALUE));
        } catch (XmlRejectedException e) {
            throw switch (e.reason()) {
                case OVERSIZE -> new DirectoryRejectedException("directory rejected: " + xml.length
                        + " bytes is over the limit of " + maxBytes, e);
                case DTD -> new DirectoryRejectedException("directory rejected: a DOCTYPE (DTD) is not allowed", e);
                default -> new DirectoryRejectedException("directory rejected: " + e.getMessage(), e);
            };
        }
        try {
            Schemas.validate(SCHEMA, doc);
        } catch (XmlRejectedException e) {
            throw new DirectoryRejectedException("directory rejected: " + e.getMessage(), e);
        }
        return doc;
    }

    /**
     * The directory's own rule: the signer certificate comes from KeyInfo and must be a valid central node
     * certificate of our root CA; only then is its key used to verify the (strictly shaped) whole-document signature.
     */
    private static void verifySignature(Document doc, CertificateValidator validator) throws DirectoryRejectedException {
        try {
            X509Certificate signer = WholeDocumentSignature.keyInfoCertificate(doc);
            if (signer == null) {
                throw new DirectoryRejectedException("directory rejected: the signature has no KeyInfo with the signer certificate");
            }
            try {
                validator.validate(signer, NodeRole.CENTRAL);
            } catch (CertificateRejectedException e) {
                throw new DirectoryRejectedException("directory rejected: the signer certificate is not acceptable: "
                        + e.getMessage(), e);
            }
            WholeDocumentSignature.verify(doc, signer.getPublicKey());
        } catch (SignatureRejectedException e) {
            throw switch (e.reason()) {
                case MISSING -> new DirectoryRejectedException("directory rejected: it is not signed", e);
                case DOES_NOT_VERIFY -> e.getCause() == null
                        ? new DirectoryRejectedException("directory rejected: the signature does not match "
                                + "the content (the directory was changed after signing)", e)
                        : new DirectoryRejectedException("directory rejected: bad signature: " + e.getMessage(), e);
                case NOT_ACCEPTED -> new DirectoryRejectedException("directory rejected: " + e.getMessage(), e);
            };
        }
    }
}
