package org.jukibus.directory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jukibus.core.NodeRole;

/** The node directory: an immutable, indexed list of nodes with a serial number and issue time. Thread-safe. */
public class NodeDirectory {

    private final long serial;
    private final Instant issuedAt;
    private final Instant nextUpdate;
    private final List<NodeEntry> entries;
    private final Map<String, NodeEntry> byCode = new HashMap<>();
    private final Map<String, NodeEntry> byFingerprint = new HashMap<>();
    private final Map<String, List<NodeEntry>> municipalitiesByPrefecture = new HashMap<>();
    private final Map<NodeRole, Integer> counts = new EnumMap<>(NodeRole.class);

    /** @throws IllegalArgumentException on a duplicate code or certificate */
    public NodeDirectory(long serial, Instant issuedAt, List<NodeEntry> entries) {
        this(serial, issuedAt, null, entries);
    }

    /** @param nextUpdate when central will have published a newer one at the latest; null for no expiry */
    public NodeDirectory(long serial, Instant issuedAt, Instant nextUpdate, List<NodeEntry> entries) {
        if (serial < 0) {
            throw new IllegalArgumentException("serial must not be negative");
        }
        this.serial = serial;
        this.issuedAt = issuedAt;
        this.nextUpdate = nextUpdate;
        this.entries = List.copyOf(entries);
        for (NodeEntry e : this.entries) {
            if (byCode.putIfAbsent(e.code(), e) != null) {
                throw new IllegalArgumentException("duplicate node code " + e.code());
            }
            for (X509Certificate cert : e.certificates()) {
                if (byFingerprint.putIfAbsent(fingerprint(cert), e) != null) {
                    throw new IllegalArgumentException("node " + e.code() + " reuses the certificate of another node");
                }
            }
            if (e.role() == NodeRole.MUNICIPAL) {
                municipalitiesByPrefecture.computeIfAbsent(e.prefecture(), k -> new ArrayList<>()).add(e);
            }
            counts.merge(e.role(), 1, Integer::sum);
        }
        municipalitiesByPrefecture.replaceAll((k, v) -> List.copyOf(v));
    }

    public long serial() {
        return serial;
    }

    /** When central signed it; null for an unsigned directory that never had one. */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** Past this time the directory is stale (a newer one is refused if already past its own); null: no expiry. */
    public Instant nextUpdate() {
        return nextUpdate;
    }

    /** All entries in document order. */
    public List<NodeEntry> all() {
        return entries;
    }

    public Optional<NodeEntry> byCode(String code) {
        return Optional.ofNullable(byCode.get(code));
    }

    /**
     * The entry one of whose certificates (current or, during a renewal, next) is exactly {@code cert} (same DER
     * encoding), not merely the same subject.
     */
    public Optional<NodeEntry> byCertificate(X509Certificate cert) {
        NodeEntry e = byFingerprint.get(fingerprint(cert));
        if (e == null) {
            return Optional.empty();
        }
        try {
            byte[] der = cert.getEncoded();
            for (X509Certificate listed : e.certificates()) {
                if (MessageDigest.isEqual(listed.getEncoded(), der)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        } catch (CertificateEncodingException ex) {
            return Optional.empty();
        }
    }

    /** The municipal nodes of a prefecture (2-digit code), in document order. */
    public List<NodeEntry> municipalitiesOf(String prefectureCode) {
        return municipalitiesByPrefecture.getOrDefault(prefectureCode, List.of());
    }

    /** The prefecture node serving the node with {@code code} (a prefecture node serves itself). */
    public Optional<NodeEntry> prefectureOf(String code) {
        NodeEntry e = byCode.get(code);
        if (e == null || e.prefecture() == null) {
            return Optional.empty();
        }
        NodeEntry p = byCode.get(e.prefecture());
        return p != null && p.role() == NodeRole.PREFECTURE ? Optional.of(p) : Optional.empty();
    }

    /** Entries with the given role. */
    public List<NodeEntry> withRole(NodeRole role) {
        return entries.stream().filter(e -> e.role() == role).toList();
    }

    /** How many nodes per role (roles without nodes are absent). */
    public Map<NodeRole, Integer> countsByRole() {
        return Collections.unmodifiableMap(counts);
    }

    public int size() {
        return entries.size();
    }

    static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate", e);
        }
    }

    @Override
    public String toString() {
        return "NodeDirectory[serial=" + serial + ", issuedAt=" + issuedAt + ", nodes=" + entries.size() + "]";
    }
}
