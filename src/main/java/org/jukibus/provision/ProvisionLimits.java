package org.jukibus.provision;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Per-requester limits on provision (第4の8(2)カ: bulk output needs prior approval, and many single-person queries must
 * not get round it): at most {@code perMinute} queries in the last minute, and at most {@code perDay} persons asked
 * for in the last 24 hours by queries without a bulk approval (an approved bulk query is its own approval of its
 * volume, but counts towards the rate). Counted from {@code provision_query}, which every answered query joins in the
 * provision's store transaction. A limit of 0 is off.
 */
public final class ProvisionLimits {

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Duration DAY = Duration.ofHours(24);

    private final JdbcTemplate jdbc;
    private final int perMinute;
    private final int perDay;

    public ProvisionLimits(JdbcTemplate jdbc, int perMinute, int perDay) {
        this.jdbc = jdbc;
        this.perMinute = perMinute;
        this.perDay = perDay;
    }

    /** Refuses the query if answering it would take the requester over a limit. */
    public void check(String requesterId, IdentityQuery query, boolean approvedBulk, Instant now) throws ProvisionRefused {
        if (perMinute > 0) {
            int queries = jdbc.queryForObject("select count(*) from provision_query where requester_id = ? and queried_at > ?",
                    Integer.class, requesterId, Timestamp.from(now.minus(MINUTE)));
            if (queries + 1 > perMinute) {
                throw new ProvisionRefused(ProvisionError.LIMIT_EXCEEDED, "requester " + requesterId + " made " + queries
                        + " queries in the last minute: the limit is " + perMinute + " a minute "
                        + "(jukibus.provision.limits.per-minute); try again later");
            }
        }
        if (perDay > 0 && !approvedBulk) {
            int persons = jdbc.queryForObject("select coalesce(sum(persons), 0) from provision_query"
                    + " where requester_id = ? and not bulk and queried_at > ?", Integer.class, requesterId,
                    Timestamp.from(now.minus(DAY)));
            if (persons + query.persons().size() > perDay) {
                throw new ProvisionRefused(ProvisionError.LIMIT_EXCEEDED, "requester " + requesterId + " asked for "
                        + persons + " persons in the last 24 hours; " + query.persons().size() + " more would exceed the "
                        + "limit of " + perDay + " a day (jukibus.provision.limits.per-day). More is a bulk provision: "
                        + "it needs an approval (jukibus provision approve-bulk)");
            }
        }
    }

    /**
     * Counts an answered query, inside the provision's store transaction: checked again under a lock per requester
     * held to the commit, so that queries sent in parallel cannot all pass the check before any is counted.
     */
    public void record(String requesterId, IdentityQuery query, boolean approvedBulk, Instant at) throws ProvisionRefused {
        jdbc.queryForList("select pg_advisory_xact_lock(hashtext(?))", requesterId);
        check(requesterId, query, approvedBulk, at);
        jdbc.update("insert into provision_query (requester_id, query_id, persons, bulk, queried_at) values (?, ?, ?, ?, ?)",
                requesterId, query.queryId(), query.persons().size(), approvedBulk, Timestamp.from(at));
    }
}
