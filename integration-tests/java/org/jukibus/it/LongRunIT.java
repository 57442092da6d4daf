package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.jms.JMSException;

import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.directory.NetworkTrust;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.envelope.EnvelopeRejectedException;
import org.jukibus.envelope.RejectionReason;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.ResidentCode;
import org.jukibus.flow.nondelivery.SentMessages;
import org.jukibus.envelope.NodeEnvelopes;
import org.jukibus.core.NodeProperties;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sixty days of a running network in a few minutes (issue 13, the proof): central and two prefectures with
 * Shinjuku in this JVM, Osaka-shi as its own process (it is the node that goes down and comes back). The clock is
 * moved for real in every running node ({@code jukibus clock set} on the network folder) to 2, 8, 20, 25, 40 and
 * 60 days; after each jump a fresh transfer-in notice crosses both ways with its receipt back. Central holds the
 * CA and renews the CRL as it comes due; a certificate revoked on day 8 is refused at the other nodes without a
 * restart; Osaka-shi, down from day 20 to day 25, gets what waited for it once each; and every way a message can
 * fail leaves its NonDelivery file at the sender: overdue, EXPIRED and UNKNOWN_RECIPIENT at the sender,
 * UNKNOWN_PERSON from the recipient (a prefecture). On day 60 an operator still logs in.
 *
 * <p>Bunkyo (never started) is the municipality that is down for good and then merged away; Chiyoda (never
 * started) is the one whose certificate is revoked, its key in someone else's hands.
 */
