package org.jukibus.calendar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The operating calendar as the operator keeps it, a YAML file ({@code jukibus.calendar.file}, by default
 * {@code ${jukibus.home}/calendar.yaml}; docs/operations.md, example {@code docs/calendar-2027.yaml}):
 *
 * <pre>{@code
 * zone: Asia/Tokyo
 * opening: "08:30"          # 業務開始
 * closing: "17:15"          # 業務終了 (leave out: operated around the clock)
 * days-off: [SATURDAY, SUNDAY]
 * holidays:                 # national holidays and the year-end days: the operator's data
 *   - 2027-01-01
 * }</pre>
 *
 * Read at start (a file that cannot be read stops the node, naming what is wrong) and again whenever it changes;
 * a changed file that cannot be read is logged and the calendar read before stays in force. No file: every day is an
 * operating day ({@link OperatingCalendar#everyDay}).
 */
public final class CalendarFile implements Supplier<OperatingCalendar> {

    private static final Logger log = LoggerFactory.getLogger(CalendarFile.class);
    private static final Set<String> KEYS = Set.of("zone", "opening", "closing", "days-off", "holidays");
    private static final int MAX_BYTES = 256 * 1024;

    private final Path file;
    private final ZoneId defaultZone;
    private volatile OperatingCalendar current;
    private volatile FileTime readAt;

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public CalendarFile(Path file, ZoneId defaultZone) {
        this.file = file;
        this.defaultZone = defaultZone;
        this.readAt = modified();
        this.current = read();
    }

    /** The calendar in force: the file as it is now, or as it was last readable. */
    @Override
    public OperatingCalendar get() {
        FileTime now = modified();
        if (!java.util.Objects.equals(now, readAt)) {
            readAt = now;
            try {
                current = read();
                log.info("operating calendar {} read again", file);
            } catch (IllegalArgumentException e) {
                log.error("operating calendar {} changed but cannot be read, the calendar read before stays in force: {}",
                        file, e.getMessage());
            }
        }
        return current;
    }

    public Path file() {
        return file;
    }

    private FileTime modified() {
        try {
            return Files.isRegularFile(file) ? Files.getLastModifiedTime(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private OperatingCalendar read() {
        if (!Files.isRegularFile(file)) {
            return OperatingCalendar.everyDay(defaultZone);
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), defaultZone);
        } catch (IOException | IllegalArgumentException | DateTimeException | org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException("operating calendar " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the YAML text of a calendar file. */
    static OperatingCalendar parse(String yaml, ZoneId defaultZone) {
        LoaderOptions options = new LoaderOptions();
        Object loaded = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options, new TextResolver()).load(yaml);
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("not a map of zone, opening, closing, days-off, holidays");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: " + new TreeSet<>(KEYS) + ")");
            }
        }
        ZoneId zone = map.get("zone") == null ? defaultZone : ZoneId.of(String.valueOf(map.get("zone")));
        LocalTime opening = time(map.get("opening"), "opening");
        if (opening == null) {
            throw new IllegalArgumentException("opening (業務開始, e.g. \"08:30\") is missing");
        }
        LocalTime closing = time(map.get("closing"), "closing");
        Set<DayOfWeek> daysOff = EnumSet.noneOf(DayOfWeek.class);
        for (Object d : list(map.get("days-off"), "days-off")) {
            try {
                daysOff.add(DayOfWeek.valueOf(String.valueOf(d).trim().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("days-off: '" + d + "' is not a day of the week (MONDAY … SUNDAY)");
            }
        }
        TreeSet<LocalDate> holidays = new TreeSet<>();
        for (Object h : list(map.get("holidays"), "holidays")) {
            holidays.add(date(h));
        }
        return new OperatingCalendar(zone, opening, closing, daysOff, holidays);
    }

    /**
     * Times and dates stay text, checked here: YAML 1.1 would read 17:15 as the number 1035 (base 60) and 2027-02-30
     * as a lenient timestamp (March 2nd).
     */
    private static final class TextResolver extends Resolver {
        @Override
        public Tag resolve(NodeId kind, String value, boolean implicit) {
            Tag tag = super.resolve(kind, value, implicit);
            return tag.equals(Tag.TIMESTAMP) || tag.equals(Tag.INT) && value.contains(":") ? Tag.STR : tag;
        }
    }

    private static List<?> list(Object value, String key) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> l)) {
            throw new IllegalArgumentException(key + " must be a list");
        }
        return l;
    }

    private static LocalTime time(Object value, String key) {
        if (value == null) {
            return null;
        }
        try {
            return LocalTime.parse(String.valueOf(value).trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a time HH:MM");
        }
    }

    private static LocalDate date(Object value) {
        try {
            return LocalDate.parse(String.valueOf(value).trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("holidays: '" + value + "' is not a date YYYY-MM-DD");
        }
    }
}
