package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.utils.XMLUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerTemplateTest {

    @TempDir
    Path dir;

    @Test
    void every_role_file_uses_only_placeholders_the_node_fills_in() throws Exception {
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            BrokerTemplate template = BrokerTemplate.load(Path.of("broker-config"), role);
            assertThat(template.placeholders()).as(role).containsExactlyInAnyOrder(
                    "jukibus.broker.name", "jukibus.broker.data", "jukibus.broker.vm-id",
                    "jukibus.link.primary.host", "jukibus.link.primary.port", "jukibus.link.backup.host", "jukibus.link.backup.port",
                    "jukibus.tls.keystore", "jukibus.tls.keystore-password", "jukibus.tls.truststore",
                    "jukibus.tls.truststore-password", "jukibus.tls.crl");
        }
    }

    /**
     * Issue 19: the clients send every envelope up to the default jukibus.envelope.max-bytes as a regular message, and a
     * regular message larger than the journal's buffer would be made a large message again by the broker (put together
     * one byte at a time by the consumer).
     */
    @Test
    void every_role_journal_holds_a_regular_message_of_the_largest_envelope() throws Exception {
        int largestEnvelope = new org.jukibus.core.NodeProperties.Envelope().getMaxBytes();
        assertThat(NodeBroker.MIN_LARGE_MESSAGE_BYTES).isGreaterThan(largestEnvelope);
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            FileConfiguration configuration = parsed(role);

            // room for the message's headers and the journal's record header beside its body
            assertThat(configuration.getJournalBufferSize_NIO()).as(role).isGreaterThanOrEqualTo(NodeBroker.MIN_LARGE_MESSAGE_BYTES + 32 * 1024);
        }
    }

    /**
     * The journal every role's broker runs with: NIO with data sync, gathering sync writes for 1 ms before one fsync
     * (Artemis' NIO default, 3.33 ms, is the floor of every serial durable send; 1 ms is the upper end of what
     * {@code artemis perf-journal} measured per sync write on the 2-core test machine, docs/architecture.md). The e2e
     * profile counts the journal's syncs per notice (bench/README.md): this is the setting they follow.
     */
    @Test
    void every_role_journal_syncs_after_at_most_a_millisecond() throws Exception {
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            FileConfiguration configuration = parsed(role);

            assertThat(configuration.getJournalType()).as(role).isEqualTo(org.apache.activemq.artemis.core.server.JournalType.NIO);
            assertThat(configuration.isJournalDatasync()).as(role).isTrue();
            assertThat(configuration.getJournalBufferTimeout_NIO()).as(role).isEqualTo(1_000_000);
        }
    }

    /**
     * A long outage of a peer costs disk, never heap: every role's broker bounds its messages in memory (then pages)
     * and what a queue reads back from its pages, within the smallest heap a node runs at (the ITs' 256 MB).
     */
    @Test
    void every_role_bounds_the_broker_memory_within_the_smallest_heap() throws Exception {
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            FileConfiguration configuration = parsed(role);

            assertThat(configuration.getGlobalMaxSize()).as(role).isEqualTo(32L * 1024 * 1024);
            assertThat(MemoryBound.violations(configuration, 256L * 1024 * 1024)).as(role).isEmpty();
            assertThat(MemoryBound.journalWarning(configuration, Path.of(role), NodeBroker.MIN_LARGE_MESSAGE_BYTES)).as(role).isEmpty();
            assertThat(RedeliveryPolicy.settingsByAddress(configuration)).as(role).allSatisfy((address, s) -> {
                // a page read back is one envelope (1088 KiB) more than page-size-bytes at most; the consumers hold
                // up to 8 envelopes (jukibus.link.forwarders) which must not keep the queue from reading on
                assertThat(s.getMaxReadPageBytes()).as(role + " " + address).isGreaterThan(8 * NodeBroker.MIN_LARGE_MESSAGE_BYTES);
                assertThat(s.getPageSizeBytes()).as(role + " " + address).isLessThanOrEqualTo(4 * 1024 * 1024);
            });
        }
    }

    /**
     * Issue 14 C and D, for every role (the standalone broker runs the same files): an expired message goes to the
     * dead-letter queue, never dropped silently, and the broker never moves a message to it itself (the node
     * dead-letters with a reason, and lets a message wait on a transient failure).
     */
    @Test
    void every_queue_expires_into_the_dead_letter_queue_and_the_node_dead_letters_before_the_broker() throws Exception {
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            FileConfiguration configuration = parsed(role);

            Map<String, AddressSettings> settings = RedeliveryPolicy.settingsByAddress(configuration);
            assertThat(settings).as(role).isNotEmpty().allSatisfy((address, s) -> {
                assertThat(String.valueOf(s.getExpiryAddress())).as(role + " " + address).isEqualTo("jukibus.dlq");
                assertThat(String.valueOf(s.getDeadLetterAddress())).as(role + " " + address).isEqualTo("jukibus.dlq");
            });
            assertThat(RedeliveryPolicy.violations(settings, 8, 8, java.time.Duration.ofDays(30))).as(role).isEmpty();
            // a transient failure waits up to the outage window (flow.DeliveryFailures): the broker's last resort comes later
            assertThat(RedeliveryPolicy.violations(settings, -1, 8, java.time.Duration.ofDays(30))).as(role).isEmpty();
            assertThat(settings).as(role + ": a finite last resort on every inbound queue").allSatisfy((address, s) -> {
                if (!address.equals("jukibus.outbound")) {
                    assertThat(s.getMaxDeliveryAttempts()).as(role + " " + address).isPositive();
                }
            });
        }
    }

    /**
     * A down peer's parking queue (flow.ParkedEnvelopes), for every role: created on the first park and never deleted
     * under it, paged within the memory bound like every address, no redelivery delay (a delayed message is held in
     * memory: the defect parking ends), never dead-lettered by the broker, and no peer may send to it or read it.
     */
    @Test
    void a_parking_queue_pages_waits_for_no_redelivery_delay_and_is_this_nodes_alone() throws Exception {
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            FileConfiguration configuration = parsed(role);
            org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository<AddressSettings> repository =
                    new org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository<>();
            repository.setDefault(new AddressSettings());
            configuration.getAddressSettings().forEach(repository::addMatch);
            AddressSettings parked = repository.getMatch(NodeBroker.PARKED_PREFIX + "131059");

            assertThat(parked.isAutoCreateQueues()).as(role).isTrue();
            assertThat(parked.isAutoCreateAddresses()).as(role).isTrue();
            assertThat(parked.isAutoDeleteQueues()).as(role).isFalse();
            assertThat(parked.isAutoDeleteAddresses()).as(role).isFalse();
            assertThat(parked.getAddressFullMessagePolicy()).as(role)
                    .isEqualTo(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.PAGE);
            assertThat(parked.getRedeliveryDelay()).as(role).isZero();
            assertThat(parked.getMaxDeliveryAttempts()).as(role).isEqualTo(-1);
            assertThat(parked.getMaxReadPageBytes()).as(role).isEqualTo(10 * 1024 * 1024);

            org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository<java.util.Set<org.apache.activemq.artemis.core.security.Role>> security =
                    new org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository<>();
            configuration.getSecurityRoles().forEach(security::addMatch);
            assertThat(security.getMatch(NodeBroker.PARKED_PREFIX + "131059")).as(role)
                    .allSatisfy(r -> assertThat(r.getName()).isEqualTo(NodeSecurityManager.LOCAL_ROLE));
        }
    }

    @Test
    void a_missing_value_is_an_error_naming_it() throws Exception {
        Files.writeString(dir.resolve("municipal.xml"), "<core><name>${jukibus.broker.name}</name><x>${jukibus.tls.crl}</x></core>");
        BrokerTemplate template = BrokerTemplate.load(dir, "municipal");

        assertThatThrownBy(() -> template.render(Map.of("jukibus.broker.name", "n")))
                .hasMessageContaining("jukibus.tls.crl");
    }

    @Test
    void values_are_escaped_so_a_password_cannot_change_the_xml() throws Exception {
        Files.writeString(dir.resolve("municipal.xml"), "<a p=\"${jukibus.tls.keystore-password}\"/>");
        Map<String, String> values = new HashMap<>();
        values.put("jukibus.tls.keystore-password", "x\"/><evil/><a b=\"&");

        assertThat(BrokerTemplate.load(dir, "municipal").render(values))
                .isEqualTo("<a p=\"x&quot;/&gt;&lt;evil/&gt;&lt;a b=&quot;&amp;\"/>");
    }

    /**
     * The disk bound is set on purpose in every role (Artemis' default, 90% used, stopped a node with 50 GB free, before
     * its alerts): a fixed free space the start check accepts, below which central's DISK_LOW and JukibusDiskLow fire.
     */
    @Test
    void every_role_bounds_the_disk_below_the_node_disk_alert() throws Exception {
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            FileConfiguration configuration = parsed(role);

            assertThat(configuration.getMaxDiskUsage()).as(role).isEqualTo(-1);
            assertThat(configuration.getMinDiskFree()).as(role).isEqualTo(1024L * 1024 * 1024);
            assertThat(DiskBound.violation(configuration)).as(role).isEmpty();
            assertThat(configuration.getMinDiskFree()).as(role)
                    .isLessThan(org.jukibus.monitoring.LifetimeAlerts.DISK_WARN_BYTES);
            assertThat(configuration.getBrokerMessagePlugins()).as(role)
                    .hasAtLeastOneElementOfType(DiskFullRefusal.class).hasAtLeastOneElementOfType(PeerMessageIds.class);
        }
    }

    /**
     * M2: a duplicate-id cache holds about 280 bytes of heap an id (docs/deployment.md, measured); the addresses the node de-duplicates itself keep
     * 1000, every other one the 200000 of id-cache-size.
     */
    @Test
    void every_role_keeps_small_id_caches_where_the_node_deduplicates_itself() throws Exception {
        for (String role : new String[] {"municipal", "prefecture", "central", "liaison"}) {
            FileConfiguration configuration = parsed(role);
            var settings = new org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository<AddressSettings>();
            settings.setDefault(new AddressSettings());
            configuration.getAddressSettings().forEach(settings::addMatch);

            assertThat(configuration.getIDCacheSize()).as(role).isEqualTo(200000);
            for (String own : new String[] {"jukibus.inbound.heartbeat", "jukibus.inbound.node-status", "jukibus.inbound.receipt-batch"}) {
                assertThat(settings.getMatch(own).getIDCacheSize()).as(role + " " + own).isEqualTo(1000);
            }
            assertThat(settings.getMatch("jukibus.outbound").getIDCacheSize()).as(role).isNull();
        }
    }

    @Test
    void an_unknown_role_names_the_file_it_looked_for() {
        assertThatThrownBy(() -> BrokerTemplate.load(dir, "municipal"))
                .hasMessageContaining("municipal.xml").hasMessageContaining("jukibus.broker-config-dir");
    }

    /** The role's broker.xml as Artemis reads it, its placeholders filled with dummies. */
    private static FileConfiguration parsed(String role) throws Exception {
        BrokerTemplate template = BrokerTemplate.load(Path.of("broker-config"), role);
        Map<String, String> values = new HashMap<>();
        template.placeholders().forEach(p -> values.put(p, p.endsWith("port") ? "61617" : "x"));
        FileConfiguration configuration = new FileConfiguration();
        configuration.parse(XMLUtil.stringToElement(template.render(values)), template.source().toUri().toURL());
        return configuration;
    }
}
