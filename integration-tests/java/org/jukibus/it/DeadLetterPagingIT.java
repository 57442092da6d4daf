package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-letter erasure and {@code jukibus dlq purge} on a dead-letter queue that pages (after a long outage or a
 * mass refusal: thousands of letters of up to 1 MiB): every letter they are to remove goes, page files included, every
 * other stays (once), and the queue is not read into the heap. A node's broker from the municipal broker.xml as shipped
 * runs in a process of its own ({@link PagedDeadLetterBroker}) at 192 MB of heap with 64 MiB kept live for the rest of
 * the node, and 200 MiB of letters of 512 KiB: 20 MiB of young letters at the head (more than the broker reads back of
 * its page files, 10 MiB), then letters past their term between young ones of two flows.
 *
 * <p>The control: the broker's own {@code removeMessages(filter)}, which the erasure and the purge used before, dies
 * of OutOfMemoryError on the same queue (it reads every paged letter that does not match back into memory).
 */
@Tag("slow")
class DeadLetterPagingIT {

    static final String HEAP = "-Xmx192m";
    static final int NODE_MIB = 64;
    static final int LETTER_BYTES = 512 * 1024;

    @TempDir
    Path dir;

    @Test
    void erasure_and_purge_remove_every_paged_letter_they_pick_keep_every_other_and_do_not_read_the_queue_into_the_heap() throws Exception {
        Run run = run("sweep");
        assertThat(run.exit()).as("exit status (3: OutOfMemoryError or a failure):\n" + run.tail()).isZero();
        Map<String, String> r = run.results();
        assertThat(r.get("paged")).as("jukibus.dlq paged to disk").isEqualTo("true");
        assertThat(r.get("pastTerm")).isEqualTo("180");
        assertThat(r.get("erased")).as("letters past their term erased").isEqualTo("180");
        // none past its term left, each young letter still there exactly once
        assertThat(r.get("afterErasure")).isEqualTo("{young-a=130,young-b=90},twice=0");
        assertThat(r.get("purged")).as("flow b's letters purged").isEqualTo("90");
        assertThat(r.get("purgeComplete")).isEqualTo("true");
        assertThat(r.get("afterPurge")).isEqualTo("{young-a=130},twice=0");
        assertThat(r.get("depthAfter")).isEqualTo("130");
    }

    @Test
    void the_brokers_own_remove_by_filter_reads_the_paged_queue_into_the_heap() throws Exception {
        Run run = run("broker");
        assertThat(run.results().get("paged")).as("jukibus.dlq paged to disk").isEqualTo("true");
        assertThat(run.output()).as("the control dies of OutOfMemoryError:\n" + run.tail()).contains("OutOfMemoryError");
        assertThat(run.exit()).isNotZero();
    }

    private record Run(String output, int exit, Map<String, String> results) {
        String tail() {
            String[] lines = output.split("\n");
            return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 30), lines.length));
        }
    }

    private Run run(String mode) throws Exception {
        Path log = dir.resolve("paged-dlq-" + mode + ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djukibus.dlq.node-mib=" + NODE_MIB,
                "-cp", System.getProperty("java.class.path"), PagedDeadLetterBroker.class.getName(),
                Path.of("broker-config").toAbsolutePath().toString(), dir.resolve("broker").toString(), mode,
                Integer.toString(LETTER_BYTES));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(240, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Map<String, String> results = ForkedBroker.results(output);
        System.out.println("DeadLetterPagingIT " + mode + ": " + results);
        assertThat(ended).as(mode + ": the broker process ended (it stalled otherwise)").isTrue();
        return new Run(output, process.exitValue(), results);
    }
}
