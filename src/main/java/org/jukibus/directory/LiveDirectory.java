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

    private final NetworkTrust trust;

    public LiveDirectory(NetworkTrust trust) {
        super(0, null, List.of());
        this.trust = trust;
    }

    @Override
    public long serial() {
        return trust.directory().serial();
    }

    @Override
    public Instant issuedAt() {
        return trust.directory().issuedAt();
    }

    @Override
    public Instant nextUpdate() {
        return trust.directory().nextUpdate();
    }

    @Override
    public List<NodeEntry> all() {
        return trust.directory().all();
    }

    @Override
    public Optional<NodeEntry> byCode(String code) {
        return trust.directory().byCode(code);
    }

    @Override
    public Optional<NodeEntry> byCertificate(X509Certificate cert) {
        return trust.directory().byCertificate(cert);
    }

    @Override
    public List<NodeEntry> municipalitiesOf(String prefectureCode) {
        return trust.directory().municipalitiesOf(prefectureCode);
    }

    @Override
    public Optional<NodeEntry> prefectureOf(String code) {
        return trust.directory().prefectureOf(code);
    }

    @Override
    public List<NodeEntry> withRole(NodeRole role) {
        return trust.directory().withRole(role);
    }

    @Override
    public Map<NodeRole, Integer> countsByRole() {
        return trust.directory().countsByRole();
    }

    @Override
    public int size() {
        return trust.directory().size();
    }

    @Override
    public String toString() {
        return "Live" + trust.directory();
    }
}
