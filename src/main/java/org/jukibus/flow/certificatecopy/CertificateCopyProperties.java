package org.jukibus.flow.certificatecopy;

import java.time.Duration;

import org.jukibus.core.TimerIntervals;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code jukibus.certificate-copy.*}: how long the issuing municipality waits for the home municipality's
 * answer, and how often it looks for requests that waited too long.
 *
 * @param answerTimeout a request not answered this long after it was sent is closed as TIMED_OUT
 *                      ({@code 30m}, {@code PT30M}: any form Spring reads)
 * @param checkInterval how often overdue requests are looked for: {@code 10s}, {@code 1m}, {@code 500ms}. The timer in
 *                      {@code routes/municipal/certificate-copy.yaml} reads it, and Camel reads an ISO-8601 duration
 *                      such as {@code PT10S} as 0, so only this form is accepted
 */
@ConfigurationProperties("jukibus.certificate-copy")
public record CertificateCopyProperties(@DefaultValue("30m") Duration answerTimeout,
                                        @DefaultValue("10s") String checkInterval) {

    public CertificateCopyProperties {
        if (answerTimeout.isNegative() || answerTimeout.isZero()) {
            throw new IllegalArgumentException("jukibus.certificate-copy.answer-timeout must be positive, not " + answerTimeout);
        }
        TimerIntervals.require("jukibus.certificate-copy.check-interval", checkInterval);
    }
}
