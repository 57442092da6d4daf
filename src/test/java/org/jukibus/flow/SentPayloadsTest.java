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

    @Test
    void keeps_what_was_sealed_for_the_outage_window_and_no_longer() throws Exception {
        SentPayloads kept = new SentPayloads(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30));
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
}
