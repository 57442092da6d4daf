package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jukibus.it.Codes.*;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import org.jukibus.adapter.file.WaitingFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * End to end, the legacy side of a store outage (outage2 left it to unit tests): Shinjuku's store refuses the node
 * (its login's connection limit 0, its sessions ended: as a store down looks to the node) while its legacy system drops
 * notices. They wait in {@code inbox/}, shown by the drop folder's gauges; nothing goes to {@code error/}, nothing is
 * sent, and the intake's tries are no route failures ({@code JukibusRouteFailures}). Once the
 * store is back, nobody drops anything again: each notice arrives at Bunkyo exactly once.
 */
@Tag("slow")
class StoreDownIntakeIT {

    static final String FLOW = "transfer-in";
    static final String INTAKE = "transfer-in-intake";

    @Test
    void with_the_store_down_dropped_notices_wait_in_the_inbox_and_arrive_once_each_when_it_is_back(
            @Provisioned({SHINJUKU, BUNKYO}) TestNetwork net) throws Exception {
        net.start(SHINJUKU, BUNKYO);
        MeterRegistry registry = net.context(SHINJUKU).getBean(MeterRegistry.class);
        WaitingFiles waiting = net.context(SHINJUKU).getBean(WaitingFiles.class);
        Path inbox = net.node(SHINJUKU).legacyRoot().resolve("inbox").resolve(FLOW);
        double routeFailuresBefore = counted(registry, "jukibus.route.failures", INTAKE);

        String login = "node_" + SHINJUKU;
        storeLogin(net, "alter role " + login + " connection limit 0",
                "select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + login + "'");
        try {
            net.drop(SHINJUKU, FLOW, "STORE-1.xml", Notices.transferIn("STORE-1", RESIDENT, SHINJUKU, BUNKYO));
            await().atMost(Duration.ofSeconds(90)).until(() -> waiting.waiting(inbox));
            net.drop(SHINJUKU, FLOW, "STORE-2.xml", Notices.transferIn("STORE-2", SAMPLE_RESIDENT, SHINJUKU, BUNKYO));
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge(registry, "jukibus.drop.folder.files") == 2.0);
            // the folder's tries come and go (every jukibus.legacy.outage-retry, each waiting out the pool's 10 s
            // connection timeout): at least two more while nothing may change
            Thread.sleep(30_000);

            assertThat(names(net.files(SHINJUKU, "inbox", FLOW))).containsExactlyInAnyOrder("STORE-1.xml", "STORE-2.xml");
            assertThat(net.files(SHINJUKU, "error", FLOW)).as("nothing refused for the outage").isEmpty();
            assertThat(net.files(SHINJUKU, "sent", FLOW)).isEmpty();
            assertThat(gauge(registry, "jukibus.drop.folder.outage")).isEqualTo(1.0);
            assertThat(counted(registry, "jukibus.route.failures", INTAKE)).as("no route failure for an outage")
                    .isEqualTo(routeFailuresBefore);
            assertThat(net.browse(SHINJUKU, "jukibus.outbound")).as("nothing sent").isEmpty();
            assertThat(net.files(BUNKYO, "outbox", FLOW)).isEmpty();
        } finally {
            storeLogin(net, "alter role " + login + " connection limit -1");
        }

        await().atMost(Duration.ofSeconds(120)).until(() -> net.files(BUNKYO, "outbox", FLOW).size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(SHINJUKU, "inbox", FLOW).isEmpty());
        assertThat(names(net.files(SHINJUKU, "sent", FLOW))).containsExactlyInAnyOrder("STORE-1.xml", "STORE-2.xml");
        assertThat(net.files(SHINJUKU, "error", FLOW)).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge(registry, "jukibus.drop.folder.outage") == 0.0
                && gauge(registry, "jukibus.drop.folder.files") == 0.0);
        Thread.sleep(3000); // a second copy would have arrived by now
        assertThat(net.files(BUNKYO, "outbox", FLOW)).hasSize(2);
        assertThat(net.deliveredIds(BUNKYO, FLOW)).as("each exactly once").hasSize(2).doesNotHaveDuplicates();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).tag("folder", FLOW).gauge().value();
    }

    private static double counted(MeterRegistry registry, String name, String route) {
        var counter = registry.find(name).tag("route", route).counter();
        return counter == null ? 0 : counter.count();
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    private static void storeLogin(TestNetwork net, String... statements) throws Exception {
        try (Connection c = net.store.superuser("postgres"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
