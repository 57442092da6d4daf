package org.jukibus.flow.nondelivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.transferin.TransferInFlow;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;


/**
 * Receipts in batches against a real store: the recipient owes a receipt per delivered message until its batch is
 * sent (a crash in between loses none), one batch per sender; the sender closes only what it sent to the batch's
 * signer, with the digest it sent, and writes the receipt file its legacy system has always had.
 */
class ReceiptBatchStoreTest {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    static final String SAPPORO = "011002";
    static final String DIGEST = "ab".repeat(32);
    static final java.time.Duration WINDOW = java.time.Duration.ofDays(30);

    static DataSource store;
    static SentMessages sent;
    @TempDir
    static Path legacy;

    final Clock clock = Clock.fixed(Instant.parse("2026-11-21T00:00:00Z"), ZoneOffset.UTC);

    @BeforeAll
    static void start() throws Exception {
        store = org.jukibus.store.TestStores.fresh(org.jukibus.core.NodeRole.MUNICIPAL);
        sent = new SentMessages(new JdbcTemplate(store));
    }

    @Test
    void receipts_owed_go_out_one_batch_per_sender_and_stay_owed_until_the_batch_is_sent() throws Exception {
        ReceiptBatches osaka = new ReceiptBatches(new PendingReceipts(new JdbcTemplate(store)), OSAKA, true, 2, code -> true, clock, WINDOW);
        List<String> fromShinjuku = List.of(id(), id(), id());
        for (String id : fromShinjuku) {
            assertThat(osaka.batch(header(id, SHINJUKU, OSAKA), DIGEST)).isTrue();
        }
        osaka.batch(header(id(), SAPPORO, OSAKA), DIGEST);
        osaka.batch(header(fromShinjuku.get(0), SHINJUKU, OSAKA), DIGEST); // a redelivery owes nothing more

        List<Answer> first = tick(osaka, false); // made, but the send failed: the next tick of the same node takes them again
        assertThat(tick(osaka, false)).extracting(Answer::messageId)
                .containsExactlyElementsOf(first.stream().map(Answer::messageId).toList());
        // ... and so does a node that died before they were in the outbound queue
        List<Answer> again = tick(new ReceiptBatches(new PendingReceipts(new JdbcTemplate(store)), OSAKA, true, 2, code -> true, clock, WINDOW), true);

        assertThat(again).extracting(Answer::messageId).containsExactlyElementsOf(first.stream().map(Answer::messageId).toList());
        assertThat(again).extracting(Answer::recipient).containsExactlyInAnyOrder(SHINJUKU, SHINJUKU, SAPPORO);
        List<String> acknowledged = again.stream().filter(a -> a.recipient().equals(SHINJUKU))
                .flatMap(a -> read(a).received().stream()).map(ReceiptBatch.Received::messageId).toList();
        assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(fromShinjuku);
        for (Answer batch : again) {
            Schemas.validate("receipt-batch.xsd", batch.payload());
            assertThat(read(batch).recipient()).isEqualTo(OSAKA);
        }
        assertThat(tick(osaka, true)).as("nothing owed once sent").isEmpty();
        Exchange idle = new DefaultExchange(new DefaultCamelContext());
        osaka.make(idle);
        assertThat(idle.getProperty(org.jukibus.flow.Headers.NOTHING_TO_SEND, Boolean.class))
                .as("an idle tick says so: the route stops before sealing and recording nothing").isTrue();
        osaka.batch(header(id(), SHINJUKU, OSAKA), DIGEST);
        Exchange owing = new DefaultExchange(new DefaultCamelContext());
        osaka.make(owing);
        assertThat(owing.getProperty(org.jukibus.flow.Headers.NOTHING_TO_SEND)).isNull();
        osaka.sent(owing);
    }

