package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jukibus.broker.NodeBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long outage of a peer costs disk, never heap (docs/deployment.md): a node's broker from the municipal broker.xml as
 * shipped, in a process of its own at the 256 MB of heap the ITs give a whole node, with 100 MiB of it kept live for
 * the rest of the node, holds a backlog of 600 envelopes of about 1 MiB
 * (600 MB, regular messages, as identity updates travel) for a peer that is down, is killed, starts again from its
 * journal and pages, and forwards every envelope exactly once when the peer is up. Neither process may die of
 * OutOfMemoryError or stall, and the outbound address must have paged to disk.
 *
 * <p>The broker runs alone ({@link BacklogBroker}) rather than a whole node: a whole node makes 1 MiB envelopes only
 * from identity updates to a prefecture, which forwards them to central, three processes and 600,000 records recorded
 * twice, far beyond three minutes. The bound is the one the product ships: broker-config/municipal.xml, started by
 * {@link NodeBroker} with its start check.
 */
@Tag("slow")
class OutageBacklogIT {

    static final int ENVELOPES = 600;
    /** The largest envelope the node sends as a regular message, less room for its headers. */
    static final int ENVELOPE_BYTES = NodeBroker.MIN_LARGE_MESSAGE_BYTES - 64 * 1024;
    /** The heap the ITs give a whole node (NodeProcess). */
    static final String HEAP = "-Xmx256m";
    /**
     * What the rest of a node keeps live beside its broker: the benchmark's two municipal nodes and its driver held
     * 170 MB live after GC together (docs/deployment.md); 100 MiB for one node is on the safe side. Without the bound,
     * Artemis' default (half the heap, 124 MiB here) and this do not fit in 256 MB.
     */
    static final int NODE_MIB = 100;

    @TempDir
    Path dir;

    @Test
    void six_hundred_megabytes_for_a_peer_that_is_down_page_to_disk_survive_a_crash_and_arrive_exactly_once() throws Exception {
        Map<String, String> put = run("put", 120);
        assertThat(put.get("put")).as("envelopes put").isEqualTo(Integer.toString(ENVELOPES));
        assertThat(put.get("paged")).as("jukibus.outbound paged to disk while they were put").isEqualTo("true");
        assertThat(Long.parseLong(put.get("mostPageFiles"))).as("page files on disk").isPositive();

        Map<String, String> drain = run("drain", 120);
        // every one of the ids put (backlog-0 to backlog-599) and nothing else: none lost in the crash
        assertThat(drain.get("forwarded")).as("envelopes forwarded once the peer was up").isEqualTo(Integer.toString(ENVELOPES));
        assertThat(drain.get("unexpected")).as("envelopes nobody put").isEqualTo("0");
        assertThat(drain.get("duplicated")).as("envelopes forwarded twice").isEqualTo("0");
        assertThat(drain.get("depthAfter")).as("envelopes left in the outbound queue").isEqualTo("0");
        assertThat(drain.get("paged")).as("read back from its pages").isEqualTo("true");
    }

    /**
     * While a peer is down the forwarder takes its envelopes as they come and parks them (flow.ParkedEnvelopes; here the
     * batched forwarder's transactions and its flow.ForwardRetries#peerDown, driven by BacklogBroker without Camel):
     * a rolled-back envelope would wait out its redelivery delay in the broker's memory (Artemis' scheduled messages
     * count toward neither global-max-size nor max-read-page-bytes), and the whole backlog with it: this process died
     * of OutOfMemoryError while the envelopes were put. Parked, they stay in their pages; when the peer is back they
     * are moved back and forwarded, each exactly once.
     */
    @Test
    void a_forwarder_failing_for_a_down_peer_does_not_read_the_backlog_into_the_heap() throws Exception {
        Map<String, String> retry = run("retry", 20);
        assertThat(retry.get("failedSendsWhileDown")).as("the forwarder tried while the peer was down").isNotEqualTo("0");
        assertThat(Long.parseLong(retry.get("parkedWhileDown"))).as("envelopes parked while the peer was down")
                .isGreaterThan(ENVELOPES / 2);
        assertThat(retry.get("waiting")).as("envelopes waiting out a redelivery delay (in memory)").isEqualTo("0");
        assertThat(retry.get("forwarded")).as("envelopes forwarded once the peer was up").isEqualTo(Integer.toString(ENVELOPES));
        assertThat(retry.get("unexpected")).as("envelopes nobody put").isEqualTo("0");
        assertThat(retry.get("duplicated")).as("envelopes forwarded twice").isEqualTo("0");
        assertThat(retry.get("depthAfter")).as("envelopes left in the outbound and parking queues").isEqualTo("0");
        assertThat(retry.get("paged")).as("the backlog paged to disk (outbound or parked)").isEqualTo("true");
    }

