package org.jukibus.provision;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import org.jukibus.core.NodeMBean;
import org.jukibus.core.NodeMBeanBase;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.operators.Permission;
import org.jukibus.management.OperatorActor;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.pki.RequesterIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProvisionOperations} MBean of a providing node: requester registration, disclosure, bulk approvals and
 * the provision log's erasure, each recorded in the operation log with the operator (never with the person: a
 * disclosure is logged by count only).
 */
public final class ProvisionAdmin extends NodeMBeanBase<ProvisionOperations> implements ProvisionOperations {

    private static final Logger log = LoggerFactory.getLogger(ProvisionAdmin.class);
    private static final Pattern RESIDENT_CODE = Pattern.compile("[0-9]{11}");
    /** Dates in approvals are days in Japan. */
    private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

    private final Requesters requesters;
    private final BulkApprovals approvals;
    private final ProvisionLog provisionLog;
    private final ProvisionLogErasure erasure;
    /** Central only (null on a prefecture). */
    private final ProvisionReport report;
    private final LegacyOutbox outbox;
    private final OperationLog audit;
    private final Clock clock;
    private final OperatorPermissions permissions;

    public ProvisionAdmin(String node, Requesters requesters, BulkApprovals approvals, ProvisionLog provisionLog,
                          ProvisionLogErasure erasure, ProvisionReport report, LegacyOutbox outbox, OperationLog audit,
                          Clock clock, OperatorPermissions permissions) {
        super(node, "Provision", ProvisionOperations.class);
        this.report = report;
        this.outbox = outbox;
        this.requesters = requesters;
        this.approvals = approvals;
        this.provisionLog = provisionLog;
        this.erasure = erasure;
        this.audit = audit;
        this.clock = clock;
        this.permissions = permissions;
    }

    public static ObjectName objectName(String node) {
        return NodeMBean.name(node, "Provision");
    }

    /** Registers this node's MBean with the platform MBean server (which Hawtio and Jolokia read). */
    public ProvisionAdmin register() throws Exception {
        registerAs(this);
        return this;
    }

    @Override
    public String getLogRetention() {
        return erasure.retention().toString();
    }

    @Override
    public Map<String, Object> registerRequester(String id, String name, String purposes) {
        return register(id, name, purposes, false);
    }

    @Override
    public Map<String, Object> registerOwnUse(String id, String name, String purposes) {
        if (report != null) {
            throw new IllegalArgumentException("only a prefecture registers bodies for its own use (第6の8(5)ア): node "
                    + getNode() + " is central");
        }
        return register(id, name, purposes, true);
    }

