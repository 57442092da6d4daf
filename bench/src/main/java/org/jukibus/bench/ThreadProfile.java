package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a process's CPU and context switches went over a window, by thread pool (issue 19: "the profile that shows
 * where the time goes" when the idle target is missed). Read from /proc/PID/task/TID before and after: {@code comm}
 * (the thread's name, cut to 15 characters by the kernel), user and system time ({@code stat} fields 14 and 15) and
 * the voluntary and involuntary context switches ({@code status}). Threads of one pool are grouped by their name
 * without its trailing number ("kibus-forward-4" and "kibus-forward-2" are "kibus-forward"). A thread started in the
 * window counts from zero; one that ended in it takes its counts with it (a lower bound, never negative).
 */
final class ThreadProfile {

    /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
    static final long TICK_NANOS = 10_000_000L;

    private static final Pattern TRAILING_NUMBER = Pattern.compile("[-_ #:.\\[\\]]*\\d+[\\]]*$");

    /** Artemis names its pools' threads "Thread-N (pool)", some pools with an object's identity after an "@". */
    private static final Pattern ARTEMIS_THREAD = Pattern.compile("^Thread-\\d+ \\((.*?)(@[0-9a-f]+)?\\)$");

    /** A thread line of {@code jcmd PID Thread.print}: its name in quotes, then its kernel id after "nid=". */
    private static final Pattern JCMD_THREAD = Pattern.compile("^\"(.*)\" .*nid=(0x[0-9a-f]+|\\d+)");

    /** One thread's counters at one read. */
    record Task(String name, long userTicks, long systemTicks, long voluntary, long involuntary) {

        Task minus(Task before) {
            return new Task(name, Math.max(0, userTicks - before.userTicks), Math.max(0, systemTicks - before.systemTicks),
                    Math.max(0, voluntary - before.voluntary), Math.max(0, involuntary - before.involuntary));
        }
    }

    /** A pool's (or a lone thread's) share of the window: its threads and what they used, summed. */
    record Group(String name, int threads, long userTicks, long systemTicks, long voluntary, long involuntary) {

        long cpuTicks() {
            return userTicks + systemTicks;
        }

        Group plus(Group other) {
            return new Group(name, Math.max(threads, other.threads), userTicks + other.userTicks, systemTicks + other.systemTicks,
                    voluntary + other.voluntary, involuntary + other.involuntary);
        }
    }

    /** What the process's threads did between two reads, by group; windows add up ({@link #plus}). */
    record Delta(Map<String, Group> groups, long wallNanos) {

        static final Delta EMPTY = new Delta(Map.of(), 0);

        Delta plus(Delta other) {
            Map<String, Group> sum = new HashMap<>(groups);
            other.groups.forEach((k, g) -> sum.merge(k, g, Group::plus));
            return new Delta(sum, wallNanos + other.wallNanos);
        }

        long userTicks() {
            return groups.values().stream().mapToLong(Group::userTicks).sum();
        }

        long systemTicks() {
            return groups.values().stream().mapToLong(Group::systemTicks).sum();
        }

        long voluntary() {
            return groups.values().stream().mapToLong(Group::voluntary).sum();
        }

        long involuntary() {
            return groups.values().stream().mapToLong(Group::involuntary).sum();
        }

        long switches() {
            return voluntary() + involuntary();
        }

        /** The groups that used CPU or switched, most CPU first (then most switches). */
        List<Group> top(int n) {
            return groups.values().stream().filter(g -> g.cpuTicks() > 0 || g.voluntary() + g.involuntary() > 0)
                    .sorted(Comparator.comparingLong(Group::cpuTicks).reversed()
                            .thenComparing(Comparator.comparingLong((Group g) -> g.voluntary() + g.involuntary()).reversed()))
                    .limit(n).toList();
        }

        /**
         * One line: user / system share of a core and voluntary / involuntary switches per second, then the top
         * groups, each "name ×threads cpu% (switches/s)".
         */
        String describe(int n) {
            if (wallNanos <= 0) {
                return "—";
            }
            double seconds = wallNanos / 1e9;
            String head = String.format("user %.2f%% / system %.2f%% of a core; switches %,.0f/s voluntary, %,.0f/s involuntary",
                    share(userTicks()), share(systemTicks()), voluntary() / seconds, involuntary() / seconds);
            String top = top(n).stream().map(g -> String.format("%s%s %.2f%% (%,.0f/s)", g.name(), g.threads() > 1 ? " ×" + g.threads() : "",
                    share(g.cpuTicks()), (g.voluntary() + g.involuntary()) / seconds)).collect(Collectors.joining(", "));
            return head + "; by thread: " + (top.isEmpty() ? "none" : top);
        }

        private double share(long ticks) {
            return ticks * TICK_NANOS * 100.0 / wallNanos;
        }
    }

    private ThreadProfile() {
    }

    /** Each thread the process has now, by thread id; empty when not on Linux or the process has gone. */
    static Map<String, Task> read(long pid) {
        Map<String, Task> byThread = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                Task t = task(task);
                if (t != null) {
                    byThread.put(task.getFileName().toString(), t);
                }
            });
        } catch (IOException e) {
            // not Linux, or the process has gone
        }
        return byThread;
    }

    /** What happened between two reads of one process, grouped by pool. */
    static Delta between(Map<String, Task> before, Map<String, Task> after, long wallNanos) {
        return between(before, after, wallNanos, Map.of());
    }

    /**
     * What happened between two reads of one process, grouped by pool; a thread named in {@code javaNames} (by thread
     * id) by that name, else by the kernel's.
     */
    static Delta between(Map<String, Task> before, Map<String, Task> after, long wallNanos, Map<String, String> javaNames) {
        Map<String, Group> groups = new LinkedHashMap<>();
        after.forEach((tid, now) -> {
            Task was = before.get(tid);
            Task d = was == null || !was.name().equals(now.name()) ? now : now.minus(was);
            String pool = group(javaNames.getOrDefault(tid, now.name()));
            groups.merge(pool, new Group(pool, 1, d.userTicks(), d.systemTicks(), d.voluntary(), d.involuntary()),
                    (a, b) -> new Group(a.name(), a.threads() + 1, a.userTicks() + b.userTicks(), a.systemTicks() + b.systemTicks(),
                            a.voluntary() + b.voluntary(), a.involuntary() + b.involuntary()));
        });
        return new Delta(groups, wallNanos);
    }

    /**
     * A thread's pool: its name without the trailing number ("C2 CompilerThread0" is "C2 CompilerThread"), an Artemis
     * pool's thread by its pool ("Thread-3 (ActiveMQ-scheduled-threads)" is "ActiveMQ-scheduled-threads").
     */
    static String group(String name) {
        Matcher artemis = ARTEMIS_THREAD.matcher(name);
        String g = TRAILING_NUMBER.matcher(artemis.matches() ? artemis.group(1) : name).replaceFirst("");
        return g.isEmpty() ? name : g;
    }

    /**
     * The JVM's own names of its threads by kernel thread id, from {@code jcmd PID Thread.print} (the kernel's
     * {@code comm} keeps 15 characters: every Artemis thread reads "Thread-N (Activ"); empty when jcmd is not there or
     * does not answer in time, and then the names stay the kernel's. Read once, after the windows: the attach
     * starts a thread in the node's JVM.
     */
    static Map<String, String> javaNames(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Map.of();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
            Map<String, String> names = new HashMap<>();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> {
                    Matcher m = JCMD_THREAD.matcher(line);
                    if (m.find()) {
                        String nid = m.group(2);
                        names.put(String.valueOf(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid)), m.group(1));
                    }
                });
            }
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return names;
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    private static Task task(Path task) {
        try {
            String name = Files.readString(task.resolve("comm")).trim();
            String stat = Files.readString(task.resolve("stat"));
            // after the ")" closing the thread's name: state (field 3) ... utime (14), stime (15)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long voluntary = 0;
            long involuntary = 0;
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return new Task(name, Long.parseLong(fields[11]), Long.parseLong(fields[12]), voluntary, involuntary);
        } catch (IOException | RuntimeException e) {
            return null; // the thread ended while being read
        }
    }
}
