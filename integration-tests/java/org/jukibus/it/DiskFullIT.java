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

import org.jukibus.approval.RoutesCommand;
import org.jukibus.broker.NodeBroker;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;

import picocli.CommandLine;

/**
 * H2: the day the disk reaches the broker's bound the node must not stop silently. Shinjuku runs a broker.xml its
 * officer approved with a bound no disk meets (min-disk-free far above any disk): its health component
 * {@code brokerDisk} is DOWN, notices dropped meanwhile are refused into the error folder with the reason (nothing
 * stored, nothing lost), the intake goes on polling (no thread waits for producer credits), and once the bound is
 * lifted (the shipped broker.xml) the same notice dropped again arrives once at Bunkyo.
 */
class DiskFullIT {

    static final String FLOW = "transfer-in";

    @Test
    void at_the_disk_bound_notices_are_refused_with_the_reason_and_arrive_once_after(
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
        assertThat(net.awaitRejected(SHINJUKU, FLOW, "DISK-1.xml")).contains("disk");
        // the intake's poller was not left waiting: a second file is refused too
        net.drop(SHINJUKU, FLOW, "DISK-2.xml", Notices.transferIn("DISK-2", SAMPLE_RESIDENT, SHINJUKU, BUNKYO));
        assertThat(net.awaitRejected(SHINJUKU, FLOW, "DISK-2.xml")).contains("disk");
        assertThat(blockedOnCredits()).as("threads waiting for producer credits").isEmpty();
        assertThat(net.browse(SHINJUKU, "jukibus.outbound")).isEmpty();
        assertThat(net.files(BUNKYO, "outbox", FLOW)).isEmpty();

        // room again: the approved broker.xml as shipped; the legacy system drops the refused notice again
        net.stop(SHINJUKU);
        shinjuku.clear();
        shinjuku.putAll(shipped);
        net.start(SHINJUKU);
        Path error = net.node(SHINJUKU).legacyRoot().resolve("error").resolve(FLOW);
        net.drop(SHINJUKU, FLOW, "DISK-1.xml", Files.readAllBytes(error.resolve("DISK-1.xml")));
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(BUNKYO, "outbox", FLOW).size() == 1);
        assertThat(Files.readString(net.files(BUNKYO, "outbox", FLOW).get(0))).contains("<NoticeId>DISK-1</NoticeId>");
        assertThat(net.context(SHINJUKU).getBean(HealthEndpoint.class).healthForPath("brokerDisk").getStatus())
                .isEqualTo(Status.UP);
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
