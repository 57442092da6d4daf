package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash test with real processes, the way Artemis's own smoke tests do it: two municipal nodes,
 * each its own JVM, a stream of transfer-in notices from one to the other while the sender and
 * the recipient are killed (SIGKILL) in turn and restarted. Afterwards every notice is in the
 * recipient's legacy outbox exactly once (counted by NoticeId, not by file name, so a second
 * envelope for the same notice would show), every receipt is back exactly once, and nothing is
 * left behind in any queue: a final run of each node with its routes stopped reads the depths.
 *
 * <p>{@code -Djukibus.crash.notices=N} runs a shorter stream (default 10,000, one kill per 1,000).
 */
@Tag("slow")
class CrashIT {

    /**
     * How long a node may take to start: what this test proves is the count after the kills, not the start time (the
     * bench measures that). A CI machine running other builds beside it took over 90 s to start a node.
     */
    static final Duration START = Duration.ofMinutes(4);
    static final int NOTICES = Integer.getInteger("jukibus.crash.notices", 10_000);
    static final int KILL_EVERY = Math.max(1, NOTICES / 10);
    /** How many files the legacy system lets pile up in the inbox before it waits. */
    static final int INBOX_BACKLOG = 300;
    static final String[] QUEUES = {"jukibus.outbound", "jukibus.parked", "jukibus.inbound.transfer-in", "jukibus.inbound.receipt",
            "jukibus.dlq"};

    @RegisterExtension
    final ProcessNetwork net = new ProcessNetwork(SHINJUKU, OSAKA);
    final Map<String, NodeProcess> nodes = new LinkedHashMap<>();

    @Test
    void ten_thousand_notices_arrive_exactly_once_while_sender_and_recipient_are_killed_in_turn() throws Exception {
        long begin = System.nanoTime();
        startNetwork();
        NodeProcess shinjuku = nodes.get(SHINJUKU);
        NodeProcess osaka = nodes.get(OSAKA);
        Path inbox = inbox(SHINJUKU);

        List<String> kills = new ArrayList<>();
        int dropped = 0;
        while (dropped < NOTICES) {
            while (OutboxTally.count(inbox) > INBOX_BACKLOG) {
                Thread.sleep(50);
            }
            int batch = Math.min(50, NOTICES - dropped);
            for (int i = 0; i < batch; i++) {
                net.dropNotice(SHINJUKU, OSAKA, noticeId(dropped++));
            }
            if (dropped % KILL_EVERY == 0) {
                // the recipient first, then the sender, alternately; the last kill hits a sender with a fresh batch in its inbox
                NodeProcess victim = (dropped / KILL_EVERY) % 2 == 1 ? osaka : shinjuku;
                String who = victim == osaka ? "recipient " + OSAKA : "sender " + SHINJUKU;
                victim.awaitStarted(START); // the previous restart must be up before it is killed again
                victim.kill();
                long delivered = OutboxTally.count(outbox(OSAKA, "transfer-in"));
                kills.add(who + " at " + dropped + " dropped / " + delivered + " delivered");
                System.out.printf("CrashIT: kill %d, %s (%.0f s)%n", kills.size(), kills.get(kills.size() - 1), (System.nanoTime() - begin) / 1e9);
                victim.start();
            }
        }
        shinjuku.awaitStarted(START);
        osaka.awaitStarted(START);
        long streamed = System.nanoTime();

        try {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    OutboxTally.count(outbox(OSAKA, "transfer-in")) >= NOTICES && OutboxTally.count(outbox(SHINJUKU, "receipt")) >= NOTICES);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(stalled(kills), e);
        }
        long drained = System.nanoTime();
        Thread.sleep(3000); // anything still in flight would show now as an extra file
        shinjuku.stop();
        osaka.stop();

