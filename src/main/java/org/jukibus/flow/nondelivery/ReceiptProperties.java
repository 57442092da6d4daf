package org.jukibus.flow.nondelivery;

import java.time.Duration;

import org.jukibus.core.TimerIntervals;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code jukibus.receipts.*}: when a message sent without a receipt is reported overdue, and how often to look.
 *
 * @param overdueAfter  a message that awaits an answer and has none this long after it was queued is reported
 *                      OVERDUE once ({@code 4h}, {@code PT4H}: any form Spring reads). A warning only: the message
 *                      stays open, waiting for a recipient that may be down for days
 * @param checkInterval how often overdue messages are looked for: {@code 1m}, {@code 10s} (the timer in
 *                      {@code routes/common/delivery-status.yaml} reads it; Camel reads {@code PT1M} as 0, so only
 *                      this form is accepted)
 */
@ConfigurationProperties("jukibus.receipts")
public record ReceiptProperties(@DefaultValue("4h") Duration overdueAfter,
                                @DefaultValue("1m") String checkInterval) {

    public ReceiptProperties {
        if (overdueAfter.isNegative() || overdueAfter.isZero()) {
            throw new IllegalArgumentException("jukibus.receipts.overdue-after must be positive, not " + overdueAfter);
        }
        TimerIntervals.require("jukibus.receipts.check-interval", checkInterval);
    }
}
