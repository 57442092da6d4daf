package org.jukibus.directory;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.NodeIdentity;

/**
 * One node of the directory.
 *
 * @param role the node's role
 * @param code its code (local government code, prefecture code or id)
 * @param name its human-readable name (Japanese allowed)
 * @param prefecture the 2-digit prefecture code: for a municipal node the first two digits of its code, for a
 *        prefecture node its own code (both filled in when null); absent (null) for central and liaison nodes
 * @param primary the primary line
 * @param backup the backup line (予備の回線, 第3の3(2))
 * @param certificate the node certificate; its subject must name this role and code
 * @param nextCertificate during a certificate renewal, the node's new certificate listed beside the current one
 *        (same role and code): peers seal to it and accept envelopes and logins under either; null otherwise
 */
public record NodeEntry(NodeRole role, String code, String name, String prefecture, Endpoint primary, Endpoint backup,
                        X509Certificate certificate, X509Certificate nextCertificate) {

    /** An entry outside a renewal: one certificate. */
    public NodeEntry(NodeRole role, String code, String name, String prefecture, Endpoint primary, Endpoint backup,
                     X509Certificate certificate) {
        this(role, code, name, prefecture, primary, backup, certificate, null);
    }

    public NodeEntry {
        Objects.requireNonNull(role, "role");
        NodeCodes.requireValid(role, code);
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new IllegalArgumentException("node " + code + " needs a name of 1 to 128 characters");
        }
        switch (role) {
            case MUNICIPAL -> {
                String own = code.substring(0, 2);
                if (prefecture == null) {
                    prefecture = own;
                } else if (!prefecture.equals(own)) {
                    throw new IllegalArgumentException("municipal node " + code + " lies in prefecture " + own
                            + ", not " + prefecture);
                }
            }
            case PREFECTURE -> {
                if (prefecture == null) {
                    prefecture = code;
                } else if (!prefecture.equals(code)) {
                    throw new IllegalArgumentException("prefecture node " + code + " cannot have prefecture " + prefecture);
                }
            }
            case CENTRAL, LIAISON -> {
                if (prefecture != null) {
                    NodeCodes.requirePrefectureCode(prefecture);
                }
            }
        }
        Objects.requireNonNull(primary, "primary endpoint of " + code);
        Objects.requireNonNull(backup, "backup endpoint of " + code);
        Objects.requireNonNull(certificate, "certificate of " + code);
        requireOwn(certificate, role, code);
        if (nextCertificate != null) {
            requireOwn(nextCertificate, role, code);
            if (nextCertificate.equals(certificate)) {
                throw new IllegalArgumentException("the next certificate of node " + code + " is its current one");
            }
        }
    }

    private static void requireOwn(X509Certificate certificate, NodeRole role, String code) {
        NodeIdentity id = NodeIdentity.fromCertificate(certificate);
        if (id.role() != role || !id.code().equals(code)) {
            throw new IllegalArgumentException("certificate of node " + role.id() + " " + code + " belongs to " + id);
        }
    }

    /** The certificates the node signs and logs in with: the current one, then the next one during a renewal. */
    public List<X509Certificate> certificates() {
        return nextCertificate == null ? List.of(certificate) : List.of(certificate, nextCertificate);
    }

    /** The certificate peers seal to: the next one as soon as the directory lists it, so the old key falls out of use. */
    public X509Certificate sealingCertificate() {
        return nextCertificate == null ? certificate : nextCertificate;
    }
}
