package org.jukibus.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jukibus.broker.SecurityEvents;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/** Heartbeat and alert models and their XSDs describe the same documents; security counts are reported once. */
class MonitoringPayloadsTest {

    private final XmlMapper xml = new XmlMapper();

    static NodeHeartbeat heartbeat() {
        return new NodeHeartbeat("131041", "municipal", "2026-11-26T09:00:00Z", NodeHeartbeat.DOWN,
                List.of(new NodeHeartbeat.Component("broker", "UP"), new NodeHeartbeat.Component("routes", "DOWN")),
                List.of(new NodeHeartbeat.Queue("jukibus.dlq", 2), new NodeHeartbeat.Queue("jukibus.inbound.transfer-in", 0),
                        new NodeHeartbeat.Queue("jukibus.outbound", 7)),
                2, 123456789L, "2028-11-26T09:00:00Z", new NodeHeartbeat.SecurityCounts(3, 0, 0, "2026-01-05T10:00:00Z"),
                new NodeHeartbeat.Trust(12, java.math.BigInteger.valueOf(3), "2026-12-03T09:00:00Z"));
    }

    @Test
    void a_heartbeat_written_from_the_model_is_valid_against_its_schema_and_reads_back() throws Exception {
        byte[] written = xml.writeValueAsBytes(heartbeat());

        assertThatCode(() -> Schemas.validate("node-heartbeat.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
        NodeHeartbeat read = xml.readValue(written, NodeHeartbeat.class);
        assertThat(read).isEqualTo(heartbeat());
        assertThat(read.depth("jukibus.outbound")).isEqualTo(7);
        assertThat(read.securityEvents().any()).isTrue();
        assertThat(read.securityEvents().totals()).as("CountedSince read back").isTrue();
    }

    @Test
    void a_heartbeat_without_components_or_queues_is_valid_too() throws Exception {
        NodeHeartbeat bare = new NodeHeartbeat("13", "prefecture", "2026-11-26T09:00:00Z", NodeHeartbeat.UP, List.of(), List.of(),
                -1, -1, "2028-11-26T09:00:00Z", new NodeHeartbeat.SecurityCounts(0, 0, 0));
        byte[] written = xml.writeValueAsBytes(bare);

        assertThatCode(() -> Schemas.validate("node-heartbeat.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(xml.readValue(written, NodeHeartbeat.class)).isEqualTo(bare);
    }

    @Test
    void a_heartbeat_from_a_node_that_does_not_count_refused_messages_yet_is_valid_and_reads_as_none() throws Exception {
        String older = new String(xmlBytes(), StandardCharsets.UTF_8).replaceAll("<MessagesRefused[^>]*>0</MessagesRefused>", "")
                .replaceAll("<CountedSince[^>]*>[^<]*</CountedSince>", "");
        assertThat(older).doesNotContain("MessagesRefused").doesNotContain("CountedSince").contains("PermissionsDenied");

        assertThatCode(() -> Schemas.validate("node-heartbeat.xsd", SecureXml.parse(older.getBytes(StandardCharsets.UTF_8))))
                .doesNotThrowAnyException();
        assertThat(xml.readValue(older, NodeHeartbeat.class).securityEvents()).isEqualTo(new NodeHeartbeat.SecurityCounts(3, 0, 0));
    }

    @Test
    void refused_messages_alone_are_security_events() {
        assertThat(new NodeHeartbeat.SecurityCounts(0, 0, 1).any()).isTrue();
        assertThat(new NodeHeartbeat.SecurityCounts(0, 0, 0).any()).isFalse();
    }

    @Test
    void the_heartbeat_schema_refuses_a_person() {
        String withPerson = new String(xmlBytes(), StandardCharsets.UTF_8)
                .replace("<Health", "<ResidentCode xmlns=\"urn:jukibus:node-heartbeat:1\">12345678903</ResidentCode><Health");

        assertThatThrownBy(() -> Schemas.validate("node-heartbeat.xsd", SecureXml.parse(withPerson.getBytes(StandardCharsets.UTF_8))))
                .isNotNull();
    }

    private byte[] xmlBytes() {
        try {
            return xml.writeValueAsBytes(heartbeat());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void an_alert_written_from_the_model_is_valid_against_its_schema_and_reads_back() throws Exception {
        NodeStatusAlert alert = new NodeStatusAlert("131059", "municipal", "SILENT", "2026-11-26T09:00:00Z", null,
                "no heartbeat since central started at 2026-11-26T09:00:00Z (silent after PT3M)");
        byte[] written = xml.writeValueAsBytes(alert);

        assertThatCode(() -> Schemas.validate("node-status-alert.xsd", SecureXml.parse(written))).doesNotThrowAnyException();
        assertThat(xml.readValue(written, NodeStatusAlert.class)).isEqualTo(alert);
    }

    @Test
    void security_events_are_counted_and_each_is_reported_once() throws Exception {
        SecurityEvents events = new SecurityEvents();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    events.loginRefused("127.0.0.1:1", "test");
                    events.permissionDenied("131041", "SEND", "jukibus.dlq");
                    events.messageRefused("131059", "REPLAY");
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(events.drain()).isEqualTo(new SecurityEvents.Counts(1000, 1000, 1000));
        assertThat(events.drain()).isEqualTo(new SecurityEvents.Counts(0, 0, 0));
        events.restore(new SecurityEvents.Counts(2, 1, 3));
        assertThat(events.drain()).isEqualTo(new SecurityEvents.Counts(2, 1, 3));
    }
}