        OutboxTally notices = OutboxTally.of(outbox(OSAKA, "transfer-in"), OutboxTally.NOTICE_ID, expectedNoticeIds());
        OutboxTally receipts = OutboxTally.of(outbox(SHINJUKU, "receipt"), OutboxTally.RECEIVED_MESSAGE_ID, null);
        Map<String, Long> depths = new LinkedHashMap<>();
        depths.putAll(queueDepths(SHINJUKU));
        depths.putAll(queueDepths(OSAKA));

        System.out.printf("""
                === CrashIT: %d transfer-in notices %s -> %s, %d kills (SIGKILL) ===
                %s
                notices   sent %d, delivered %d, lost %d, duplicated %d, unexpected %d
                receipts  back %d, distinct %d, duplicated %d
                queues    %s
                errors    %d input files refused
                time      stream %.0f s, drain after the last restart %.0f s, total %.0f s
                """,
                NOTICES, SHINJUKU, OSAKA, kills.size(), "  kill " + String.join("\n  kill ", kills),
                NOTICES, notices.distinct(), notices.lost(), notices.duplicated(), notices.unexpected(),
                receipts.files(), receipts.distinct(), receipts.duplicated(),
                depths,
                OutboxTally.count(net.errors(SHINJUKU, "transfer-in")),
                (streamed - begin) / 1e9, (drained - streamed) / 1e9, (System.nanoTime() - begin) / 1e9);

