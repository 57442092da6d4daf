package org.jukibus.flow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code jukibus.dead-letters.unopened.*}: how many dead letters refused before their signature verified are kept per
 * producer (who the broker authenticated) and window ({@link UnopenedDeadLetters}); the rest are counted, not kept.
 *
 * @param count  letters kept per producer and window, default 1000 (an honest peer's refusals are a few a day)
 * @param bytes  their bytes per producer and window, default 32 MB: with {@code jukibus.erasure.unopened-retention}
 *               (90 days) at most about 2.9 GB on disk per producer
 * @param window default one day, from the producer's first unopened letter in it
 */
@ConfigurationProperties("jukibus.dead-letters.unopened")
public record UnopenedDeadLetterProperties(@DefaultValue("1000") int count, @DefaultValue("32MB") DataSize bytes,
                                           @DefaultValue("1d") Duration window) {

    public UnopenedDeadLetters.Bound bound() {
        return new UnopenedDeadLetters.Bound(count, bytes.toBytes(), window);
    }
}
