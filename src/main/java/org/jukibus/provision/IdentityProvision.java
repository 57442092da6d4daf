package org.jukibus.provision;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.pki.RequesterIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Provision of identity information (本人確認情報の提供, 第6の8) to an authenticated requester: the requester must be
 * registered on this node for the query's purpose, a query for more than one person needs a bulk approval
 * recorded beforehand (第4の8(2)カ), no requester may go over its limits ({@link ProvisionLimits}), and every person provided is in the provision log (第6の8(5)) and the query
 * in the operation log before the answer leaves — in one store transaction, so nothing is provided unlogged.
 */
public final class IdentityProvision {

    private static final Logger log = LoggerFactory.getLogger(IdentityProvision.class);

    /** What one Person of a query found (its position in the query and the current records matching it). */
    public record Result(int person, List<IdentityLookup.Provided> records) {
    }

    /** The answer to a query. */
    public record Answer(String queryId, String purpose, Instant providedAt, List<Result> results) {
        public int personsProvided() {
            return results.stream().mapToInt(r -> r.records().size()).sum();
        }
    }

    private final Requesters requesters;
    private final BulkApprovals approvals;
    private final IdentityLookup lookup;
    private final ProvisionLog provisionLog;
    private final ProvisionLimits limits;
    private final TransactionTemplate transactions;
    private final OperationLog audit;
    private final Clock clock;

    public IdentityProvision(Requesters requesters, BulkApprovals approvals, IdentityLookup lookup, ProvisionLog provisionLog,
                             ProvisionLimits limits, TransactionTemplate transactions, OperationLog audit, Clock clock) {
        this.limits = limits;
        this.requesters = requesters;
        this.approvals = approvals;
        this.lookup = lookup;
        this.provisionLog = provisionLog;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Answers the query, or refuses it with the reason. */
    public Answer provide(RequesterIdentity requester, IdentityQuery query) throws ProvisionRefused {
        Requesters.Requester registered = requesters.find(requester.id()).orElseThrow(() -> new ProvisionRefused(
                ProvisionError.UNREGISTERED_REQUESTER, "requester " + requester.id() + " is not registered on this node"));
        if (!registered.purposes().contains(query.purpose())) {
            throw new ProvisionRefused(ProvisionError.PURPOSE_NOT_REGISTERED, "requester " + requester.id()
                    + " is not registered for purpose '" + query.purpose() + "' (registered: "
                    + String.join(", ", registered.purposes()) + ")");
        }
        Instant now = clock.instant();
        String approval = "";
        if (query.bulk()) {
            Optional<BulkApprovals.BulkApproval> covering = approvals.covering(requester.id(), query.purpose(),
                    query.persons().size(), now);
            if (covering.isEmpty()) {
                throw new ProvisionRefused(ProvisionError.BULK_NOT_APPROVED, "a query for " + query.persons().size()
                        + " persons is a bulk provision: no approval valid now for requester " + requester.id()
                        + " and purpose '" + query.purpose() + "' covers that many (jukibus provision approve-bulk)");
            }
            approval = ", bulk approval " + covering.get().id();
        }
        boolean approvedBulk = query.bulk();
        limits.check(requester.id(), query, approvedBulk, now); // early, without a lock; again under it below
        String detail = (registered.ownUse() ? "own use (第6の8(5)ア), " : "") + "purpose " + query.purpose() + ", query "
                + query.queryId() + approval;
        Answer answer;
        try {
            answer = transactions.execute(tx -> {
                try {
                    limits.record(requester.id(), query, approvedBulk, now);
                } catch (ProvisionRefused refused) {
                    throw new RefusedInTransaction(refused);
                }
                List<Result> results = new ArrayList<>();
                int n = 0;
                for (IdentityQuery.Condition condition : query.persons()) {
                    List<IdentityLookup.Provided> found = lookup.matching(condition);
                    for (IdentityLookup.Provided p : found) {
                        provisionLog.record(p.residentCode(), requester.id(), query.purpose(), ProvisionLog.ITEMS, query.queryId(), now,
                                registered.ownUse());
                    }
                    results.add(new Result(++n, found));
                }
                Answer a = new Answer(query.queryId(), query.purpose(), now, results);
                // durable before the commit, so that a provision is never in the store without its operation-log entry
                audit.record(AuditEvent.of(AuditKind.IDENTITY_PROVIDED).actor("requester:" + requester.id()).flow("provision")
                        .detail(detail + ": " + a.personsProvided() + " person(s) for " + query.persons().size() + " condition(s)"));
                return a;
            });
        } catch (RefusedInTransaction e) {
            throw e.refused;
        }
        log.info("provided identity information to {} ({}): {} person(s) for {} condition(s)", requester.id(), detail,
                answer.personsProvided(), query.persons().size());
        return answer;
    }

    /** A limit found exceeded inside the store transaction (which then rolls back), carried out of it. */
    private static final class RefusedInTransaction extends RuntimeException {
        private final ProvisionRefused refused;

        RefusedInTransaction(ProvisionRefused refused) {
            super(refused.getMessage(), refused, false, false);
            this.refused = refused;
        }
    }
}
