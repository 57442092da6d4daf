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
 */
@ConfigurationProperties("jukibus.erasure")
public record ErasureProperties(@DefaultValue("1h") Duration interval, @DefaultValue("5y") Period retention,
                                @DefaultValue("5y") Period legacyRetention) {

    public ErasureProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("jukibus.erasure.interval must be positive, not " + interval);
        }
        if (retention.isNegative() || retention.isZero() || legacyRetention.isNegative() || legacyRetention.isZero()) {
            throw new IllegalArgumentException("jukibus.erasure.retention and legacy-retention must be positive, not "
                    + retention + " and " + legacyRetention);
        }
    }
}
