package org.jukibus.flow.identity;

import org.jukibus.core.NodeMBean;
import org.jukibus.core.NodeMBeanBase;
import org.jukibus.flow.TransientFailure;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.operators.Permission;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.ObjectName;

/**
 * The scheduled jobs of the identity flows on one node, for the routes ({@code identityJobs.erase},
 * {@code identityJobs.checkCutoff}) and for operators as the MBean {@link IdentityOperations}.
 * {@code reconciliation} is null on central (it sends no updates).
 */
public final class IdentityJobs extends NodeMBeanBase<IdentityOperations> implements IdentityOperations {

    private final IdentityErasure erasure;
    private final Reconciliation reconciliation;
    private final SentUpdates sent;
    private final OperatorPermissions permissions;

    /** @param permissions checked for the "as of" operations operators run (erasing ahead of time needs {@code management}) */
    public IdentityJobs(String node, IdentityErasure erasure, Reconciliation reconciliation, SentUpdates sent,
                        OperatorPermissions permissions) {
        super(node, "IdentityUpdates", IdentityOperations.class);
        this.erasure = erasure;
        this.reconciliation = reconciliation;
        this.sent = sent;
        this.permissions = permissions;
    }

    /** The scheduled erasure run. */
    public int erase() {
        return erasure.erase();
    }

    /** The scheduled cut-off check. */
    public int checkCutoff() throws IOException, TransientFailure {
        return reconciliation == null ? 0 : reconciliation.checkCutoff();
    }

    @Override
    public int eraseAsOf(String instant) {
        permissions.require(Permission.MANAGEMENT);
        return erasure.erase(parse(instant));
    }

    @Override
    public int checkCutoffAsOf(String instant) {
        permissions.require(Permission.MANAGEMENT);
        if (reconciliation == null) {
            throw new IllegalArgumentException("node " + getNode() + " sends no identity updates: there is no cut-off to check");
        }
        try {
            return reconciliation.checkCutoff(parse(instant));
        } catch (IOException | TransientFailure e) {
            throw new IllegalStateException("the cut-off check could not write its reports: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Map<String, Object>> reconciliations(int limit) {
        if (sent == null) {
            return List.of();
        }
        return sent.outcomes(null).stream().limit(Math.max(1, Math.min(limit, 1000))).map(n -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("messageId", n.messageId());
            row.put("outcome", n.outcome().name());
            row.put("detail", n.detail());
            row.put("checkedAt", n.checkedAt().toString());
            return row;
        }).toList();
    }

    @Override
    public long getReconciliationAlerts() {
        return sent == null ? 0 : sent.outcomes(null).stream().filter(n -> n.outcome() != Outcome.OK).count();
    }

    private static Instant parse(String instant) {
        try {
            return Instant.parse(instant == null ? "" : instant.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant (e.g. 2031-12-01T00:00:00Z): '" + instant + "'");
        }
    }

    public static ObjectName objectName(String node) {
        return NodeMBean.name(node, "IdentityUpdates");
    }

    /** Registers this node's MBean with the platform MBean server (which Hawtio and Jolokia read). */
    public IdentityJobs register() throws Exception {
        registerAs(this);
        return this;
    }
}