    /**
     * L3: a node briefly unsealable (re-keyed after a revocation, its new certificate not yet in the directory) gets the
     * receipts owed to it once it can be sealed to again; meanwhile they hold back nobody and are not read every tick.
     */
    @Test
    void receipts_owed_to_a_node_that_cannot_be_sealed_to_are_held_and_go_out_once_it_can() throws Exception {
        org.jukibus.clock.MovableClock moving = new org.jukibus.clock.MovableClock(Instant.parse("2026-11-21T00:00:00Z"));
        java.util.concurrent.atomic.AtomicBoolean listed = new java.util.concurrent.atomic.AtomicBoolean(false);
        ReceiptBatches osaka = new ReceiptBatches(new PendingReceipts(new JdbcTemplate(store)), OSAKA, true, 2,
                code -> !code.equals(SAPPORO) || listed.get(), moving, WINDOW);
        String owed = id();
        osaka.batch(header(owed, SAPPORO, OSAKA), DIGEST);
        osaka.batch(header(id(), SHINJUKU, OSAKA), DIGEST);

        assertThat(tick(osaka, true)).extracting(Answer::recipient).containsExactly(SHINJUKU);
        osaka.batch(header(id(), SHINJUKU, OSAKA), DIGEST);
        assertThat(tick(osaka, true)).as("held: passed over").extracting(Answer::recipient).containsExactly(SHINJUKU);
        Exchange idle = new DefaultExchange(new DefaultCamelContext());
        osaka.make(idle);
        assertThat(idle.getProperty(org.jukibus.flow.Headers.NOTHING_TO_SEND)).as("not read every tick").isEqualTo(true);

        listed.set(true); // the next directory lists its new certificate
        moving.move(java.time.Duration.ofSeconds(ReceiptBatches.RETRY_SECONDS));
        List<Answer> out = tick(osaka, true);
        assertThat(out).extracting(Answer::recipient).containsExactly(SAPPORO);
        assertThat(read(out.get(0)).received()).extracting(ReceiptBatch.Received::messageId).containsExactly(owed);
        assertThat(tick(new ReceiptBatches(new PendingReceipts(new JdbcTemplate(store)), OSAKA, true, 2, code -> true, clock, WINDOW), true))
                .as("nothing owed to anyone any more").isEmpty();
    }

    /** Bounded: held for the outage window after they were owed, and at most so many per node; the rest is forgotten. */
    @Test
    void receipts_held_for_a_node_that_stays_unsealable_are_bounded_in_time_and_number() throws Exception {
        org.jukibus.clock.MovableClock moving = new org.jukibus.clock.MovableClock(Instant.parse("2026-11-21T00:00:00Z"));
        PendingReceipts pending = new PendingReceipts(new JdbcTemplate(store));
        ReceiptBatches osaka = new ReceiptBatches(pending, OSAKA, true, 2, code -> !code.equals(SAPPORO), moving, WINDOW);
        osaka.batch(header(id(), SAPPORO, OSAKA), DIGEST);
        assertThat(tick(osaka, true)).isEmpty();
        assertThat(pending.oldest(10)).extracting(PendingReceipts.Pending::sender).containsExactly(SAPPORO);
        assertThat(osaka.owed()).as("held receipts keep the on-demand ticks going, for their next look").isTrue();

        moving.move(WINDOW.plusMinutes(1));
        assertThat(tick(osaka, true)).isEmpty();
        assertThat(pending.oldest(10)).as("owed longer than the window: forgotten").isEmpty();

        for (int i = 0; i < 5; i++) {
            pending.add(new PendingReceipts.Pending(SAPPORO, id(), DIGEST, moving.instant().plusSeconds(i)));
        }
        assertThat(pending.forget(SAPPORO, moving.instant().minus(WINDOW), 3)).isEqualTo(2);
        assertThat(pending.oldest(10)).extracting(PendingReceipts.Pending::receivedAt)
                .as("the newest kept").allMatch(t -> !t.isBefore(moving.instant().plusSeconds(2)));
        pending.remove(pending.oldest(10));
    }

    @Test
    void without_batching_nothing_is_owed() {
        ReceiptBatches off = new ReceiptBatches(new PendingReceipts(new JdbcTemplate(store)), OSAKA, false, 2, code -> true, clock, WINDOW);
        assertThat(off.batch(header(id(), SHINJUKU, OSAKA), DIGEST)).isFalse();
    }

    @Test
    void the_sender_closes_only_its_own_messages_to_the_signer_with_the_digest_it_sent() throws Exception {
        String toOsaka = sentTo(OSAKA, DIGEST);
        String toOsakaOtherDigest = sentTo(OSAKA, "cd".repeat(32));
        String toSapporo = sentTo(SAPPORO, DIGEST);
        String neverSent = id();
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(14));
        ReceiptBatchHandler shinjuku = new ReceiptBatchHandler(sent, sealed, SHINJUKU, clock);
        LegacyOutbox outbox = new LegacyOutbox(legacy, new TransferLedger(store, clock));

        Delivered batch = batchFrom(OSAKA, toOsaka, toOsakaOtherDigest, toSapporo, neverSent);
        shinjuku.deliver(batch, outbox);