        assertThat(kills).hasSizeGreaterThanOrEqualTo(Math.min(8, NOTICES / KILL_EVERY));
        assertThat(notices.lost()).as("lost notices").isZero();
        assertThat(notices.duplicated()).as("duplicated notices").isZero();
        assertThat(notices.unexpected()).as("notices nobody sent").isZero();
        assertThat(receipts.distinct()).as("receipts").isEqualTo(NOTICES);
        assertThat(receipts.duplicated()).as("duplicated receipts").isZero();
        assertThat(depths).as("no copy left in any queue, nothing dead-lettered").allSatisfy((q, depth) -> assertThat(depth).as(q).isZero());
        assertThat(OutboxTally.count(net.errors(SHINJUKU, "transfer-in"))).as("refused input files").isZero();
        try (Stream<Path> left = Files.list(inbox)) {
            // any name: a file left under a claim name (.camelExclusiveReadLock) or set aside (.stranded) was never sent
            assertThat(left.map(p -> p.getFileName().toString())).as("inbox left").isEmpty();
        }
    }

    @Test
    void a_file_dropped_just_before_a_kill_is_delivered_exactly_once() throws Exception {
        startNetwork();
        NodeProcess shinjuku = nodes.get(SHINJUKU);
        NodeProcess osaka = nodes.get(OSAKA);
        Path inbox = inbox(SHINJUKU);
        // kill the sender at different points of its intake (before pick-up, while sealing, after the
        // queue commit but before the file is moved to sent/), then the recipient with notices in flight
        long[] senderDelaysMs = {0, 150, 300, 500, 800};
        int n = 0;
        for (long delay : senderDelaysMs) {
            net.dropNotice(SHINJUKU, OSAKA, noticeId(n++));
            Thread.sleep(delay);
            shinjuku.kill();
            shinjuku.start().awaitStarted(START);
        }
        for (long delay : new long[] {300, 900}) {
            net.dropNotice(SHINJUKU, OSAKA, noticeId(n++));
            Thread.sleep(delay);
            osaka.kill();
            osaka.start().awaitStarted(START);
        }
        int sent = n;
        await().atMost(Duration.ofMinutes(3)).until(() ->
                OutboxTally.count(outbox(OSAKA, "transfer-in")) >= sent && OutboxTally.count(outbox(SHINJUKU, "receipt")) >= sent);
        Thread.sleep(2000);
        shinjuku.stop();
        osaka.stop();

        Map<String, Boolean> expected = new LinkedHashMap<>();
        for (int i = 0; i < sent; i++) {
            expected.put(noticeId(i), true);
        }
        OutboxTally notices = OutboxTally.of(outbox(OSAKA, "transfer-in"), OutboxTally.NOTICE_ID, expected.keySet());
        OutboxTally receipts = OutboxTally.of(outbox(SHINJUKU, "receipt"), OutboxTally.RECEIVED_MESSAGE_ID, null);
        Map<String, Long> depths = new LinkedHashMap<>(queueDepths(SHINJUKU));
        depths.putAll(queueDepths(OSAKA));
        System.out.printf("=== CrashIT (drop then kill): sent %d, delivered %d, lost %d, duplicated %d; receipts %d; queues %s%n",
                sent, notices.distinct(), notices.lost(), notices.duplicated(), receipts.distinct(), depths);
        assertThat(notices.lost()).isZero();
        assertThat(notices.duplicated()).isZero();
        assertThat(notices.unexpected()).isZero();
        assertThat(receipts.distinct()).isEqualTo(sent);
        assertThat(receipts.duplicated()).isZero();
        assertThat(depths).allSatisfy((q, depth) -> assertThat(depth).as(q).isZero());
    }

    /**
     * Why the drain did not end: what arrived, what is missing, what is left where, and what each node
     * complained about. The first line is what a CI summary shows, so it carries the figures.
     */
    private String stalled(List<String> kills) throws Exception {
        OutboxTally notices = OutboxTally.of(outbox(OSAKA, "transfer-in"), OutboxTally.NOTICE_ID, expectedNoticeIds());
        List<String> missing = OutboxTally.missing(outbox(OSAKA, "transfer-in"), OutboxTally.NOTICE_ID, expectedNoticeIds());
        long receipts = OutboxTally.count(outbox(SHINJUKU, "receipt"));
        long inbox = OutboxTally.count(inbox(SHINJUKU));
        long refused = OutboxTally.count(net.errors(SHINJUKU, "transfer-in"));
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (Map.Entry<String, NodeProcess> node : nodes.entrySet()) {
            problems.put(node.getKey(), node.getValue().problems());
            node.getValue().stop();
        }
        Map<String, Long> depths = new LinkedHashMap<>(queueDepths(SHINJUKU));
        depths.putAll(queueDepths(OSAKA));
        StringBuilder why = new StringBuilder(String.format(
                "drain stalled: %d of %d notices delivered (%d duplicated; missing %s), %d of %d receipts back, %d left in the inbox, %d refused, queues %s",
                notices.distinct(), NOTICES, notices.duplicated(), missing.subList(0, Math.min(5, missing.size())),
                receipts, NOTICES, inbox, refused, depths));
        why.append("\n  kill ").append(String.join("\n  kill ", kills));
        problems.forEach((code, lines) -> {
            // counted by shape (ids and numbers blanked) so one repeated complaint does not hide the rare one
            Map<String, Integer> shapes = new LinkedHashMap<>();
            lines.forEach(l -> shapes.merge(l.replaceFirst("^start \\d+: \\S+", "").replaceAll("[0-9A-Fa-f-]{8,}|\\d+", "#"), 1, Integer::sum));
            why.append(String.format("%n%s logged %d WARN/ERROR lines of %d shapes:", code, lines.size(), shapes.size()));
            shapes.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(30)
                    .forEach(e -> why.append(String.format("%n  %5d x %.300s", e.getValue(), e.getKey())));
            why.append("\n  the last ones:");
            lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(l -> why.append("\n  ").append(l));
        });
        return why.toString();
    }

    // --- the network ---

    private void startNetwork() throws Exception {
        for (String code : List.of(SHINJUKU, OSAKA)) {
            nodes.put(code, net.start(code));
        }
        for (NodeProcess p : nodes.values()) {
            p.awaitStarted(START);
        }
    }

    private Map<String, Long> queueDepths(String code) {
        return net.queueDepths(code, QUEUES);
    }

    private Path inbox(String code) {
        return net.inbox(code, "transfer-in");
    }

    private Path outbox(String code, String flow) {
        return net.outbox(code, flow);
    }

    private static String noticeId(int i) {
        return String.format("C-%05d", i);
    }

    private static List<String> expectedNoticeIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < NOTICES; i++) {
            ids.add(noticeId(i));
        }
        return ids;
    }
}
