package org.jukibus.logging;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the one Flyway warning every node start would print: "outOfOrder mode is active … may not be reproducible".
 * Out-of-order is on by design (common migrations are numbered below a role's, db/migration/README.md), so the
 * warning says nothing; every other Flyway warning still shows, which a level of ERROR for Flyway's migrate command
 * would hide.
 */
final class OutOfOrderNotice extends TurboFilter {

    static final String LOGGER = "org.flywaydb.core.internal.command.DbMigrate";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return level == Level.WARN && logger.getName().equals(LOGGER) && format != null
                && format.startsWith("outOfOrder mode is active") ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
