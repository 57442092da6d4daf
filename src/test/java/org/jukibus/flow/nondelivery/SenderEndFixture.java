package org.jukibus.flow.nondelivery;

import java.nio.file.Path;
import java.time.Instant;

import javax.sql.DataSource;

import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.clock.MovableClock;
import org.jukibus.core.NodeRole;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the tests of the sender's end against a real store start from: the sent-message records in a fresh municipal
 * store and the legacy outbox its NonDelivery files go to (both one per test class), and a node clock (one per test).
 * The per-class state is in static fields of this class: the test classes must not run in parallel (they do not).
 */
abstract class SenderEndFixture {

    static SentMessages sent;
    static DataSource store;
    @TempDir
    static Path legacy;

    final MovableClock clock = new MovableClock(Instant.parse("2026-11-21T00:00:00Z"));
    final NonDeliveryFiles files = new NonDeliveryFiles(new LegacyOutbox(legacy, new TransferLedger(store, clock)));

    @BeforeAll
    static void start() {
        store = TestStores.fresh(NodeRole.MUNICIPAL);
        sent = new SentMessages(new JdbcTemplate(store));
    }

    /** A NonDelivery file of that name in the legacy outbox. */
    static Path report(String name) {
        return legacy.resolve("outbox").resolve(NonDeliveryFiles.FOLDER).resolve(name);
    }
}
