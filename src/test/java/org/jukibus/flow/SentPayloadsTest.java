package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SentPayloadsTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static DataSource store;

    @BeforeAll
    static void start() throws Exception {
        store = TestStores.fresh(NodeRole.MUNICIPAL);
    }

    @org.junit.jupiter.api.BeforeEach
    void empty() throws Exception {
        new SentPayloads(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, Duration.ZERO).purgeSealedBefore(NOW.plusSeconds(1));
    }

    @Test
    void keeps_what_was_sealed_for_the_outage_window_and_no_longer() throws Exception {
        SentPayloads kept = new SentPayloads(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30), Duration.ZERO);
        kept.keep("recent", "271004", "c-1", SecureXml.parse("<a xmlns=\"urn:x\">秘</a>".getBytes(StandardCharsets.UTF_8)),
                NOW.minus(Duration.ofDays(29)));
        kept.keep("old", "271004", null, SecureXml.parse("<a xmlns=\"urn:x\">b</a>".getBytes(StandardCharsets.UTF_8)),
                NOW.minus(Duration.ofDays(31)));

        assertThat(kept.purge()).isEqualTo(1);

        assertThat(kept.find("old")).isEmpty();
        SentPayloads.Kept recent = kept.find("recent").orElseThrow();
        assertThat(recent.recipient()).isEqualTo("271004");
        assertThat(recent.correlationId()).isEqualTo("c-1");
        assertThat(new String(recent.payload(), StandardCharsets.UTF_8)).contains("秘");
    }

    /**
     * A message expires at sealed-at + outage window (PeerForwarder, dead letter EXPIRED); the hourly purge of that
     * hour must not take the payload the operator's {@code jukibus dlq resend} seals again: it stays for the allowance.
     */
    @Test
    void a_payload_stays_for_the_resend_allowance_after_its_message_expired() throws Exception {
        SentPayloads kept = new SentPayloads(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30), Duration.ofDays(14));
        kept.keep("expired-a-day-ago", "271004", null, SecureXml.parse("<a xmlns=\"urn:x\">c</a>".getBytes(StandardCharsets.UTF_8)),
                NOW.minus(Duration.ofDays(31)));
        kept.keep("expired-15-days-ago", "271004", null, SecureXml.parse("<a xmlns=\"urn:x\">d</a>".getBytes(StandardCharsets.UTF_8)),
                NOW.minus(Duration.ofDays(45)));

        assertThat(kept.purge()).isEqualTo(1);

        assertThat(kept.find("expired-a-day-ago")).as("resendable within the allowance").isPresent();
        assertThat(kept.find("expired-15-days-ago")).as("past window + allowance: personal data forgotten").isEmpty();
    }

    /**
     * An open delivery status lives up to twice the window (NodeConfiguration#outageWindowPurge); a receipt for it may
     * name an envelope sealed before a crash, so that envelope's digest stays as long, past its payload.
     */
    @Test
    void the_digests_of_the_envelopes_sealed_stay_as_long_as_an_open_delivery_status() throws Exception {
        SentPayloads kept = new SentPayloads(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30), Duration.ofDays(14));
        byte[] envelope = "<Envelope>first seal</Envelope>".getBytes(StandardCharsets.UTF_8);
        kept.keep("sealed-50-days-ago", "271004", null, SecureXml.parse("<a xmlns=\"urn:x\">e</a>".getBytes(StandardCharsets.UTF_8)),
                envelope, NOW.minus(Duration.ofDays(50)));
        kept.keep("sealed-61-days-ago", "271004", null, SecureXml.parse("<a xmlns=\"urn:x\">f</a>".getBytes(StandardCharsets.UTF_8)),
                envelope, NOW.minus(Duration.ofDays(61)));

        assertThat(kept.purge()).isEqualTo(2);

        assertThat(kept.find("sealed-50-days-ago")).as("the payload: past window + allowance").isEmpty();
        assertThat(new org.springframework.jdbc.core.JdbcTemplate(store).queryForList(
                "select message_id from sealed_envelope", String.class))
                .as("its digest: an open status of it may live until 60 days").containsExactly("sealed-50-days-ago");
    }
}