@Tag("slow")
// order is inherent: one network lives through 60 days; each test is the next stretch of days on a clock that only moves forward
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LongRunIT {

    /** The bound: a revoked node is refused network-wide within 5 minutes of central publishing the CRL. */
    static final Duration BOUND = Duration.ofMinutes(5);
    /** The nodes running in this JVM. */
    static final List<String> IN_PROCESS = List.of("central", TOKYO_PREF, OSAKA_PREF, SHINJUKU);

    @Provisioned({TOKYO_PREF, OSAKA_PREF, SHINJUKU, BUNKYO, CHIYODA, OSAKA})
    static TestNetwork net;
    static NodeProcess osaka;
    static Duration offset = Duration.ZERO;
    static int residents;
    /** Files Shinjuku's legacy outbox/non-delivery must hold at the end, and nothing else. */
    static final List<String> expectedReports = new ArrayList<>();
    static String waitingForBunkyoSinceDay8;
    static String waitingForBunkyoSinceDay20;

    @BeforeAll
    static void start() throws Exception {
        // central holds the CA and renews the CRL once less than 3 days are left (checked every second here)
        net.node("central").properties().put("jukibus.trust.crl-renewal.ca-dir", net.network.ca().directory().toString());
        net.node("central").properties().put("jukibus.trust.crl-renewal.password-file", net.network.caPasswordFile().toString());
        net.node("central").properties().put("jukibus.trust.crl-renewal.check-interval", "1s");
        // overdue after the default 4 h; looked for every second rather than every minute
        net.node(SHINJUKU).properties().put("jukibus.receipts.check-interval", "1s");
        NetworkProvisioner.writeConfigFiles(net.network);
        osaka = new NodeProcess(net.node(OSAKA)).start();
        net.start(IN_PROCESS.toArray(String[]::new));
        osaka.awaitStarted(Duration.ofSeconds(240));
    }

    @AfterAll
    static void stop() {
        if (osaka != null) {
            osaka.close();
        }
    }

    @Test
    @Order(1)
    void days_0_2_and_8_a_fresh_notice_crosses_both_ways_and_central_renews_the_crl_when_it_comes_due() throws Exception {
        BigInteger provisioned = trust(SHINJUKU).state().crlNumber();
        roundTrip("D0");
        moveClock(Duration.ofDays(2));
        roundTrip("D2");
        assertThat(trust(SHINJUKU).state().crlNumber()).as("5 days left: not due yet").isEqualTo(provisioned);

        moveClock(Duration.ofDays(8)); // past the provisioned CRL's nextUpdate (7 days)
        awaitCrlCurrentEverywhere();
        assertThat(trust(SHINJUKU).state().crlNumber()).as("renewed by central").isGreaterThan(provisioned);
        roundTrip("D8");

        // Bunkyo is down from now on: what Shinjuku sends it waits
        waitingForBunkyoSinceDay8 = send(SHINJUKU, BUNKYO, "W-8", resident());
        expectedReports.add(BUNKYO + "-" + waitingForBunkyoSinceDay8 + "-overdue.xml");
    }

    @Test
    @Order(2)
    void day_8_a_certificate_revoked_at_central_is_refused_at_the_other_nodes_without_a_restart() throws Exception {
        TrustOperator.connectAs(net, net.node(CHIYODA), OSAKA).close(); // in good standing until now
        Clock clock = net.context("central").getBean(Clock.class);
        CertificateAuthority ca = TrustOperator.ca(net, clock);
        BigInteger published = NetworkTrust.crlNumber(ca.revoke(net.node(CHIYODA).keys().certificate().getSerialNumber()));
        Instant publishedAt = Instant.now();
        TrustOperator.publish(net, ca.directory().resolve(CertificateAuthority.CRL_FILE), "crl.pem");

        for (String code : IN_PROCESS) {
            await().atMost(BOUND).until(() -> trust(code).state().crlNumber().compareTo(published) >= 0);
        }
        await().atMost(BOUND).ignoreExceptions().until(() -> NetworkTrust.crlNumber(osakaCrl()).compareTo(published) >= 0);
        assertThat(Duration.between(publishedAt, Instant.now())).isLessThan(BOUND);

        // a login with Chiyoda's key is refused by the process that never restarted, and by Shinjuku
        assertThatThrownBy(() -> TrustOperator.connectAs(net, net.node(CHIYODA), OSAKA).close()).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> TrustOperator.connectAs(net, net.node(CHIYODA), SHINJUKU).close()).isInstanceOf(JMSException.class);
        // an envelope sealed with Chiyoda's key, carried by whatever route, opens nowhere
        NodeDirectory directory = trust(SHINJUKU).directory();
        NodeEnvelopes chiyodaKey = new NodeEnvelopes(CHIYODA, net.node(CHIYODA).keys(), directory, () -> null,
                new NodeProperties().getEnvelope(), clock);
        byte[] forged = chiyodaKey.seal("TransferInNotice", SHINJUKU, UUID.randomUUID().toString(), null,
                chiyodaKey.parsePayload(Notices.transferIn("REVOKED-1", resident(), CHIYODA, SHINJUKU), "TransferInNotice"));
        assertThatThrownBy(() -> net.context(SHINJUKU).getBean(NodeEnvelopes.class).open(forged))
                .isInstanceOfSatisfying(EnvelopeRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.UNKNOWN_SENDER));
    }

    @Test
    @Order(3)
    void days_20_to_25_osaka_down_for_five_days_gets_everything_that_waited_once_and_shinjuku_reports_it_overdue() throws Exception {
        moveClock(Duration.ofDays(20));
        awaitCrlCurrentEverywhere();
        roundTrip("D20");
        waitingForBunkyoSinceDay20 = send(SHINJUKU, BUNKYO, "W-20", resident());
        expectedReports.add(BUNKYO + "-" + waitingForBunkyoSinceDay20 + "-overdue.xml");
        awaitReport(BUNKYO + "-" + waitingForBunkyoSinceDay8 + "-overdue.xml", "<Status>OVERDUE</Status>");

        osaka.stop();
        List<String> waited = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String resident = resident();
            IdentityRecords.seed(net, OSAKA_PREF, resident, OSAKA);
            waited.add(send(SHINJUKU, OSAKA, "OUT-" + i, resident));
        }
        moveClock(Duration.ofDays(25));
        for (String id : waited) { // queued on day 20, no receipt by day 25: reported, and still waiting
            awaitReport(OSAKA + "-" + id + "-overdue.xml", "<Status>OVERDUE</Status>", "<Recipient>" + OSAKA + "</Recipient>");
            expectedReports.add(OSAKA + "-" + id + "-overdue.xml");
        }

        osaka.start().awaitStarted(Duration.ofSeconds(240));
        for (String id : waited) {
            awaitDelivered(SHINJUKU, OSAKA, id);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(id, OSAKA) == SentMessages.State.DELIVERED);
        }
        Thread.sleep(3000); // anything duplicated would arrive meanwhile
        assertThat(net.deliveredIds(OSAKA, "transfer-in")).as("0 lost, 0 duplicated").containsAll(waited).doesNotHaveDuplicates();
        assertThat(net.deliveredIds(SHINJUKU, "receipt")).doesNotHaveDuplicates();
        awaitCrlCurrentEverywhere();
        roundTrip("D25");
    }

    @Test
    @Order(4)
    void day_40_what_waited_past_the_outage_window_expires_at_the_sender_and_a_merged_municipality_is_an_unknown_recipient()
            throws Exception {
        moveClock(Duration.ofDays(40)); // 32 days after W-8 was sealed: beyond the 30-day window; W-20 is 20 days old
        awaitCrlCurrentEverywhere();
        roundTrip("D40");

        awaitReport(BUNKYO + "-" + waitingForBunkyoSinceDay8 + ".xml", "<ReportedBy>SENDER</ReportedBy>", "<ReasonCode>EXPIRED</ReasonCode>",
                "<Recipient>" + BUNKYO + "</Recipient>");
        expectedReports.add(BUNKYO + "-" + waitingForBunkyoSinceDay8 + ".xml");
        assertThat(state(waitingForBunkyoSinceDay20, BUNKYO)).isEqualTo(SentMessages.State.OVERDUE);

        // Bunkyo merges away: central publishes a directory without it, and W-20 can no longer go anywhere
        Clock clock = net.context("central").getBean(Clock.class);
        NodeDirectory inForce = trust("central").directory();
        long serial = inForce.serial() + 1;
        TrustOperator.publish(net, TrustOperator.signedDirectory(net, serial,
                inForce.all().stream().filter(e -> !e.code().equals(BUNKYO)).toList(), clock), "directory.xml");
        for (String code : IN_PROCESS) {
            await().atMost(BOUND).until(() -> trust(code).directory().serial() == serial);
        }
        awaitReport(BUNKYO + "-" + waitingForBunkyoSinceDay20 + ".xml", "<ReportedBy>SENDER</ReportedBy>",
                "<ReasonCode>UNKNOWN_RECIPIENT</ReasonCode>", "<Recipient>" + BUNKYO + "</Recipient>");
        expectedReports.add(BUNKYO + "-" + waitingForBunkyoSinceDay20 + ".xml");
    }

    @Test
    @Order(5)
    void day_60_the_network_still_delivers_and_an_unknown_person_at_the_prefecture_comes_back_to_the_sender() throws Exception {
        moveClock(Duration.ofDays(60));
        awaitCrlCurrentEverywhere();
        roundTrip("D60");

        // Osaka-shi's notice reaches Shinjuku, whose confirmation to Tokyo names a person Tokyo has no record of
        String notice = send(OSAKA, SHINJUKU, "UP-1", resident());
        String confirmation = MessageIds.answerOf("transfer-out", OSAKA, notice);
        awaitReport(TOKYO_PREF + "-" + confirmation + ".xml", "<ReportedBy>RECIPIENT</ReportedBy>", "<ReasonCode>UNKNOWN_PERSON</ReasonCode>",
                "<Recipient>" + TOKYO_PREF + "</Recipient>");
        expectedReports.add(TOKYO_PREF + "-" + confirmation + ".xml");

        assertThat(net.files(SHINJUKU, "outbox", "non-delivery").stream().map(f -> f.getFileName().toString()))
                .as("every notice Shinjuku's legacy system got, and no other").containsExactlyInAnyOrderElementsOf(expectedReports);
        assertThat(net.files(OSAKA, "outbox", "non-delivery")).as("everything Osaka-shi sent arrived").isEmpty();
        assertThat(net.deliveredIds(OSAKA, "transfer-in")).doesNotHaveDuplicates();
        assertThat(net.deliveredIds(SHINJUKU, "transfer-in")).doesNotHaveDuplicates();
        assertThat(osaka.alive()).isTrue();

        // an operator still logs in on day 60, checked against the CRL central renewed, not the one read at start
        java.io.StringWriter out = new java.io.StringWriter();
        List<String> args = new ArrayList<>(List.of("dlq", "list"));
        args.addAll(net.operatorLogin(SHINJUKU));
        int exit = new picocli.CommandLine(new org.jukibus.Jukibus()).setOut(new java.io.PrintWriter(out))
                .setErr(new java.io.PrintWriter(out)).execute(args.toArray(String[]::new));
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("EXPIRED").contains("UNKNOWN_RECIPIENT").contains("2 dead letter(s)");
    }

    /** Moves every node's clock (this JVM's and Osaka-shi's process) to {@code days} ahead of the system's. */
    private static void moveClock(Duration to) {
        net.moveClock(to);
        offset = to;
        if (osaka.alive()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> osaka.log().contains("-> " + to + " "));
        }
    }

    /** A fresh transfer-in notice each way between Shinjuku (Tokyo) and Osaka-shi (Osaka), each with its receipt back. */
    private static void roundTrip(String tag) throws Exception {
        String toOsaka = resident();
        IdentityRecords.seed(net, OSAKA_PREF, toOsaka, OSAKA);
        String toShinjuku = resident();
        IdentityRecords.seed(net, TOKYO_PREF, toShinjuku, SHINJUKU);
        String east = send(SHINJUKU, OSAKA, tag + "-E", toOsaka);
        String west = send(OSAKA, SHINJUKU, tag + "-W", toShinjuku);
        awaitDelivered(SHINJUKU, OSAKA, east);
        awaitDelivered(OSAKA, SHINJUKU, west);
    }

    /** Drops a transfer-in notice at the new municipality's legacy inbox; returns its message id. */
    private static String send(String from, String to, String noticeId, String residentCode) throws Exception {
        byte[] notice = Notices.transferIn(noticeId, residentCode, from, to);
        net.drop(from, "transfer-in", noticeId + ".xml", notice);
        return MessageIds.forInput(from, notice);
    }

    /**
     * The notice in the recipient's legacy outbox, its receipt in the sender's, and the recipient's transfer-out
     * confirmation receipted by its prefecture: nothing of it is still in flight when the clock jumps next (a receipt
     * arriving after a jump of days would be late, and reported overdue first).
     */
    private static void awaitDelivered(String from, String to, String messageId) {
        Path notice = net.node(to).legacyRoot().resolve("outbox").resolve("transfer-in").resolve(from + "-" + messageId + ".xml");
        Path receipt = receipt(from, to, messageId);
        Path confirmed = receipt(to, net.node(to).spec().prefecture(), MessageIds.answerOf("transfer-out", from, messageId));
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(notice));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(receipt));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(confirmed));
    }

    /** Where {@code sender}'s legacy outbox gets the receipt {@code recipient} sent for a message. */
    private static Path receipt(String sender, String recipient, String messageId) {
        return net.node(sender).legacyRoot().resolve("outbox").resolve("receipt")
                .resolve(recipient + "-" + MessageIds.receiptOf(sender, messageId) + ".xml");
    }

    /** A NonDelivery file in Shinjuku's legacy outbox, with these elements. */
    private static void awaitReport(String name, String... holds) throws Exception {
        Path report = net.node(SHINJUKU).legacyRoot().resolve("outbox").resolve("non-delivery").resolve(name);
        await().atMost(Duration.ofSeconds(150)).until(() -> Files.exists(report));
        assertThat(Files.readString(report, StandardCharsets.UTF_8)).contains(holds);
    }

    /** Every node holds a CRL whose nextUpdate is still ahead of its (moved) clock. */
    private static void awaitCrlCurrentEverywhere() {
        for (String code : IN_PROCESS) {
            Clock clock = net.context(code).getBean(Clock.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> trust(code).crl().getNextUpdate().toInstant().isAfter(clock.instant()));
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions() // the file is written with the first CRL after the start
                .until(() -> osakaCrl().getNextUpdate().toInstant().isAfter(Instant.now().plus(offset)));
    }

    /** The CRL Osaka-shi's process has in force, as it stored it. */
    private static X509CRL osakaCrl() throws Exception {
        return Pem.readCrl(net.node(OSAKA).home().resolve("trust").resolve(NetworkTrust.CRL_FILE));
    }

    private static NetworkTrust trust(String code) {
        return net.context(code).getBean(NetworkTrust.class);
    }

    private static SentMessages.State state(String messageId, String recipient) {
        return net.context(SHINJUKU).getBean(SentMessages.class).find(messageId, recipient).map(SentMessages.Sent::state).orElse(null);
    }

    private static String resident() {
        return ResidentCode.of(6200000000L + ++residents);
    }
}
