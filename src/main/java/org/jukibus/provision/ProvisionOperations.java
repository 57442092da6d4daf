package org.jukibus.provision;

import java.util.List;
import java.util.Map;

import org.jukibus.core.Description;
import org.jukibus.core.Param;

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
    @Description("This node's code")
    String getNode();

    /** The provision log's retention period (ISO-8601, e.g. P7Y). */
    @Description("The provision log's retention period (ISO-8601, e.g. P7Y)")
    String getLogRetention();

    /** Registers a requester (id and name as in its certificate) for purposes (comma- or space-separated); returns it. */
    @Description("Registers a requester (国の機関等) for purposes; returns it")
    Map<String, Object> registerRequester(@Param(name = "id", value = "the requester id, as in its certificate (CN)") String id,
                                          @Param(name = "name", value = "the requester's name, as in its certificate") String name,
                                          @Param(name = "purposes", value = "the purposes it may query for, comma- or space-separated") String purposes);

    /**
     * Prefecture only: registers a body of the prefecture itself (id and name as in its certificate) that queries
     * for the prefecture's own use (利用, 第6の8(5)ア); what it receives is logged as used. Returns it.
     */
    @Description("Prefecture only: registers a body of the prefecture itself that queries for its own use (利用, 第6の8(5)ア); returns it")
    Map<String, Object> registerOwnUse(@Param(name = "id", value = "the body's id, as in its certificate (CN)") String id,
                                       @Param(name = "name", value = "the body's name, as in its certificate") String name,
                                       @Param(name = "purposes", value = "the purposes it may query for, comma- or space-separated") String purposes);

    /** Every registered requester: id, name, registeredAt, registeredBy, purposes, ownUse. */
    @Description("Every registered requester: id, name, registeredAt, registeredBy, purposes, ownUse")
    List<Map<String, Object>> listRequesters();

    /** A person's provision history (自己情報の開示), oldest first: providedAt, requester, requesterName, purpose, items, queryId, kind. */
    @Description("A person's provision history (自己情報の開示), oldest first")
    List<Map<String, Object>> disclose(@Param(name = "residentCode", value = "the person's resident code (11 digits)") String residentCode);

    /**
     * Records the approval of bulk provision (第4の8(2)カ) for a requester and purpose: at most {@code maxPersons} per
     * query, from {@code validFrom} (ISO instant or date; empty = now) until {@code validUntil}, approved by the named
     * responsible officer. Returns the approval.
     */
    @Description("Records the responsible officer's approval of bulk provision for a requester and purpose")
    Map<String, Object> approveBulk(@Param(name = "requester", value = "the requester id") String requester,
                                    @Param(name = "purpose", value = "one of the requester's purposes") String purpose,
                                    @Param(name = "maxPersons", value = "at most this many persons per query") int maxPersons,
                                    @Param(name = "validFrom", value = "ISO instant or date; empty for now") String validFrom,
                                    @Param(name = "validUntil", value = "ISO instant or date") String validUntil,
                                    @Param(name = "approvedBy", value = "the approving responsible officer") String approvedBy);

    /**
     * Central only: the report to a delegating prefecture of what central provided about its residents (第6の8(5)イ)
     * from {@code from} until {@code to} (ISO dates, days in Japan, {@code to} included, or instants); written to
     * {@code legacy/outbox/provision-report/} and returned: file, entries (providedAt, residentCode, municipality,
     * requester, requesterName, purpose, items, queryId).
     */
    @Description("Central only: the report to a delegating prefecture of what central provided about its residents (第6の8(5)イ)")
    Map<String, Object> reportToPrefecture(@Param(name = "prefecture", value = "the prefecture's code") String prefecture,
                                           @Param(name = "from", value = "ISO date or instant, included") String from,
                                           @Param(name = "to", value = "ISO date (included) or instant") String to);

    /** The bulk approvals of a requester (every requester when empty). */
    @Description("The bulk approvals of a requester")
    List<Map<String, Object>> listBulkApprovals(@Param(name = "requester", value = "the requester id; empty for every requester") String requester);

    /**
     * Erases the provision-log entries older than the retention period as of {@code asOf} (ISO instant; empty = now),
     * as the scheduled job does; returns how many.
     */
    @Description("Erases the provision-log entries older than the retention period, as the scheduled job does; returns how many")
    int eraseExpiredLog(@Param(name = "asOf", value = "ISO instant; empty for now") String asOf);
}
