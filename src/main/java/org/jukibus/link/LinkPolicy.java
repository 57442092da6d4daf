package org.jukibus.link;

import java.time.Duration;

/**
 * How lines to peers behave (keys {@code jukibus.link.*}, see docs/configuration.md).
 *
 * @param callTimeout   a send (or a connect) that takes longer counts as a failed line
 * @param maxOpen       peer connections kept open at once
 * @param primaryRetry  how long a line on a peer's backup endpoint stays there before it tries the primary again
 * @param retryInterval how often a peer whose lines all failed is tried again; meanwhile sends to it fail at once
 */
public record LinkPolicy(Duration callTimeout, int maxOpen, Duration primaryRetry, Duration retryInterval) {
}
