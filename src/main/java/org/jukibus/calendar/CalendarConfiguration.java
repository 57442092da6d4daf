package org.jukibus.calendar;

import java.nio.file.Path;
import java.time.ZoneId;

import org.jukibus.core.NodeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The node's operating calendar ({@link CalendarFile}): {@code jukibus.calendar.file}, by default
 * {@code ${jukibus.home}/calendar.yaml}; its zone when the file names none is {@code jukibus.identity.zone}.
 */
@Configuration(proxyBeanMethods = false)
public class CalendarConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CalendarConfiguration.class);

    @Bean
    CalendarFile operatingCalendar(NodeSettings settings, @Value("${jukibus.calendar.file:}") String file,
                                   @Value("${jukibus.identity.zone:Asia/Tokyo}") ZoneId zone) {
        Path path = file.isBlank() ? settings.home().resolve("calendar.yaml") : Path.of(file);
        CalendarFile calendar = new CalendarFile(path, zone);
        if (!java.nio.file.Files.isRegularFile(path)) {
            log.warn("no operating calendar at {}: every day counts as an operating day, business from 08:30 "
                    + "(jukibus.calendar.file, docs/operations.md)", path.toAbsolutePath());
        }
        return calendar;
    }

    /** A meter binder: Boot binds it to the node's registry. */
    @Bean
    CalendarMetrics calendarMetrics(CalendarFile operatingCalendar, java.time.Clock clock) {
        return new CalendarMetrics(operatingCalendar, clock);
    }
}
