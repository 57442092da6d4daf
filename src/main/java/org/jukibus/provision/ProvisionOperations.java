package org.jukibus.provision;

import java.util.List;
import java.util.Map;

/**
 * A providing node's provision administration, as JMX sees it ({@code org.jukibus:node=<code>,type=Provision}):
 * Hawtio's JMX tab runs it, {@code jukibus provision} calls it through the node's Jolokia endpoint. Every operation
 * is in the operation log with the operator who ran it.
 *
 * <p>Registered explicitly as a {@link javax.management.StandardMBean} of this interface (not named {@code ...MBean}),
 * as the dead-letter MBean is, so Spring's exporter does not export it twice.
 */
public interface ProvisionOperations {

    /** This node's code. */
    String getNode();

    /** The provision log's retention period (ISO-8601, e.g. P7Y). */
    String getLogRetention();

    /** Registers a requester (id and name as in its certificate) for purposes (comma- or space-separated); returns it. */
    Map<String, Object> registerRequester(String id, String name, String purposes);

    /**
     * Prefecture only: registers a body of the prefecture itself (id and name as in its certificate) that queries
     * for the prefecture's own use (利用, 第6の8(5)ア); what it receives is logged as used. Returns it.
     */
    Map<String, Object> registerOwnUse(String id, String name, String purposes);

    /** Every registered requester: id, name, registeredAt, registeredBy, purposes, ownUse. */
    List<Map<String, Object>> listRequesters();

    /** A person's provision history (自己情報の開示), oldest first: providedAt, requester, requesterName, purpose, items, queryId, kind. */
    List<Map<String, Object>> disclose(String residentCode);

    /**
     * Records the approval of bulk provision (第4の8(2)カ) for a requester and purpose: at most {@code maxPersons} per
     * query, from {@code validFrom} (ISO instant or date; empty = now) until {@code validUntil}, approved by the named
     * responsible officer. Returns the approval.
     */
    Map<String, Object> approveBulk(String requester, String purpose, int maxPersons, String validFrom, String validUntil,
                                    String approvedBy);

    /**
     * Central only: the report to a delegating prefecture of what central provided about its residents (第6の8(5)イ)
     * from {@code from} until {@code to} (ISO dates, days in Japan, {@code to} included, or instants); written to
     * {@code legacy/outbox/provision-report/} and returned: file, entries (providedAt, residentCode, municipality,
     * requester, requesterName, purpose, items, queryId).
     */
    Map<String, Object> reportToPrefecture(String prefecture, String from, String to);

    /** The bulk approvals of a requester (every requester when empty). */
    List<Map<String, Object>> listBulkApprovals(String requester);

    /**
     * Erases the provision-log entries older than the retention period as of {@code asOf} (ISO instant; empty = now),
     * as the scheduled job does; returns how many.
     */
    int eraseExpiredLog(String asOf);
}
