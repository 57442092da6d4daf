package org.jukibus.pki;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A requester of identity information (国の機関等, a national agency or another body a prefecture provides to,
 * standard 第6の8), as written in the certificate its system presents on the provision channel.
 *
 * <p>Subject: {@code name=<name>, CN=<id>, OU=requester, O=Juki-net, C=JP}, the shape of a node certificate
 * ({@link NodeIdentity}) with {@code requester} in the place of the role and the requester's id as CN.
 * {@code requester} is not a node role, so {@link NodeIdentity#fromCertificate} refuses a requester certificate
 * (it can never log in to a broker), and this class refuses node and officer certificates. Its only extended key
 * usage is clientAuth: it cannot serve TLS or sign approvals.
 *
 * @param id   the requester's id, as registered on the providing node ({@code [a-z0-9][a-z0-9-]*}, at most 64)
 * @param name its human-readable name, e.g. 日本年金機構
 */
public record RequesterIdentity(String id, String name) {

    /** The OU of every requester certificate. */
    public static final String UNIT = "requester";
    /** What a requester id may look like: it goes into logs, SQL parameters and the operation log. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public RequesterIdentity {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad requester id '" + id + "': lower-case letters, digits and '-', "
                    + "at most 64, starting with a letter or digit");
        }
        if (name == null || name.isBlank() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)
                || !name.equals(name.strip())) {
            throw new IllegalArgumentException("bad requester name for " + id + ": 1 to 128 characters, no control "
                    + "characters, no leading or trailing spaces");
        }
    }

    /** The certificate subject for this requester. */
    public X500Name toX500Name() {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, NodeIdentity.COUNTRY)
                .addRDN(BCStyle.O, NodeIdentity.ORGANIZATION)
                .addRDN(BCStyle.OU, UNIT)
                .addRDN(BCStyle.CN, id)
                .addRDN(NodeIdentity.NAME_ATTRIBUTE, name)
                .build();
    }

    /**
     * Reads the requester from a requester certificate.
     *
     * @throws IllegalArgumentException when the certificate is not a jukibus requester certificate (a CA, node or
     *         officer certificate, wrong subject, or an extended key usage other than clientAuth alone)
     */
    public static RequesterIdentity fromCertificate(X509Certificate cert) {
        CertificateSubject requester = CertificateSubject.read(cert, "a requester certificate", UNIT, "name=<name>, CN=<id>", 2,
                KeyPurposeId.id_kp_clientAuth);
        return requester.identity(() -> new RequesterIdentity(requester.single(BCStyle.CN),
                requester.single(NodeIdentity.NAME_ATTRIBUTE)));
    }

    @Override
    public String toString() {
        return "requester " + id + " (" + name + ")";
    }
}
