package org.jukibus.evidence;

import java.time.Period;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code jukibus.evidence.*}: how long the evidence store ({@link EvidenceStore}) keeps each envelope after it arrived.
 *
 * @param retention default 5 years ({@code 5y}, {@code P5Y}), the municipal retention of identity information
 *                  (第6の7(1)); the envelopes are erased after it by the node's erasure job (erasure.CertainErasure)
 */
@ConfigurationProperties("jukibus.evidence")
public record EvidenceProperties(@DefaultValue("5y") Period retention) {

    public EvidenceProperties {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("jukibus.evidence.retention must be positive, not " + retention);
        }
    }
}