    private Map<String, Object> register(String id, String name, String purposes, boolean ownUse) {
        permissions.require(Permission.PROVISION);
        Set<String> wanted = new LinkedHashSet<>(Arrays.stream(String.valueOf(purposes).split("[,\\s]+"))
                .filter(p -> !p.isBlank()).toList());
        Requesters.Requester r = requesters.register(new RequesterIdentity(id, name), wanted, ownUse, actor(), clock.instant());
        log.warn("requester {} registered{} for {} on request of {}", id, ownUse ? " for own use" : "", wanted, actor());
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).flow("provision")
                .detail("provision register-requester " + id + (ownUse ? " (own use)" : "") + " purposes " + String.join(",", wanted)));
        return describe(r);
    }

    @Override
    public List<Map<String, Object>> listRequesters() {
        permissions.require(Permission.PROVISION);
        return requesters.list().stream().map(ProvisionAdmin::describe).toList();
    }

    @Override
    public List<Map<String, Object>> disclose(String residentCode) {
        permissions.require(Permission.PROVISION);
        if (residentCode == null || !RESIDENT_CODE.matcher(residentCode).matches()) {
            throw new IllegalArgumentException("a resident code is 11 digits");
        }
        List<Map<String, Object>> history = provisionLog.disclose(residentCode);
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).flow("provision")
                .detail("provision disclose: " + history.size() + " entries")); // not whose: no personal data in the log
        return history;
    }

    @Override
    public Map<String, Object> reportToPrefecture(String prefecture, String from, String to) {
        permissions.require(Permission.PROVISION);
        if (report == null) {
            throw new IllegalArgumentException("only central reports its provisions to a prefecture (第6の8(5)イ): "
                    + "node " + getNode() + " is not central");
        }
        Instant start = instant(from, false, "from");
        Instant end = instant(to, true, "to");
        List<Map<String, Object>> entries = report.entries(prefecture, start, end);
        String file = ProvisionReport.fileName(prefecture, start, end);
        try {
            outbox.write(ProvisionReport.FOLDER, file, ProvisionReport.csv(entries));
        } catch (org.jukibus.flow.TransientFailure e) {
            throw new IllegalStateException("cannot write the report " + file + ": " + e.getMessage(), e);
        }
        log.info("provision report to prefecture {} for [{}, {}): {} entries in {}", prefecture, start, end, entries.size(), file);
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).flow("provision")
                .detail("provision report to prefecture " + prefecture + " for [" + start + ", " + end + "): "
                        + entries.size() + " entries, " + ProvisionReport.FOLDER + "/" + file));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", ProvisionReport.FOLDER + "/" + file);
        out.put("entries", entries);
        return out;
    }

    @Override
    public Map<String, Object> approveBulk(String requester, String purpose, int maxPersons, String validFrom,
                                           String validUntil, String approvedBy) {
        permissions.require(Permission.PROVISION);
        if (requesters.find(requester).map(r -> r.purposes().contains(purpose)).orElse(false) != Boolean.TRUE) {
            throw new IllegalArgumentException("requester " + requester + " is not registered for purpose '" + purpose
                    + "' on this node: register it first (jukibus provision register-requester)");
        }
        Instant now = clock.instant();
        Instant from = validFrom == null || validFrom.isBlank() ? now : instant(validFrom, false, "valid-from");
        Instant until = instant(validUntil, true, "valid-until");
        long id = approvals.record(requester, purpose, maxPersons, from, until, approvedBy, actor(), now);
        log.warn("bulk provision approval {} recorded: {} / {} up to {} persons {} .. {}, approved by {}, recorded by {}",
                id, requester, purpose, maxPersons, from, until, approvedBy, actor());
        audit.record(AuditEvent.of(AuditKind.OPERATION).actor(actor()).flow("provision")
                .detail("provision approve-bulk " + id + ": " + requester + " purpose " + purpose + " up to " + maxPersons
                        + " persons " + from + " .. " + until + ", approved by " + approvedBy));
        return approvals.list(requester).stream().filter(a -> a.id() == id).map(BulkApprovals::describe).findFirst()
                .orElseThrow();
    }

    @Override
    public List<Map<String, Object>> listBulkApprovals(String requester) {
        permissions.require(Permission.PROVISION);
        return approvals.list(requester).stream().map(BulkApprovals::describe).toList();
    }

    @Override
    public int eraseExpiredLog(String asOf) {
        permissions.require(Permission.PROVISION);
        Instant at = asOf == null || asOf.isBlank() ? clock.instant() : instant(asOf, false, "as-of");
        return erasure.eraseAsOf(at, actor());
    }

    /** An ISO instant, or a date in Japan: its start, or (for an end) the start of the next day, so the day counts. */
    private static Instant instant(String text, boolean end, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is required (an ISO date 2027-03-31 or instant 2027-03-31T15:00:00Z)");
        }
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (end ? day.plusDays(1) : day).atStartOfDay(JAPAN).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is neither a date (2027-03-31) nor an instant "
                    + "(2027-03-31T15:00:00Z)");
        }
    }

    private static Map<String, Object> describe(Requesters.Requester r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", r.name());
        m.put("registeredAt", r.registeredAt().toString());
        m.put("registeredBy", r.registeredBy());
        m.put("purposes", List.copyOf(r.purposes()));
        m.put("ownUse", r.ownUse());
        return m;
    }

    private static String actor() {
        return OperatorActor.current();
    }
}
