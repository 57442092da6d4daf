package org.jukibus.adapter.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ScheduledPollConsumerScheduler;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drop folder read by a file consumer whose timer alone would look only once a minute: files arriving
 * are picked up at once, also more than one poll's worth of them.
 */
class DropFolderSchedulerTest {

    @TempDir
    Path dir;

    @Test
    void a_file_arriving_is_read_at_once_not_at_the_next_timed_look() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        BlockingQueue<String> read = new LinkedBlockingQueue<>();
        try (DefaultCamelContext camel = reading("file:" + inbox + "?scheduler=#dropFolderScheduler&delay=60000&initialDelay=0&greedy=true&maxMessagesPerPoll=5&delete=true",
                e -> read.add(e.getMessage().getHeader("CamelFileName", String.class)))) {
            Thread.sleep(500); // the first timed look has passed: from now on the timer would wait a minute

            Files.writeString(inbox.resolve("one.xml"), "<a/>");
            assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo("one.xml");

            // twelve files at once: more than one look takes (5), all read without waiting for the timer
            for (int i = 0; i < 12; i++) {
                Files.writeString(inbox.resolve("n" + i + ".xml"), "<a/>");
            }
            for (int i = 0; i < 12; i++) {
                assertThat(read.poll(5, TimeUnit.SECONDS)).as("file %d of 12", i + 1).isNotNull();
            }
            assertThat(read).isEmpty();
        }
    }

    @Test
    void a_file_left_in_the_folder_by_a_look_is_looked_at_again_within_a_second_not_at_the_safety_look() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        List<Long> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        BlockingQueue<String> read = new LinkedBlockingQueue<>();
        // the safety look once a minute; a failed exchange leaves its file where it is (no moveFailed), as an outage's
        // file waits in the folder (WaitingFileStrategy)
        try (DefaultCamelContext camel = reading("file:" + inbox + "?scheduler=#dropFolderScheduler&delay=60000&initialDelay=0&include=.*\\.xml&delete=true",
                e -> {
                    attempts.add(System.nanoTime());
                    if (attempts.size() == 1) {
                        throw new IllegalStateException("the node is not ready yet");
                    }
                    read.add(e.getMessage().getHeader("CamelFileName", String.class));
                })) {
            Thread.sleep(500); // the first timed look has passed on an empty folder

            arrive(inbox, "late.xml"); // one inotify event: one wake, one look
            // that look's try fails and leaves the file; the look after it comes a second later, not at the safety look
            assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo("late.xml");
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(1) - attempts.get(0)).as("the second try comes from the busy look, a second later")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(800));
            // deleted once its exchange completes, just after the processor ran
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(inbox.resolve("late.xml")));
        }
    }

    @Test
    void after_the_route_is_stopped_and_started_a_file_left_is_still_looked_at_every_second() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger attempts = new AtomicInteger();
        BlockingQueue<String> read = new LinkedBlockingQueue<>();
        try (DefaultCamelContext camel = reading("file:" + inbox + "?scheduler=#dropFolderScheduler&delay=60000&initialDelay=0&include=.*\\.xml&delete=true",
                e -> {
                    attempts.incrementAndGet();
                    if (down.get()) {
                        throw new IllegalStateException("the node is not ready yet");
                    }
                    read.add(e.getMessage().getHeader("CamelFileName", String.class));
                })) {
            arrive(inbox, "waiting.xml");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 2); // busy looks under way
            String route = camel.getRoutes().get(0).getRouteId();
            camel.getRouteController().stopRoute(route); // drops the busy look queued on the reader's executor
            camel.getRouteController().startRoute(route); // its first look fails again (still down)
            int before = attempts.get();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() > before);

            down.set(false);
            assertThat(read.poll(3, TimeUnit.SECONDS)).as("taken at a busy look, not the safety look a minute later")
                    .isEqualTo("waiting.xml");
        }
    }

    /** Moves a file into {@code inbox} as a legacy system should (written elsewhere, renamed in): one inotify event. */
    private void arrive(Path inbox, String name) throws Exception {
        Path written = Files.writeString(dir.resolve(name + ".part"), "<a/>");
        Files.move(written, inbox.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void an_empty_folder_is_looked_at_only_at_its_safety_look() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(inbox.resolve("notes.txt"), "not a legacy file: never taken, never a reason to look again");
        Files.writeString(inbox.resolve(".half-written.xml"), "<a"); // hidden: Camel never takes it either
        AtomicInteger looks = new AtomicInteger();
        // every look that finds nothing sends an empty exchange: they are the looks
        try (DefaultCamelContext camel = reading("file:" + inbox + "?scheduler=#dropFolderScheduler&delay=60000&initialDelay=0&include=.*\\.xml"
                + "&sendEmptyMessageWhenIdle=true", e -> looks.incrementAndGet())) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> looks.get() >= 1);
            Thread.sleep(3000);
            assertThat(looks).as("looks in 3 s after the first").hasValue(1);
        }
    }

    @Test
    void a_file_a_killed_node_had_claimed_is_read_at_the_next_start() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        // a node killed between the two renames of readLock=rename left these behind
        Files.writeString(inbox.resolve("claimed.xml" + StrandedClaims.CLAIM_SUFFIX), "<claimed/>");
        Files.writeString(inbox.resolve("twice.xml" + StrandedClaims.CLAIM_SUFFIX), "<old/>");
        Files.writeString(inbox.resolve("twice.xml"), "<new/>");
        BlockingQueue<String> read = new LinkedBlockingQueue<>();
        // the legacy intake's options
        try (DefaultCamelContext camel = reading("file:" + inbox + "?scheduler=#dropFolderScheduler&delay=60000&include=.*\\.xml&readLock=rename"
                + "&readLockTimeout=100&readLockCheckInterval=20&readLockMarkerFile=false&delete=true", e -> read.add(e.getMessage().getBody(String.class)))) {
            assertThat(List.of(read.poll(5, TimeUnit.SECONDS), read.poll(5, TimeUnit.SECONDS))).containsExactlyInAnyOrder("<claimed/>", "<new/>");
            assertThat(read.poll(1, TimeUnit.SECONDS)).isNull();
        }
        // the new twice.xml did not overwrite the claimed one: it waits for the operator, under a name never read
        assertThat(inbox.resolve("twice.xml.stranded")).hasContent("<old/>");
        assertThat(inbox.resolve("claimed.xml")).doesNotExist();
    }

    /** A started Camel whose one route reads {@code uri} with the node's drop-folder scheduler (a prototype bean: one per consumer). */
    private static DefaultCamelContext reading(String uri, Processor each) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        WaitingFiles waiting = new WaitingFiles(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(5),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        camel.getRegistry().bindAsPrototype("dropFolderScheduler", ScheduledPollConsumerScheduler.class, () -> new DropFolderScheduler(waiting));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(each);
            }
        });
        camel.start();
        return camel;
    }
}
