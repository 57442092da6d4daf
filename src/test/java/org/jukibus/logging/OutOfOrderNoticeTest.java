package org.jukibus.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Only Flyway's out-of-order notice is dropped; its other warnings, and the same text elsewhere, still show: by the
 * filter alone, and by {@link NodeMdc}, the one turbo filter a node registers, which asks it.
 */
class OutOfOrderNoticeTest {

    @Test
    void drops_the_out_of_order_notice_and_nothing_else() {
        dropsOnlyTheNotice(new OutOfOrderNotice());
    }

    @Test
    void the_node_filter_drops_it_too() {
        dropsOnlyTheNotice(new NodeMdc());
    }

    private static void dropsOnlyTheNotice(ch.qos.logback.classic.turbo.TurboFilter filter) {
        LoggerContext context = new LoggerContext();
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);

        Logger migrate = context.getLogger(OutOfOrderNotice.LOGGER);
        migrate.warn("outOfOrder mode is active. Migration of schema \"public\" may not be reproducible.");
        migrate.warn("Schema \"public\" has a version (200) that is newer than the latest available migration (191) !");
        migrate.info("outOfOrder mode is active, said at INFO");
        context.getLogger("org.jukibus.store").warn("outOfOrder mode is active: quoted by someone else");

        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Schema \"public\" has a version (200) that is newer than the latest available migration (191) !",
                "outOfOrder mode is active, said at INFO",
                "outOfOrder mode is active: quoted by someone else");
    }
}
