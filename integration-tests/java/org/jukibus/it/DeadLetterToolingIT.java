package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jukibus.Jukibus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code jukibus dlq} against a running node, over its management port as the operator (card and PIN): dead
 * letters are listed with their reasons, one that failed because the outbox was unwritable (longer than the
 * operator's bound on the wait) is delivered when replayed after the fix, purge refuses without confirmation and empties with it.
 */
// order is inherent: replay and purge work on the dead letters the first test listed
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadLetterToolingIT {

    static final String INBOUND = "jukibus.inbound.transfer-in";
    /** In clear in both malformed dead letters' bodies, as a resident's data would be in one that failed after opening. */
    static final String MARKER = "dlq-marker-" + java.util.UUID.randomUUID();

    @TempDir
    static Path root;
    @Provisioned({SHINJUKU, OSAKA})
    static TestNetwork net;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        net.node(OSAKA).properties().put("jukibus.delivery.max-attempts", "3");
        // an unwritable outbox waits for as long as it lasts unless the operator bounds the wait (RedeliveryIT)
        net.node(OSAKA).properties().put("jukibus.delivery.transient-max-attempts", "3");
        net.start(SHINJUKU, OSAKA);
    }

    @Test
    @Order(1)
    void list_shows_dead_letters_with_their_reason() throws Exception {
        net.put(OSAKA, INBOUND, ("not xml at all " + MARKER).getBytes(StandardCharsets.UTF_8));
        net.put(OSAKA, INBOUND, ("{\"neither\": \"xml\", \"marker\": \"" + MARKER + "\"}").getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> DeadLetterAssert.count(net, OSAKA) == 2);

        Run list = dlq("list", "--flow", "transfer-in");

        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("2 dead letter(s)");
        assertThat(lines(list.out(), "MALFORMED")).hasSize(2).allSatisfy(l -> assertThat(l).contains("transfer-in"));
        assertThat(dlq("list", "--flow", "receipt").out()).contains("0 dead letter(s)");

        String id = lines(list.out(), "MALFORMED").get(0).split("\\s+")[0];
        Run show = dlq("show", "--id", id);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("reason: MALFORMED").contains("JukibusRejectDetail = ")
                .contains("JukibusDeadLetteredFrom = " + INBOUND).contains("bodySha256: ");

        assertThat(ManagementIT.operator(net, OSAKA, "/actuator/prometheus").body())
                .contains("jukibus_dlq_depth{flow=\"transfer-in\",node=\"" + OSAKA + "\"} 2.0")
                .contains("jukibus_flow_failed_total{flow=\"transfer-in\",node=\"" + OSAKA + "\",reason=\"MALFORMED\"} 2.0");
    }

    @Test
    @Order(2)
    void a_dead_letter_replayed_after_the_fix_is_delivered() throws Exception {
        Path outbox = net.node(OSAKA).legacyRoot().resolve("outbox").resolve("transfer-in");
        Path blocked = outbox.resolveSibling("transfer-in.moved");
        Files.createDirectories(outbox);
        Files.move(outbox, blocked);
        Files.writeString(outbox, "a file where the folder should be");
        try {
            net.drop(SHINJUKU, "transfer-in", "D-1.xml", Notices.transferIn("D-1", RESIDENT, SHINJUKU, OSAKA));
            // the outbox's own failure names the dead letter's reason (the operator bounded the wait: see the class)
            assertThat(DeadLetterAssert.next(net, OSAKA, 2).reason()).isEqualTo("OUTBOX_UNWRITABLE");
        } finally {
            Files.delete(outbox);
            Files.move(blocked, outbox); // the fix
        }
        List<String> exhausted = lines(dlq("list").out(), "OUTBOX_UNWRITABLE");
        assertThat(exhausted).hasSize(1);
        String id = exhausted.get(0).split("\\s+")[0];

        Run replay = dlq("replay", "--id", id);

        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replayed " + id + " to " + INBOUND);
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(OSAKA, "outbox", "transfer-in").size() == 1);
        assertThat(Files.readString(net.files(OSAKA, "outbox", "transfer-in").get(0))).contains("D-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(SHINJUKU, "outbox", "receipt").size() == 1);
        assertThat(DeadLetterAssert.count(net, OSAKA)).as("only the two malformed ones are left").isEqualTo(2);
        assertThat(dlq("replay", "--id", id).exit()).as("gone from the dead-letter queue").isEqualTo(1);
    }

    @Test
    @Order(3)
    void purge_refuses_without_confirmation_and_empties_with_it() throws Exception {
        Run refused = dlq("purge", "--flow", "transfer-in");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("without confirmation");
        assertThat(DeadLetterAssert.count(net, OSAKA)).isEqualTo(2);
        assertThat(net.journalContains(OSAKA, MARKER)).as("positive control: the dead letters' bytes, before the purge").isTrue();

        Run purged = dlq("purge", "--flow", "transfer-in", "--yes");

        assertThat(purged.exit()).as(purged.err()).isZero();
        assertThat(purged.out()).contains("purged 2 dead letter(s)");
        assertThat(DeadLetterAssert.count(net, OSAKA)).isZero();
        assertThat(dlq("list").out()).contains("0 dead letter(s)");
        // removed for good means gone from the disk too, not only from the queue (the journal compacted at once)
        assertThat(net.journalContains(OSAKA, MARKER)).as("a broker file still holds the purged bytes").isFalse();
    }

    @Test
    @Order(4)
    void a_wrong_pin_is_refused() throws Exception {
        Path wrong = root.resolve("wrong.pin");
        Files.writeString(wrong, "not-the-pin\n");
        Run run = run("dlq", "list", "--node", net.managementUrl(OSAKA), "--operator-card", net.network.operatorCard().toString(),
                "--card-password-file", net.network.operatorCardPasswordFile().toString(), "--pin-file", wrong.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("refused the login");
    }

    static Run dlq(String command, String... args) {
        List<String> all = new ArrayList<>(List.of("dlq", command));
        all.addAll(net.operatorLogin(OSAKA));
        all.addAll(Arrays.asList(args));
        return run(all.toArray(String[]::new));
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Jukibus()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        System.out.println("$ jukibus " + String.join(" ", args) + "\n" + out + err);
        return new Run(exit, out.toString(), err.toString());
    }

    static List<String> lines(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).toList();
    }
}
