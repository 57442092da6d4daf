package org.jukibus.directory;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jukibus.core.NodeRole;

/**
 * The node's directory bean: every call reads the directory {@link NetworkTrust} holds now, so each component
 * that was handed "the directory" (flows, monitoring, links) follows a newly published one without a restart.
 * Hold on to a single answer for one decision only.
 */
public final class LiveDirectory extends NodeDirectory {

    private final java.util.function.Supplier<NodeDirectory> current;

    public LiveDirectory(NetworkTrust trust) {
        this(trust::directory);
    }

    /** Reads {@code current} at every call. */
    public LiveDirectory(java.util.function.Supplier<NodeDirectory> current) {
        super(0, null, List.of());
        this.current = current;
    }

    @Override
    public long serial() {
        return current.get().serial();
    }

    @Override
    public Instant issuedAt() {
        return current.get().issuedAt();
    }

    @Override
    public Instant nextUpdate() {
        return current.get().nextUpdate();
    }

    @Override
    public List<NodeEntry> all() {
        return current.get().all();
    }

    @Override
    public Optional<NodeEntry> byCode(String code) {
        return current.get().byCode(code);
    }

    @Override
    public Optional<NodeEntry> byCertificate(X509Certificate cert) {
        return current.get().byCertificate(cert);
    }

    @Override
    public List<NodeEntry> municipalitiesOf(String prefectureCode) {
        return current.get().municipalitiesOf(prefectureCode);
    }

    @Override
    public Optional<NodeEntry> prefectureOf(String code) {
        return current.get().prefectureOf(code);
    }

    @Override
    public List<NodeEntry> withRole(NodeRole role) {
        return current.get().withRole(role);
    }

    @Override
    public Map<NodeRole, Integer> countsByRole() {
        return current.get().countsByRole();
    }

    @Override
    public int size() {
        return current.get().size();
    }

    @Override
    public String toString() {
        return "Live" + current.get();
    }
}
