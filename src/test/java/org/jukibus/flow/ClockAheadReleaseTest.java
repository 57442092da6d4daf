package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jukibus.audit.Sha256;
import org.jukibus.clock.MovableClock;
import org.jukibus.core.NodeRole;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * The release of envelopes held as made ahead of this node's clock, on a real broker and store: a batch put back
 * again (its "released" write failed after the sends) is dropped by the broker, while a row held again goes back once
 * more; and "this node's clock is behind" (several senders held at once) is told apart from one sender's clock ahead,
 * which one sender kept held for ever cannot hide.
 */
class ClockAheadReleaseTest {

    static final String QUEUE = ClockAheadRelease.INBOUND_PREFIX + "transfer-in";
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    static final Duration MAX_FUTURE = Duration.ofMinutes(5);
    static int vm = 7437;

    MovableClock clock = new MovableClock(NOW);
    DataSource store;
    ClockAheadHold hold;
    EmbeddedActiveMQ broker;
    ActiveMQConnectionFactory local;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClockAheadRelease release;
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(ClockAheadHold.class);

    @BeforeEach
    void start() throws Exception {
        ((Logger) LoggerFactory.getLogger("org.apache.activemq")).setLevel(Level.WARN);
        store = TestStores.fresh(NodeRole.MUNICIPAL);
        hold = new ClockAheadHold(store, clock, Duration.ofDays(30), MAX_FUTURE, new ClockAheadHold.Bound(100, 1 << 20));
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://" + ++vm);
        config.addQueueConfiguration(QueueConfiguration.of(QUEUE).setRoutingType(RoutingType.ANYCAST));
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        local = new ActiveMQConnectionFactory("vm://" + vm);
        release = new ClockAheadRelease(hold, local, registry, Duration.ofDays(30), null);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stop() throws Exception {
        logger.detachAppender(lines);
        release.close();
        local.close();
        broker.stop();
    }

    /**
     * analysis-merge11 L1: the copies went back, then marking them released failed (a store blip after the sends): the
     * next round finds them due again and sends them again. The broker drops them as duplicates: one copy each on the
     * queue, not a second that would be a REPLAY dead letter and a security event. A row held again (its copy came back
     * still ahead: the clock moved back) is a new put-back and does go back.
     */
    @Test
    void a_batch_put_back_again_after_its_released_write_failed_is_one_copy_each_but_a_row_held_again_goes_back() throws Exception {
        byte[] first = envelope("first");
        byte[] second = envelope("second");
        held("271004", "m-1", first);
        held("271004", "m-2", second);
        clock.move(Duration.ofHours(1));

        assertThat(release.round()).isEqualTo(2);
        new JdbcTemplate(store).update("UPDATE clock_ahead_hold SET released_at = NULL"); // as if released() had failed
        assertThat(release.round()).as("due again, sent again").isEqualTo(2);
        assertThat(onTheQueue()).as("one copy each").containsExactlyInAnyOrder("first", "second");

        // the copy of m-1 came back still ahead (the clock moved back): held again, its next put-back not a duplicate
        assertThat(hold.hold("transfer-in", header("271004", "m-1", NOW.plus(Duration.ofHours(1))), first, Sha256.hex(first), true))
                .isEqualTo(ClockAheadHold.Decision.HELD);
        assertThat(release.round()).isEqualTo(1);
        assertThat(onTheQueue()).containsExactlyInAnyOrder("first", "second", "first");
    }

    /**
     * Review L3: a copy sent first in its batch can come back still ahead (the clock stepped back) and be held again
     * before the batch is marked released; that row is not marked released with it (no copy of it is anywhere), but
     * goes back with the next round.
     */
    @Test
    void a_row_held_again_before_its_batch_is_marked_released_stays_due() {
        byte[] first = envelope("first");
        held("271004", "m-1", first);
        clock.move(Duration.ofHours(1));
        List<ClockAheadHold.Held> due = hold.due(10, 1 << 20);
        assertThat(hold.hold("transfer-in", header("271004", "m-1", NOW.plus(Duration.ofHours(1))), first, Sha256.hex(first), true))
                .isEqualTo(ClockAheadHold.Decision.HELD);
        hold.released(due);
        assertThat(hold.due(10, 1 << 20)).extracting(ClockAheadHold.Held::putBacks).containsExactly(1);
    }

    /**
     * analysis-merge11 M2: Osaka-shi keeps one envelope held (its clock ten years ahead): an episode of its own, a
     * sender's-clock alert. When this node's clock then falls behind and a second sender's envelopes are held, the
     * node-clock signal changes (the senders' gauge, the health component's question) and a WARN says so, though the
     * first sender's episode never ended.
     */
    @Test
    void one_sender_kept_held_does_not_hide_this_nodes_clock_falling_behind() throws Exception {
        held("271004", "m-far", NOW.plus(Duration.ofDays(3650)), envelope("far"));
        release.round();
        assertThat(gauge("jukibus.delivery.clock.ahead.senders")).isEqualTo(1);
        assertThat(ClockAheadHold.alert(release.heldBySender())).contains("its clock is probably ahead").contains("271004");
        assertThat(warnings()).singleElement().asString().contains("one sender, 271004");
        release.round();
        assertThat(warnings()).as("once per episode").hasSize(1);

        held("131059", "m-b", NOW.plus(Duration.ofHours(1)), envelope("bunkyo"));
        release.round();
        assertThat(gauge("jukibus.delivery.clock.ahead.senders")).isEqualTo(2);
        assertThat(ClockAheadHold.alert(release.heldBySender())).contains("2 senders at once: is this node's clock behind?");
        assertThat(warnings()).hasSize(2).last().asString().contains("is this node's clock behind?");

        // the clock is right again: Bunkyo-ku's goes back, Osaka-shi's stays; a later episode WARNs again, an hour on
        clock.move(Duration.ofHours(1));
        release.round();
        assertThat(gauge("jukibus.delivery.clock.ahead.senders")).isEqualTo(1);
        clock.move(Duration.ofHours(1));
        held("131059", "m-b2", clock.instant().plus(Duration.ofHours(1)), envelope("bunkyo 2"));
        assertThat(warnings()).hasSize(3).last().asString().contains("is this node's clock behind?");
    }

    @Test
    void the_alerts_series_are_there_from_the_start() {
        assertThat(gauge("jukibus.delivery.clock.ahead.senders")).isZero();
        assertThat(gauge("jukibus.delivery.clock.ahead.held.envelopes")).isZero();
    }

    private void held(String sender, String id, byte[] envelope) {
        held(sender, id, NOW.plus(Duration.ofHours(1)), envelope);
    }

    private void held(String sender, String id, Instant createdAt, byte[] envelope) {
        assertThat(hold.hold("transfer-in", header(sender, id, createdAt), envelope, Sha256.hex(envelope), false))
                .isEqualTo(ClockAheadHold.Decision.HELD);
    }

    private static EnvelopeHeader header(String sender, String id, Instant createdAt) {
        return new EnvelopeHeader(id, "TransferInNotice", sender, "131041", createdAt, null);
    }

    private static byte[] envelope(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> warnings() {
        return lines.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    /** The bodies on the inbound queue, each a put-back copy stamped with its signer. */
    private List<String> onTheQueue() throws Exception {
        List<String> bodies = new ArrayList<>();
        try (Connection connection = local.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = session.createBrowser(session.createQueue(QUEUE))) {
            connection.start();
            for (Message m : Collections.list((java.util.Enumeration<Message>) browser.getEnumeration())) {
                assertThat(m.getStringProperty(ClockAheadRelease.HELD_FOR)).isEqualTo("271004");
                bodies.add(new String(m.getBody(byte[].class), StandardCharsets.UTF_8));
            }
        }
        return bodies;
    }
}
