package org.jukibus.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.jukibus.flow.Headers;
import org.junit.jupiter.api.Test;

/** Which dead letters the erasure's selector takes, evaluated by Artemis's own filter. */
class DeadLetterErasureTest {

    private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");
    private static final long CUTOFF = NOW.atZone(ZoneOffset.UTC).minus(Period.ofYears(5)).toInstant().toEpochMilli();
    private static final long UNOPENED_CUTOFF = NOW.atZone(ZoneOffset.UTC).minus(Period.ofDays(90)).toInstant().toEpochMilli();

    private final Filter selector = filter(DeadLetterErasure.pastRetention(CUTOFF, UNOPENED_CUTOFF));

    /** M5: a letter that never opened goes after the shorter retention; an opened one of the same age stays. */
    @Test
    void an_unopened_dead_letter_goes_after_its_shorter_retention_an_opened_one_stays() {
        long hundredDaysAgo = NOW.minus(java.time.Duration.ofDays(100)).toEpochMilli();
        long tenDaysAgo = NOW.minus(java.time.Duration.ofDays(10)).toEpochMilli();

        assertThat(selector.match(deadLetter(hundredDaysAgo, true, null))).isTrue();
        assertThat(selector.match(deadLetter(tenDaysAgo, true, null))).isFalse();
        assertThat(selector.match(deadLetter(hundredDaysAgo, false, null))).isFalse();
        // still owed a notice (a replay whose envelope no longer verified): kept until it is told
        assertThat(selector.match(deadLetter(hundredDaysAgo, true, "OWED"))).isFalse();
        assertThat(selector.match(deadLetter(hundredDaysAgo, true, "TOLD"))).isTrue();
        // the full retention takes everything
        assertThat(selector.match(deadLetter(CUTOFF - 1, false, "OWED"))).isTrue();
    }

    private static CoreMessage deadLetter(long rejectedAtMillis, boolean unopened, String notice) {
        CoreMessage m = new CoreMessage(1, 100);
        m.putLongProperty(SimpleString.of(Headers.REJECTED_AT_MILLIS), rejectedAtMillis);
        if (unopened) {
            m.putBooleanProperty(SimpleString.of(Headers.UNOPENED), true);
        }
        if (notice != null) {
            m.putStringProperty(SimpleString.of(Headers.SENDER_NOTICE), notice);
        }
        return m;
    }

    private static Filter filter(String selector) {
        try {
            return FilterImpl.createFilter(selector);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
