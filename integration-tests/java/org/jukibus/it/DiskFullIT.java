package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jukibus.it.Codes.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.jukibus.adapter.file.WaitingFiles;
import org.jukibus.approval.RoutesCommand;
import org.jukibus.broker.NodeBroker;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;

import picocli.CommandLine;

/**
 * H2: the day the disk reaches the broker's bound the node must not stop silently. Shinjuku runs a broker.xml its
 * officer approved with a bound no disk meets (min-disk-free far above any disk): its health component
 * {@code brokerDisk} is DOWN, notices dropped meanwhile wait in the drop folder (not refused into error/, which the
 * legacy system does not watch; nothing sent), a bad file is still refused at once, the intake goes on polling (no
 * thread waits for producer credits), and once the bound is lifted (the shipped broker.xml) the waiting notices are
 * taken without anyone dropping them again and arrive once each at Bunkyo.
 */
class DiskFullIT {

    static final String FLOW = "transfer-in";

    @Test
    void at_the_disk_bound_notices_wait_in_the_drop_folder_and_arrive_once_after(
            @Provisioned({SHINJUKU, BUNKYO}) TestNetwork net) throws Exception {
        Map<String, Object> shinjuku = net.node(SHINJUKU).properties();
        Map<String, Object> shipped = Map.copyOf(shinjuku);
        Path programs = fullDiskPrograms(net);
        shinjuku.put("jukibus.routes-dir", programs.resolve("routes").toString());
        shinjuku.put("jukibus.broker-config-dir", programs.resolve("broker-config").toString());
        net.start(SHINJUKU, BUNKYO);

        NodeBroker broker = net.context(SHINJUKU).getBean(NodeBroker.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.server().getPagingManager().isDiskFull());
        HealthEndpoint health = net.context(SHINJUKU).getBean(HealthEndpoint.class);
        assertThat(health.healthForPath("brokerDisk").getStatus()).isEqualTo(Status.DOWN);

        net.drop(SHINJUKU, FLOW, "DISK-1.xml", Notices.transferIn("DISK-1", RESIDENT, SHINJUKU, BUNKYO));
        WaitingFiles waiting = net.context(SHINJUKU).getBean(WaitingFiles.class);
        Path inbox = net.node(SHINJUKU).legacyRoot().resolve("inbox").resolve(FLOW);
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting.waiting(inbox));
        // the intake's poller was not left waiting: a second file is checked and waits too
        net.drop(SHINJUKU, FLOW, "DISK-2.xml", Notices.transferIn("DISK-2", SAMPLE_RESIDENT, SHINJUKU, BUNKYO));
        // and a bad one is refused at once, outage or not
        net.drop(SHINJUKU, FLOW, "BAD.xml", "<TransferInNotice/>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(net.awaitRejected(SHINJUKU, FLOW, "BAD.xml")).contains("code: SCHEMA");
        Thread.sleep(3000); // tries of the waiting folder (every jukibus.legacy.outage-retry) come and go
        assertThat(blockedOnCredits()).as("threads waiting for producer credits").isEmpty();
        // the notices wait where the legacy system put them: not refused, not half sent, visible
        assertThat(names(net.files(SHINJUKU, "inbox", FLOW))).containsExactlyInAnyOrder("DISK-1.xml", "DISK-2.xml");
        assertThat(names(net.files(SHINJUKU, "error", FLOW))).doesNotContain("DISK-1.xml", "DISK-1.xml.error", "DISK-2.xml",
                "DISK-2.xml.error");
        assertThat(net.files(SHINJUKU, "sent", FLOW)).isEmpty();
        assertThat(waiting.backlog(inbox).files()).isEqualTo(2);
        assertThat(net.browse(SHINJUKU, "jukibus.outbound")).isEmpty();
        assertThat(net.files(BUNKYO, "outbox", FLOW)).isEmpty();

        // room again: the approved broker.xml as shipped; nobody drops anything again
        net.stop(SHINJUKU);
        shinjuku.clear();
        shinjuku.putAll(shipped);
        net.start(SHINJUKU);
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(BUNKYO, "outbox", FLOW).size() == 2);
        assertThat(net.files(BUNKYO, "outbox", FLOW).stream().map(f -> {
            try {
                return Files.readString(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).anyMatch(x -> x.contains("<NoticeId>DISK-1</NoticeId>")).anyMatch(x -> x.contains("<NoticeId>DISK-2</NoticeId>"));
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(SHINJUKU, "inbox", FLOW).isEmpty());
        assertThat(names(net.files(SHINJUKU, "sent", FLOW))).containsExactlyInAnyOrder("DISK-1.xml", "DISK-2.xml");
        Thread.sleep(2000); // a second copy would have arrived by now
        assertThat(net.files(BUNKYO, "outbox", FLOW)).hasSize(2);
        assertThat(net.context(SHINJUKU).getBean(HealthEndpoint.class).healthForPath("brokerDisk").getStatus())
                .isEqualTo(Status.UP);
    }

    private static java.util.List<String> names(java.util.List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    /** Threads of this JVM inside the Artemis client's wait for producer credits, which has no timeout. */
    private static java.util.List<String> blockedOnCredits() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().endsWith("ClientProducerCreditsImpl")
                        && f.getMethodName().equals("actualAcquire")))
                .map(e -> e.getKey().getName()).toList();
    }

    /** A copy of the network's programs whose municipal broker.xml has a bound no disk meets, approved by the officer. */
    private static Path fullDiskPrograms(TestNetwork net) throws Exception {
        Path from = net.network.programsDir();
        Path to = net.network.root().resolve("programs-full-disk");
        TestNetwork.copyTree(from, to);
        Path municipal = to.resolve("broker-config/municipal.xml");
        String bound = "<min-disk-free>1GiB</min-disk-free>";
        String xml = Files.readString(municipal);
        assertThat(xml).contains(bound);
        Files.writeString(municipal, xml.replace(bound,
                "<min-disk-free>" + Long.MAX_VALUE / 2 + "</min-disk-free><disk-scan-period>100</disk-scan-period>"));
        Path officer = net.network.officerDir();
        StringWriter out = new StringWriter();
        CommandLine cli = RoutesCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute("sign", "--routes", to.resolve("routes").toString(), "--broker-config",
                to.resolve("broker-config").toString(), "--keystore", officer.resolve("officer.p12").toString(),
                "--password-file", officer.resolve("officer.pass").toString(), "--note", "disk bound drill");
        assertThat(exit).as(out.toString()).isZero();
        return to;
    }
}
