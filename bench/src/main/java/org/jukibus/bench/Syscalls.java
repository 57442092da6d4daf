package org.jukibus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * System calls of a set of processes over a run, counted by the kernel's syscall tracepoints through
 * {@code perf stat -p} (issue 19 item 2): the durable sync points ({@code fsync}, {@code fdatasync}: Artemis' journal
 * with journal-datasync, the operation log, the outbox and evidence files and their folders, PostgreSQL's WAL) and the
 * thread hand-offs ({@code futex}: each blocking in-VM JMS round trip parks the caller and wakes it). Counting costs the
 * processes almost nothing (no ptrace stop per call, unlike strace). It needs perf and tracepoint access (root, or
 * perf_event_paranoid -1); without them the run says "not measured". Threads and processes started after the attach are
 * counted too (perf's inherit), so PostgreSQL backends opened during the run count.
 */
final class Syscalls {

    /** The calls counted, by the name the report gives them. */
    static final Map<String, String> EVENTS = eventsByName();

    /** How long perf gets to attach before the run starts (it says nothing when it has). */
    private static final long ATTACH_MILLIS = 500;

    private final Process perf;
    private final Path output;

    private Syscalls(Process perf, Path output) {
        this.perf = perf;
        this.output = output;
    }

    private static Map<String, String> eventsByName() {
        Map<String, String> events = new LinkedHashMap<>();
        events.put("fsync", "syscalls:sys_enter_fsync");
        events.put("fdatasync", "syscalls:sys_enter_fdatasync");
        events.put("futex", "syscalls:sys_enter_futex");
        return events;
    }

    /** Starts counting the calls of {@code pids}; nothing is counted when perf cannot run or there is nothing to count. */
    static Syscalls start(List<Long> pids) {
        if (pids.isEmpty() || !Files.isExecutable(Path.of("/usr/bin/perf"))) {
            return new Syscalls(null, null);
        }
        try {
            Path output = Files.createTempFile("jukibus-bench-perf", ".csv");
            List<String> command = new ArrayList<>(List.of("/usr/bin/perf", "stat", "-x", ",", "-o", output.toString(),
                    "-e", String.join(",", EVENTS.values()), "-p", pids.stream().map(String::valueOf).collect(Collectors.joining(","))));
            Process perf = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new Syscalls(perf, output);
        } catch (IOException e) {
            return new Syscalls(null, null);
        }
    }

    /** Waits until the counters started by {@link #start} are attached. */
    static void awaitAttached() throws InterruptedException {
        Thread.sleep(ATTACH_MILLIS);
    }

    /** Stops counting (SIGINT: perf prints its counts then) and returns them by name; empty when nothing was counted. */
    Map<String, Long> stop() throws InterruptedException {
        if (perf == null) {
            return Map.of();
        }
        try {
            if (perf.isAlive()) {
                new ProcessBuilder("kill", "-INT", String.valueOf(perf.pid())).start().waitFor(10, TimeUnit.SECONDS);
            }
            if (!perf.waitFor(10, TimeUnit.SECONDS)) {
                perf.destroyForcibly();
                return Map.of();
            }
            return parse(Files.readAllLines(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Map.of();
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // a temporary file left behind
            }
        }
    }

    /**
     * perf's CSV lines ({@code value,unit,event,...}) by the report's names; a count perf could not take
     * ({@code <not counted>}, {@code <not supported>}) or a missing event leaves the result empty: all or nothing.
     */
    static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            if (f.length < 3) {
                continue;
            }
            for (Map.Entry<String, String> e : EVENTS.entrySet()) {
                if (f[2].equals(e.getValue())) {
                    try {
                        counts.put(e.getKey(), Long.parseLong(f[0].trim()));
                    } catch (NumberFormatException notCounted) {
                        return Map.of();
                    }
                }
            }
        }
        return counts.size() == EVENTS.size() ? counts : Map.of();
    }
}
