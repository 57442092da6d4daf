package org.jukibus.link;

import java.time.Duration;

import org.jukibus.core.NodeProperties;

/**
 * How lines to peers behave (keys {@code jukibus.link.*}, see docs/configuration.md).
 *
 * @param callTimeout   a send (or a connect) that takes longer counts as a failed line
 * @param maxOpen       peer connections kept open at once
 * @param primaryRetry  how long a line on a peer's backup endpoint stays there before it tries the primary again
 * @param retryInterval how often a peer whose lines all failed is tried again; meanwhile sends to it fail at once
 * @param slowAfter     confirmations slower than this (and much slower than the other peers' of the same batch) mark a
 *                      peer slow ({@link PeerLinks#slow}): its messages no longer ride in shared batches
 */
public record LinkPolicy(Duration callTimeout, int maxOpen, Duration primaryRetry, Duration retryInterval, Duration slowAfter) {

    /** At 0 or below every peer would be slow at its first send: refused (the node does not start). */
    public LinkPolicy {
        if (slowAfter == null || slowAfter.isZero() || slowAfter.isNegative()) {
            throw new IllegalArgumentException("jukibus.link.slow-confirmation must be above 0, not " + slowAfter);
        }
    }

    /** With {@code jukibus.link.slow-confirmation}'s default ({@link NodeProperties.Link}, defined there only). */
    public LinkPolicy(Duration callTimeout, int maxOpen, Duration primaryRetry, Duration retryInterval) {
        this(callTimeout, maxOpen, primaryRetry, retryInterval, new NodeProperties.Link().getSlowConfirmation());
    }
}