        assertThat(sent.find(toOsaka, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
        assertThat(sent.find(toOsakaOtherDigest, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.PENDING);
        assertThat(sent.find(toSapporo, SAPPORO).orElseThrow().state()).as("Osaka cannot speak for Sapporo")
                .isEqualTo(SentMessages.State.PENDING);
        Path receipts = legacy.resolve("outbox/receipt");
        Path file = receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, toOsaka) + ".xml");
        Path otherEnvelope = receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, toOsakaOtherDigest) + ".xml");
        assertThat(Files.list(receipts).filter(p -> p.getFileName().toString().startsWith(OSAKA)).toList())
                .as("another envelope of ours with that id (sealed again after a crash): its receipt file, the message left open")
                .containsExactlyInAnyOrder(file, otherEnvelope);
        byte[] written = Files.readAllBytes(file);
        Schemas.validate("receipt.xsd", SecureXml.parse(written)); // the legacy contract of a single receipt
        assertThat(new String(written, StandardCharsets.UTF_8)).contains(toOsaka, "<Recipient>271004</Recipient>", DIGEST);

        Files.delete(file);
        shinjuku.deliver(batch, outbox); // the same batch again after a crash: already closed, nothing written
        assertThat(file).doesNotExist();

        // a batch that overtakes the intake: sealed here for Osaka-shi, its delivery status not recorded yet
        String overtaken = id();
        sealed.keep(overtaken, OSAKA, null, SecureXml.parse("<p/>".getBytes(StandardCharsets.UTF_8)), clock.instant());
        Delivered early = batchFrom(OSAKA, overtaken);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shinjuku.deliver(early, outbox))
                .as("delivered again later, not ignored: its receipt would be lost")
                .isInstanceOf(org.jukibus.flow.TransientFailure.class)
                .hasMessageContaining("before this node recorded sending it");
        sent.record(overtaken, "transfer-in", OSAKA, clock.instant(), false, DIGEST);
        shinjuku.deliver(early, outbox);
        assertThat(sent.find(overtaken, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
        assertThat(receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, overtaken) + ".xml")).exists();

        // sealed for Osaka-shi long ago and its delivery status gone (closed and purged at the window, the payload kept
        // 14 days longer): a batch naming it, from a restored or hostile peer, must not wait for ever and hold back the
        // other receipts in it
        String purged = id();
        sealed.keep(purged, OSAKA, null, SecureXml.parse("<p/>".getBytes(StandardCharsets.UTF_8)),
                clock.instant().minus(java.time.Duration.ofDays(20)));
        String open = sentTo(OSAKA, DIGEST);
        shinjuku.deliver(batchFrom(OSAKA, purged, open), outbox);
        assertThat(sent.find(open, OSAKA).orElseThrow().state()).as("the other receipt in the batch closes its message")
                .isEqualTo(SentMessages.State.DELIVERED);
        assertThat(sent.find(purged, OSAKA)).isEmpty();
        assertThat(receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, purged) + ".xml")).doesNotExist();
    }

    /**
     * A batch's receipt files are written together and its messages closed together: every entry gets its file (in
     * the ledger too) and closes its message, an id listed twice gets one file and is closed once.
     */
    @Test
    void every_entry_of_a_batch_gets_its_file_and_its_ledger_line_and_closes_its_message(@TempDir Path root) throws Exception {
        List<String> ids = java.util.stream.Stream.generate(() -> sentTo(OSAKA, DIGEST)).limit(5).toList();
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(14));
        ReceiptBatchHandler shinjuku = new ReceiptBatchHandler(sent, sealed, SHINJUKU, clock);
        TransferLedger ledger = new TransferLedger(store, clock);
        LegacyOutbox outbox = new LegacyOutbox(root, ledger);
        List<String> listed = new java.util.ArrayList<>(ids);
        listed.add(ids.get(2));

        shinjuku.deliver(batchFrom(OSAKA, listed.toArray(String[]::new)), outbox);

        Path receipts = root.resolve("outbox/receipt");
        List<String> names = ids.stream().map(id -> OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, id) + ".xml").toList();
        List<TransferLedger.Entry> lines = ledger.day(clock.instant().atZone(ZoneOffset.UTC).toLocalDate(), "receipt");
        for (int i = 0; i < ids.size(); i++) {
            assertThat(sent.find(ids.get(i), OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
            byte[] written = Files.readAllBytes(receipts.resolve(names.get(i)));
            assertThat(new String(written, StandardCharsets.UTF_8)).contains(ids.get(i));
            String name = names.get(i);
            assertThat(lines).as("ledger line of " + name).filteredOn(e -> e.fileName().equals(name))
                    .singleElement().satisfies(e -> assertThat(e.sha256()).isEqualTo(TransferLedger.sha256(written)));
        }
        try (var left = Files.list(receipts)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left").noneMatch(n -> n.startsWith("."));
        }
    }

    /**
     * A sender killed after its message reached the outbound queue and before it recorded the delivery status picks
     * the file up again and seals it again under the same id (a new key: a new digest); the recipient keeps the first
     * copy, and its receipt names the first digest. That still closes the message (no false overdue report later);
     * a digest this node never sealed for the signer does not, nor does one it sealed for another node.
     */
    @Test
    void a_receipt_for_an_envelope_sealed_before_a_crash_under_the_same_id_closes_the_message() throws Exception {
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(14));
        org.w3c.dom.Document payload = SecureXml.parse("<p/>".getBytes(StandardCharsets.UTF_8));
        byte[] first = "<Envelope>first seal, then killed</Envelope>".getBytes(StandardCharsets.UTF_8);
        byte[] second = "<Envelope>sealed again at restart</Envelope>".getBytes(StandardCharsets.UTF_8);
        String resealed = id();
        sealed.keep(resealed, OSAKA, null, payload, first, clock.instant());
        sealed.keep(resealed, OSAKA, null, payload, second, clock.instant());
        sent.record(resealed, TransferInFlow.NOTICE.name(), OSAKA, clock.instant(), true, org.jukibus.audit.Sha256.hex(second));
        String forSapporo = id();
        sealed.keep(forSapporo, SAPPORO, null, payload, first, clock.instant());
        sealed.keep(forSapporo, SAPPORO, null, payload, second, clock.instant());
        sent.record(forSapporo, TransferInFlow.NOTICE.name(), SAPPORO, clock.instant(), true, org.jukibus.audit.Sha256.hex(second));
        String forged = id();
        sealed.keep(forged, OSAKA, null, payload, second, clock.instant());
        sent.record(forged, TransferInFlow.NOTICE.name(), OSAKA, clock.instant(), true, org.jukibus.audit.Sha256.hex(second));
        ReceiptBatchHandler shinjuku = new ReceiptBatchHandler(sent, sealed, SHINJUKU, clock);
        LegacyOutbox outbox = new LegacyOutbox(legacy, new TransferLedger(store, clock));

        shinjuku.deliver(batchFrom(OSAKA, List.of(
                new ReceiptBatch.Received(resealed, "2026-11-21T00:00:00Z", org.jukibus.audit.Sha256.hex(first)),
                new ReceiptBatch.Received(forSapporo, "2026-11-21T00:00:00Z", org.jukibus.audit.Sha256.hex(first)),
                new ReceiptBatch.Received(forged, "2026-11-21T00:00:00Z", org.jukibus.audit.Sha256.hex(first)))), outbox);

        assertThat(sent.find(resealed, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
        assertThat(sent.find(forSapporo, SAPPORO).orElseThrow().state()).as("Osaka cannot speak for Sapporo")
                .isEqualTo(SentMessages.State.PENDING);
        assertThat(sent.find(forged, OSAKA).orElseThrow().state()).as("a digest never sealed for Osaka-shi under that id")
                .isEqualTo(SentMessages.State.PENDING);
    }

    /**
     * A batch delivered again (the node died after its files and before it closed its messages, or an entry stays
     * open) writes no second receipt file: the legacy system may have taken the first one already.
     */
    @Test
    void a_batch_delivered_again_writes_each_entrys_receipt_file_once() throws Exception {
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(14));
        ReceiptBatchHandler shinjuku = new ReceiptBatchHandler(sent, sealed, SHINJUKU, clock);
        LegacyOutbox outbox = new LegacyOutbox(legacy, new TransferLedger(store, clock));
        String otherEnvelope = sentTo(OSAKA, "cd".repeat(32)); // its receipt file is written, the message stays open
        String killedBeforeClosed = sentTo(OSAKA, DIGEST);
        Delivered batch = batchFrom(OSAKA, otherEnvelope, killedBeforeClosed);
        Path receipts = legacy.resolve("outbox/receipt");
        Path first = receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, otherEnvelope) + ".xml");
        Path second = receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, killedBeforeClosed) + ".xml");

        shinjuku.deliver(batch, outbox);
        assertThat(first).exists();
        assertThat(second).exists();
        Files.delete(first); // the legacy system takes the files
        Files.delete(second);
        // as if killed after the files and before the messages were closed
        new JdbcTemplate(store).update("UPDATE delivery_status SET state = 'PENDING', closed_at = NULL, closed_by = NULL"
                + " WHERE message_id = ?", killedBeforeClosed);

        shinjuku.deliver(batch, outbox);

        assertThat(first).as("written once, when the batch first came").doesNotExist();
        assertThat(second).as("written once, when the batch first came").doesNotExist();
        assertThat(sent.find(killedBeforeClosed, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
        assertThat(sent.find(otherEnvelope, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.PENDING);
    }

    /**
     * A batch whose files could be written only in part (here a rename refused; a full disk refuses them all before any
     * is in place) records the ones in place: the retry writes only the others, never one the legacy system took.
     */
    @Test
    void a_batch_written_in_part_writes_the_rest_on_its_retry_and_none_twice() throws Exception {
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(14));
        ReceiptBatchHandler shinjuku = new ReceiptBatchHandler(sent, sealed, SHINJUKU, clock);
        LegacyOutbox outbox = new LegacyOutbox(legacy, new TransferLedger(store, clock));
        String one = sentTo(OSAKA, DIGEST);
        String two = sentTo(OSAKA, DIGEST);
        Path receipts = legacy.resolve("outbox/receipt");
        Path first = receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, one) + ".xml");
        Path second = receipts.resolve(OSAKA + "-" + MessageIds.receiptOf(SHINJUKU, two) + ".xml");
        Files.createDirectories(second.resolve("blocking")); // the second rename fails: a non-empty folder in its place
        Delivered batch = batchFrom(OSAKA, one, two);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shinjuku.deliver(batch, outbox))
                .isInstanceOf(org.jukibus.flow.TransientFailure.class);
        assertThat(first).isRegularFile();
        Files.delete(first); // the legacy system takes it
        Files.delete(second.resolve("blocking"));
        Files.delete(second);

        shinjuku.deliver(batch, outbox);

        assertThat(first).as("in place before the failure: not written twice").doesNotExist();
        assertThat(second).isRegularFile();
        Files.delete(second);
        assertThat(sent.find(one, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
        assertThat(sent.find(two, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
    }

    /**
     * A hostile peer's single receipt under the id another peer's batch entry will use does not stand for that entry's
     * receipt file: the legacy system still gets the real recipient's receipt.
     */
    @Test
    void a_hostile_peers_receipt_under_the_same_id_does_not_suppress_the_recipients_receipt_file() throws Exception {
        org.jukibus.flow.SentPayloads sealed = new org.jukibus.flow.SentPayloads(store, clock, java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(14));
        ReceiptBatchHandler shinjuku = new ReceiptBatchHandler(sent, sealed, SHINJUKU, clock);
        LegacyOutbox outbox = new LegacyOutbox(legacy, new TransferLedger(store, clock));
        String toOsaka = sentTo(OSAKA, DIGEST);
        String forgedId = MessageIds.receiptOf(SHINJUKU, toOsaka);
        outbox.write(new Delivered(org.jukibus.flow.Flows.RECEIPT, new EnvelopeHeader(forgedId, "Receipt", SAPPORO, SHINJUKU,
                clock.instant(), toOsaka), "<Receipt/>".getBytes(StandardCharsets.UTF_8)));

        shinjuku.deliver(batchFrom(OSAKA, toOsaka), outbox);

        Path osakas = legacy.resolve("outbox/receipt").resolve(OSAKA + "-" + forgedId + ".xml");
        assertThat(osakas).as("Osaka-shi's receipt reaches the legacy system").exists();
        Files.delete(osakas);
        Files.delete(legacy.resolve("outbox/receipt").resolve(SAPPORO + "-" + forgedId + ".xml"));
        assertThat(sent.find(toOsaka, OSAKA).orElseThrow().state()).isEqualTo(SentMessages.State.DELIVERED);
    }

    /** The scheduled-send template stops an idle tick on the property make sets (a typo would seal an empty list again). */
    @Test
    void the_scheduled_send_template_stops_on_the_property_an_idle_tick_sets() throws Exception {
        assertThat(Files.readString(Path.of("routes/common/flow-templates.yaml")))
                .contains("simple: \"${exchangeProperty." + org.jukibus.flow.Headers.NOTHING_TO_SEND + "} == true\"");
    }

    /**
     * The route ticks only while receipts are owed (issue 19 item 5: five idle ticks a second per node): once after the
     * start, then one interval after a receipt is owed, and again while a tick fails, until one settles them.
     */
    @Test
    void the_route_ticks_only_while_receipts_are_owed() throws Exception {
        ReceiptBatches osaka = new ReceiptBatches(new PendingReceipts(new JdbcTemplate(store)), OSAKA, true, 200, code -> true, clock, WINDOW);
        ReceiptBatchTicks ticks = new ReceiptBatchTicks(osaka);
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("receiptBatchTicks", ticks);
            camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("scheduler:receipt-batch?delay=100ms&initialDelay=100&scheduler=#receiptBatchTicks").routeId("receipt-batch").process(e -> {
                        osaka.make(e);
                        made.incrementAndGet();
                        if (failing.get()) {
                            throw new IllegalStateException("sealing failed");
                        }
                        osaka.sent(e);
                    });
                }
            });
            camel.start();
            awaitCount(made, 1); // the start's tick, for what a crash left
            Thread.sleep(600);
            assertThat(made).as("nothing owed: no tick").hasValue(1);

            osaka.batch(header(id(), SHINJUKU, OSAKA), DIGEST);
            osaka.batch(header(id(), SHINJUKU, OSAKA), DIGEST); // shares the tick the first asked for
            awaitCount(made, 2);
            Thread.sleep(600);
            assertThat(made).as("settled: no tick").hasValue(2);

            failing.set(true);
            osaka.batch(header(id(), SAPPORO, OSAKA), DIGEST);
            awaitCount(made, 5); // a failed tick leaves it owed: tried again every interval
            failing.set(false);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (osaka.owed() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(osaka.owed()).isFalse();
            int settledAt = made.get();
            Thread.sleep(600);
            assertThat(made).as("settled again: no tick").hasValue(settledAt);

            camel.getRouteController().stopRoute("receipt-batch");
        }
        // a tick asked for just before a stop went with it (the executor's shutdownNow): the next start ticks all the
        // same; a delay of seconds, so that the stop comes before the queued tick could run
        ReceiptBatchTicks slow = new ReceiptBatchTicks(osaka);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("slowTicks", slow);
            camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("scheduler:receipt-batch-slow?delay=3s&initialDelay=3000&scheduler=#slowTicks").routeId("slow").process(e -> {
                        osaka.make(e);
                        made.incrementAndGet();
                        osaka.sent(e);
                    });
                }
            });
            camel.start();
            int before = made.get();
            awaitCount(made, before + 1); // the start's tick
            int queuedAt = made.get();
            osaka.batch(header(id(), SHINJUKU, OSAKA), DIGEST);
            camel.getRouteController().stopRoute("slow");
            assertThat(made).as("the stop came before the queued tick").hasValue(queuedAt);
            camel.getRouteController().startRoute("slow");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (osaka.owed() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(osaka.owed()).as("owed across a restart of the route, sent after it").isFalse();
        }
    }

    private static void awaitCount(java.util.concurrent.atomic.AtomicInteger count, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (count.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(count.get()).isGreaterThanOrEqualTo(atLeast);
    }

    private List<Answer> tick(ReceiptBatches batches, boolean sentToQueue) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        batches.make(exchange);
        @SuppressWarnings("unchecked")
        List<Answer> made = exchange.getIn().getBody(List.class);
        if (sentToQueue) {
            batches.sent(exchange);
        }
        return made;
    }

    private static ReceiptBatch read(Answer batch) {
        try {
            return Payloads.read(SecureXml.serialize(batch.payload()), ReceiptBatch.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Delivered batchFrom(String signer, String... ids) throws Exception {
        return batchFrom(signer, java.util.Arrays.stream(ids)
                .map(id -> new ReceiptBatch.Received(id, "2026-11-21T00:00:00Z", DIGEST)).toList());
    }

    private Delivered batchFrom(String signer, List<ReceiptBatch.Received> received) throws Exception {
        byte[] payload = Payloads.bytes(new ReceiptBatch(signer, received));
        return new Delivered(ReceiptBatchFlow.FLOW, header(id(), signer, SHINJUKU), payload);
    }

    private String sentTo(String recipient, String digest) {
        String id = id();
        sent.record(id, TransferInFlow.NOTICE.name(), recipient, clock.instant(), true, digest);
        return id;
    }

    private EnvelopeHeader header(String id, String sender, String recipient) {
        return new EnvelopeHeader(id, "TransferInNotice", sender, recipient, clock.instant(), null);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