    /**
     * An outage at the recipient (its outbox unwritable, its store down) while a backlog arrives: the delivery route's
     * consumers are suspended (flow.DeliverySuspension) and hold one envelope each, one tried at a time, so the backlog
     * stays in its pages; before, every envelope took its turn to fail and waited out its redelivery delay in the
     * broker's memory (Artemis counts such a message toward neither global-max-size nor max-read-page-bytes), and this
     * process died of OutOfMemoryError (mode "unsuspended" shows it). When the outbox is repaired, every envelope is
     * delivered once.
     */
    @Test
    void a_suspended_delivery_does_not_read_an_inbound_backlog_into_the_heap() throws Exception {
        Map<String, String> result = run(SuspendedDeliveryBroker.class, "suspended", 30, 300);
        assertThat(result.get("suspended")).as("the delivery was suspended while the outbox was broken").isEqualTo("1");
        assertThat(Long.parseLong(result.get("mostScheduled"))).as("envelopes waiting out a redelivery delay (in memory)")
                .isLessThanOrEqualTo(10);
        assertThat(Long.parseLong(result.get("mostDelivering"))).as("envelopes held by the consumers").isLessThanOrEqualTo(4);
        assertThat(result.get("depthWhileBroken")).as("the backlog stayed in the queue").isEqualTo(Integer.toString(ENVELOPES));
        assertThat(result.get("delivered")).as("envelopes delivered once the outbox was repaired").isEqualTo(Integer.toString(ENVELOPES));
        assertThat(result.get("duplicated")).as("envelopes delivered twice").isEqualTo("0");
        assertThat(result.get("depthAfter")).isEqualTo("0");
        assertThat(result.get("paged")).as("the backlog paged to disk").isEqualTo("true");
        assertThat(result.get("resumed")).isEqualTo("true");
    }

    private Map<String, String> run(String mode, int seconds) throws Exception {
        return run(BacklogBroker.class, mode, seconds, 60);
    }

    /**
     * Runs {@code main} ({@link BacklogBroker}, {@link SuspendedDeliveryBroker}) in {@code mode} on this test's broker
     * data; its results, once it ended well within {@code seconds} plus {@code slack}.
     */
    private Map<String, String> run(Class<?> main, String mode, int seconds, int slack) throws Exception {
        Path log = dir.resolve("backlog-broker-" + mode + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djukibus.backlog.node-mib=" + NODE_MIB,
                "-cp", System.getProperty("java.class.path"), main.getName(),
                Path.of("broker-config").toAbsolutePath().toString(), "municipal", dir.resolve("broker").toString(),
                mode, Integer.toString(ENVELOPES), Integer.toString(ENVELOPE_BYTES), Integer.toString(seconds)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(seconds + slack, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Map<String, String> results = ForkedBroker.results(output);
        System.out.println("OutageBacklogIT " + mode + ": " + results);

        assertThat(ended).as(mode + ": the broker process ended (it stalled otherwise):\n" + tail(output)).isTrue();
        assertThat(output).as(mode + ": no OutOfMemoryError:\n" + tail(output)).doesNotContain("OutOfMemoryError");
        assertThat(process.exitValue()).as(mode + ": exit status:\n" + tail(output)).isZero();
        return results;
    }


    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 30), lines.length));
    }
}
