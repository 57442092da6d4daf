package org.jukibus.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of an operation log directory: {@code operations-<yyyyMMdd>-<first sequence number>.jsonl}, one
 * JSON line per entry (a new file each UTC day and when a file reaches its size limit), and {@value #HEAD},
 * a copy of the latest seal, by which a verifier notices a log cut short.
 */
final class LogFiles {

    static final String HEAD = "head.json";
    private static final Pattern NAME = Pattern.compile("operations-(\\d{8})-(\\d{12})\\.jsonl");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    /** Longest line a reader accepts: an entry is far shorter; anything longer is not an entry. */
    static final int MAX_LINE = 64 * 1024;

    private LogFiles() {
    }

    static String name(LocalDate day, long firstSeq) {
        return String.format("operations-%s-%012d.jsonl", DAY.format(day), firstSeq);
    }

    static LocalDate day(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an operation log file: " + file);
        }
        return LocalDate.parse(m.group(1), DAY);
    }

    /** The log files in {@code dir}, in sequence order. */
    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted(Comparator.comparingLong(LogFiles::firstSeq).thenComparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    private static long firstSeq(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(2)) : Long.MAX_VALUE;
    }

    /** A line of a log file; {@code terminated} is false for a last line without its line end (cut off). */
    record Line(Path file, int number, String text, boolean terminated) {
        String where() {
            return file.getFileName() + ":" + number;
        }
    }

    interface LineConsumer {
        void accept(Line line) throws IOException;
    }

    /** Streams the lines of a file (UTF-8, '\n' ends a line); a line longer than {@value #MAX_LINE} bytes is cut there. */
    static void read(Path file, LineConsumer consumer) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            int number = 0;
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    consumer.accept(new Line(file, ++number, line.toString(StandardCharsets.UTF_8), true));
                    line.reset();
                } else if (line.size() < MAX_LINE) {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                consumer.accept(new Line(file, ++number, line.toString(StandardCharsets.UTF_8), false));
            }
        }
    }
}
