package org.jukibus.adapter.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ScheduledPollConsumerScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drop folder read with the legacy intake's options while the node is in an outage: the file that fails on it stays
 * where the legacy system put it (not in error/, not in sent/), the folder takes one file per retry meanwhile, a bad
 * file is still refused into error/, and once the outage has passed every waiting file is taken exactly once.
 */
class WaitingFilesTest {

    @TempDir
    Path dir;

    /** What the node's outage looks like to the route here (flow.LegacyInputOutages decides in the node). */
    static final class Outage extends Exception {
        Outage() {
            super("store down");
        }
    }

    @Test
    void files_dropped_during_an_outage_stay_in_the_folder_and_are_taken_once_when_it_passes() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox/transfer-in"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WaitingFiles waiting = new WaitingFiles(Clock.systemUTC(), Duration.ofMillis(300), registry);
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger tries = new AtomicInteger();
        Map<String, Integer> sent = new ConcurrentHashMap<>();

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bindAsPrototype("dropFolderScheduler", ScheduledPollConsumerScheduler.class,
                    () -> new DropFolderScheduler(waiting));
            camel.getRegistry().bind("waitingFiles", waiting);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // as routes/common/error-handling.yaml, legacy-input-errors
                    onException(Exception.class).onWhen(e -> {
                        Exception failure = e.getException() != null ? e.getException() : e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                        if (failure instanceof Outage || failure instanceof WaitingFiles.FolderWaiting) {
                            e.setProperty(WaitingFiles.WAITS, failure.getMessage());
                            return true;
                        }
                        return false;
                    }).handled(true);
                    // as routes/common/flow-templates.yaml, legacy-intake
                    from("file:" + inbox + "?scheduler=#dropFolderScheduler&delay=50&greedy=true&maxMessagesPerPoll=200"
                            + "&include=.*\\.xml&move=../../sent/transfer-in/${file:name}&moveFailed=../../error/transfer-in/${file:name}"
                            + "&readLock=rename&readLockTimeout=100&readLockCheckInterval=20&readLockMarkerFile=false")
                            .threads(4, 4)
                            .process(e -> {
                                tries.incrementAndGet();
                                String body = e.getMessage().getBody(String.class);
                                if (body.contains("bad")) {
                                    throw new IllegalArgumentException("SCHEMA: not a notice");
                                }
                                waiting.check(e); // as flow.LegacyIntake, once the file is checked
                                if (down.get()) {
                                    Thread.sleep(20);
                                    throw new Outage();
                                }
                                sent.merge(e.getMessage().getHeader(Exchange.FILE_NAME, String.class), 1, Integer::sum);
                            });
                }
            });
            camel.start();

            Files.writeString(inbox.resolve("a.xml"), "<a/>");
            await().atMost(Duration.ofSeconds(5)).until(() -> waiting.waiting(inbox));
            for (int i = 0; i < 5; i++) {
                Files.writeString(inbox.resolve("n" + i + ".xml"), "<n/>");
            }
            Files.writeString(inbox.resolve("bad.xml"), "<bad/>");

            // the bad file is refused into error/ all the same; the others stay where they were dropped
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("error/transfer-in/bad.xml")));
            Thread.sleep(1000); // some tries of the waiting folder, one file at a time
            assertThat(names(inbox)).containsExactlyInAnyOrder("a.xml", "n0.xml", "n1.xml", "n2.xml", "n3.xml", "n4.xml");
            assertThat(dir.resolve("error/transfer-in")).isDirectoryNotContaining("glob:**/{a,n*}.xml");
            assertThat(dir.resolve("sent")).doesNotExist();
            assertThat(sent).isEmpty();
            assertThat(tries.get()).as("each new file checked once, then one try per retry, not a busy loop").isLessThan(25);
            assertThat(registry.get("jukibus.drop.folder.outage").tag("folder", "transfer-in").gauge().value()).isEqualTo(1);
            assertThat(waiting.backlog(inbox).files()).isEqualTo(6);

            // the outage passes: every file is taken, each once, and the folder is empty
            down.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 6 && names(inbox).isEmpty());
            assertThat(sent.values()).containsOnly(1);
            assertThat(names(dir.resolve("sent/transfer-in"))).containsExactlyInAnyOrder("a.xml", "n0.xml", "n1.xml", "n2.xml",
                    "n3.xml", "n4.xml");
            assertThat(waiting.waiting(inbox)).isFalse();
            assertThat(registry.get("jukibus.drop.folder.outage").tag("folder", "transfer-in").gauge().value()).isZero();
        }
    }

    @Test
    void the_gauges_count_the_folders_files_and_the_oldest_ones_age_by_the_node_clock() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox/transfer-in"));
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WaitingFiles waiting = new WaitingFiles(Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(5), registry);
        Files.writeString(inbox.resolve("old.xml"), "<a/>");
        Files.setLastModifiedTime(inbox.resolve("old.xml"), FileTime.from(now.minus(Duration.ofMinutes(90))));
        Files.writeString(inbox.resolve("new.xml"), "<a/>");
        Files.setLastModifiedTime(inbox.resolve("new.xml"), FileTime.from(now.minus(Duration.ofMinutes(1))));
        Files.writeString(inbox.resolve("half.xml.part"), "<a"); // being written by the legacy system: not an input yet
        waiting.watch(inbox);

        assertThat(registry.get("jukibus.drop.folder.files").tag("folder", "transfer-in").gauge().value()).isEqualTo(2);
        assertThat(registry.get("jukibus.drop.folder.oldest.age").tag("folder", "transfer-in").gauge().value())
                .isEqualTo(90 * 60.0);
    }

    /**
     * analysis-merge11 L3: the age was the file's modification time against the node clock, clamped to 0, so with the
     * node clock behind (the legacy system's right) a file could wait for hours at age 0 and JukibusDropFolderWaiting
     * stayed silent. Now it counts on the node's monotonic time from the first listing.
     */
    @Test
    void a_files_age_counts_from_when_the_node_first_listed_it_whatever_the_node_clock_says() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox/transfer-in"));
        Instant behind = Instant.parse("2026-12-07T10:00:00Z"); // the node clock, two hours behind the legacy system's
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WaitingFiles waiting = new WaitingFiles(Clock.fixed(behind, ZoneOffset.UTC), Duration.ofSeconds(5), registry, nanos::get);
        Files.writeString(inbox.resolve("a.xml"), "<a/>");
        Files.setLastModifiedTime(inbox.resolve("a.xml"), FileTime.from(behind.plus(Duration.ofHours(2))));
        waiting.watch(inbox);
        assertThat(age(registry)).as("first listed now").isZero();

        nanos.addAndGet(Duration.ofMinutes(31).toNanos()); // the node clock stands still (or is behind): no matter
        Files.writeString(inbox.resolve("b.xml"), "<a/>");
        Files.setLastModifiedTime(inbox.resolve("b.xml"), FileTime.from(behind.minus(Duration.ofDays(3))));
        assertThat(age(registry)).as("a waited 31 minutes; b, seen only now, is not credited its modification time")
                .isEqualTo(31 * 60.0);
        assertThat(registry.get("jukibus.drop.folder.files").tag("folder", "transfer-in").gauge().value()).isEqualTo(2);

        Files.delete(inbox.resolve("a.xml")); // taken
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(age(registry)).as("b's age, from its first listing").isEqualTo(60.0);
    }

    /**
     * review-outage2 L1: a try whose exchange never ended (a failure between Camel's begin and its completion hook) kept
     * the folder's one try for good: no file was tried again until a restart. Now it is given up after TRY_GIVEN_UP.
     */
    @Test
    void a_try_that_never_ends_is_given_up_and_the_next_file_tried() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox/transfer-in"));
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        WaitingFiles waiting = new WaitingFiles(Clock.systemUTC(), Duration.ofSeconds(5), new SimpleMeterRegistry(), nanos::get);
        waiting.waits(inbox, "a.xml", 4, 1L, "store down", false, true); // the outage begins
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(waiting.mayTake(inbox, "a.xml", 4, 1L)).isEqualTo(WaitingFiles.Take.AS_TRY); // ... and never ends

        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(waiting.mayTake(inbox, "a.xml", 4, 1L)).as("the try is still under way").isEqualTo(WaitingFiles.Take.NOT_NOW);

        nanos.addAndGet(WaitingFiles.TRY_GIVEN_UP.toNanos());
        assertThat(waiting.mayTake(inbox, "a.xml", 4, 1L)).as("given up: tried again").isEqualTo(WaitingFiles.Take.AS_TRY);
        waiting.taken(inbox);
        assertThat(waiting.waiting(inbox)).isFalse();
    }

    private static double age(SimpleMeterRegistry registry) {
        return registry.get("jukibus.drop.folder.oldest.age").tag("folder", "transfer-in").gauge().value();
    }

    private static List<String> names(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml")).toList();
        }
    }
}
