package org.jukibus.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a legacy outbox holds, counted by the id inside each file rather than by file name: a
 * second envelope for the same notice (a new message id) would have a new name, but not a new
 * NoticeId.
 *
 * @param files      files in the outbox
 * @param distinct   distinct ids among them
 * @param lost       expected ids not there
 * @param duplicated files beyond the first for the same id
 * @param unexpected ids there that nobody sent
 */
record OutboxTally(long files, long distinct, long lost, long duplicated, long unexpected) {

    static final Pattern NOTICE_ID = Pattern.compile("<NoticeId>([^<]+)</NoticeId>");
    static final Pattern RECEIVED_MESSAGE_ID = Pattern.compile("<ReceivedMessageId>([^<]+)</ReceivedMessageId>");

    /** Tallies {@code folder} by the first match of {@code id}; {@code expected} null means "don't know what was sent". */
    static OutboxTally of(Path folder, Pattern id, Collection<String> expected) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        long files = 0;
        for (Path f : xmlFiles(folder)) {
            Matcher m = id.matcher(Files.readString(f, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new AssertionError("no " + id + " in " + f);
            }
            seen.merge(m.group(1), 1, Integer::sum);
            files++;
        }
        long duplicated = seen.values().stream().mapToLong(c -> c - 1).sum();
        long lost = 0;
        long unexpected = 0;
        if (expected != null) {
            Set<String> want = new HashSet<>(expected);
            lost = want.stream().filter(e -> !seen.containsKey(e)).count();
            unexpected = seen.keySet().stream().filter(k -> !want.contains(k)).count();
        }
        return new OutboxTally(files, seen.size(), lost, duplicated, unexpected);
    }

    /** The expected ids not in {@code folder}, in the order expected. */
    static java.util.List<String> missing(Path folder, Pattern id, Collection<String> expected) throws IOException {
        Set<String> there = new HashSet<>();
        for (Path f : xmlFiles(folder)) {
            Matcher m = id.matcher(Files.readString(f, StandardCharsets.UTF_8));
            if (m.find()) {
                there.add(m.group(1));
            }
        }
        return expected.stream().filter(e -> !there.contains(e)).toList();
    }

    /** Delivered files ({@code *.xml}, not the hidden {@code .*.part} of a write in progress). */
    static long count(Path folder) throws IOException {
        return xmlFiles(folder).size();
    }

    private static java.util.List<Path> xmlFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return java.util.List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".xml") && !name.startsWith(".");
            }).toList();
        }
    }
}
