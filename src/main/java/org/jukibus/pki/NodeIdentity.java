package org.jukibus.pki;

import java.security.cert.X509Certificate;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;

/**
 * Who a node is, as written in its certificate's subject.
 *
 * <p>Subject of a node certificate (RFC 4514 order): {@code name=<name>, CN=<code>, OU=<role>, O=Juki-net, C=JP},
 * i.e. the architecture's {@code CN=<code>, OU=<role>, O=Juki-net, C=JP} plus one attribute
 * {@code id-at-name} (OID 2.5.4.41, X.520 "name") holding the node's human-readable name (for example
 * {@code 新宿区}) as a UTF8String. CN, OU and O are UTF8String, C is PrintableString.
 * {@code officer} is never a role: a certificate with that OU is an approving officer's ({@link OfficerIdentity}).
 */
public record NodeIdentity(NodeRole role, String code, String name) {

    /** X.520 id-at-name (2.5.4.41): the human-readable node name. */
    public static final ASN1ObjectIdentifier NAME_ATTRIBUTE = BCStyle.NAME;
    public static final String ORGANIZATION = "Juki-net";
    public static final String COUNTRY = "JP";

    public NodeIdentity {
        Objects.requireNonNull(role, "role");
        NodeCodes.requireValid(role, code);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("node " + code + " needs a name");
        }
        if (name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("bad name for node " + code + ": at most 128 characters, no control characters");
        }
    }

    /** The certificate subject for this identity. */
    public X500Name toX500Name() {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, COUNTRY)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.OU, role.id())
                .addRDN(BCStyle.CN, code)
                .addRDN(NAME_ATTRIBUTE, name)
                .build();
    }

    /**
     * Reads the identity from a node certificate's subject.
     *
     * @throws IllegalArgumentException when the certificate is not a jukibus node certificate (a CA certificate,
     *         wrong O or C, unknown role, invalid code, missing name)
     */
    public static NodeIdentity fromCertificate(X509Certificate cert) {
        Objects.requireNonNull(cert, "cert");
        String subject = cert.getSubjectX500Principal().getName();
        if (cert.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("not a jukibus node certificate (it is a CA certificate): " + subject);
        }
        X500Name x500 = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        RDN[] units = x500.getRDNs(BCStyle.OU);
        if (units.length == 1 && OfficerIdentity.UNIT.equals(stringOf(units[0].getFirst()))) {
            throw new IllegalArgumentException("not a jukibus node certificate (it is an approving officer's certificate): " + subject);
        }
        String c = single(x500, BCStyle.C, "C", subject);
        String o = single(x500, BCStyle.O, "O", subject);
        String ou = single(x500, BCStyle.OU, "OU", subject);
        String cn = single(x500, BCStyle.CN, "CN", subject);
        String name = single(x500, NAME_ATTRIBUTE, "name (2.5.4.41)", subject);
        if (!COUNTRY.equals(c) || !ORGANIZATION.equals(o)) {
            throw new IllegalArgumentException("not a jukibus node certificate (expected O=Juki-net, C=JP): " + subject);
        }
        if (x500.getRDNs().length != 5) {
            throw new IllegalArgumentException("not a jukibus node certificate (unexpected subject attributes): " + subject);
        }
        try {
            return new NodeIdentity(NodeRole.fromId(ou), cn, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a jukibus node certificate (" + e.getMessage() + "): " + subject, e);
        }
    }

    private static String single(X500Name x500, ASN1ObjectIdentifier type, String label, String subject) {
        RDN[] rdns = x500.getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            throw new IllegalArgumentException("not a jukibus node certificate (expected exactly one " + label
                    + " in the subject): " + subject);
        }
        AttributeTypeAndValue atv = rdns[0].getFirst();
        return stringOf(atv);
    }

    private static String stringOf(AttributeTypeAndValue atv) {
        if (atv.getValue() instanceof org.bouncycastle.asn1.ASN1String s) {
            return s.getString();
        }
        throw new IllegalArgumentException("subject attribute " + atv.getType() + " is not a string");
    }

    @Override
    public String toString() {
        return role.id() + " " + code + " (" + name + ")";
    }
}
