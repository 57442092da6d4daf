package org.jukibus.erasure;

import java.time.Duration;
import java.time.Period;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code jukibus.erasure.*}: the node's erasure run ({@link CertainErasure}) and the retentions of what has none of its
 * own (identity records, the provision log and the evidence store have theirs).
 *
 * @param interval        how often the run goes (default {@code 1h}; also at start)
 * @param retention       special-transfer and certificate-copy records (municipal), dead letters and the records of
 *                        messages handled ({@link MessageRecordsErasure}): default 5 years, the municipal retention of
 *                        identity information (第6の7(1))
 * @param legacyRetention the legacy folders' copies ({@code sent/}, {@code outbox/}, {@code error/}) and the transfer
 *                        ledger's rows: default 5 years
 * @param unopenedRetention dead letters refused with no verified header attributed to a signer ({@code JukibusUnopened}):
 *                        default 90 days (the shorter of it and {@code retention} applies). Nothing in them is attributable to a signer or
 *                        readable, so they are no evidence under 第6の7 (identity information) nor of a delivery; they
 *                        serve the early detection of and the response to unauthorised access (第4の9(3)(4)), for which
 *                        the standard sets no period: a quarter covers an investigation that starts from the security
 *                        alert within minutes, and the counts and the operation log's line (reason, digest) stay for
 *                        the full retention. One still owed a notice ({@code OWED}) waits for the full retention
 */
@ConfigurationProperties("jukibus.erasure")
public record ErasureProperties(@DefaultValue("1h") Duration interval, @DefaultValue("5y") Period retention,
                                @DefaultValue("5y") Period legacyRetention, @DefaultValue("90d") Period unopenedRetention) {

    public ErasureProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("jukibus.erasure.interval must be positive, not " + interval);
        }
        if (retention.isNegative() || retention.isZero() || legacyRetention.isNegative() || legacyRetention.isZero()) {
            throw new IllegalArgumentException("jukibus.erasure.retention and legacy-retention must be positive, not "
                    + retention + " and " + legacyRetention);
        }
        if (unopenedRetention.isNegative() || unopenedRetention.isZero()) {
            throw new IllegalArgumentException("jukibus.erasure.unopened-retention must be positive, not " + unopenedRetention);
        }
    }
}
