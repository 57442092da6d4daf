package org.jukibus.flow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code jukibus.dead-letters.unopened.*}: how much of the dead letters of security refusals is kept per producer (who
 * the broker authenticated) and window ({@link UnopenedDeadLetters}); the rest is kept as records, or counted only.
 *
 * @param count       dead letters (whole or as records) per producer and window, default 100,000: past it not kept
 *                    at all, counted (a flood of tiny letters); the bytes bound is the one an honest burst meets
 * @param bytes       bytes of letters refused with no verified header kept whole per producer and window,
 *                    default 32 MB (with {@code jukibus.erasure.unopened-retention}, 90 days, about 2.9 GB per
 *                    producer); past it each is kept as a record (headers, SHA-256, size) without its body
 * @param signedBytes the same for security refusals of verified envelopes (expired, clock ahead, a bad payload, a
 *                    sender mismatch), kept for the full retention: default 128 MB
 * @param window      default one day, from the producer's first letter in it
 */
@ConfigurationProperties("jukibus.dead-letters.unopened")
public record UnopenedDeadLetterProperties(@DefaultValue("100000") int count, @DefaultValue("32MB") DataSize bytes,
                                           @DefaultValue("128MB") DataSize signedBytes,
                                           @DefaultValue("1d") Duration window) {

    public UnopenedDeadLetters.Bound bound() {
        return new UnopenedDeadLetters.Bound(count, bytes.toBytes(), signedBytes.toBytes(), window);
    }
}
