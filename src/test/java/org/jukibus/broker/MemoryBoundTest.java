package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

class MemoryBoundTest {

    private static final long HEAP = 256L * 1024 * 1024;

    @Test
    void a_broker_xml_without_global_max_size_is_refused_naming_the_file_and_the_setting() {
        // unset, Artemis takes half the heap (global-max-size-percent-of-jvm-max-memory 50)
        ConfigurationImpl configuration = configuration(new AddressSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setMaxReadPageBytes(10 << 20).setPageSizeBytes(2 << 20));

        assertThatThrownBy(() -> MemoryBound.require(configuration, Path.of("approved-programs/municipal.xml"), HEAP))
                .hasMessageContaining("approved-programs/municipal.xml").hasMessageContaining("global-max-size");
    }

    @Test
    void a_bound_above_a_quarter_of_the_heap_is_refused_and_one_within_it_passes() {
        ConfigurationImpl configuration = configuration(new AddressSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setMaxReadPageBytes(10 << 20).setPageSizeBytes(2 << 20));

        configuration.setGlobalMaxSize(HEAP / 4 + 1);
        assertThat(MemoryBound.violations(configuration, HEAP)).singleElement().asString().contains("global-max-size");
        configuration.setGlobalMaxSize(32L << 20);
        assertThat(MemoryBound.violations(configuration, HEAP)).isEmpty();
    }

    @Test
    void an_address_that_drops_or_blocks_or_reads_its_pages_back_without_bound_is_refused() {
        for (AddressFullMessagePolicy policy : new AddressFullMessagePolicy[] {AddressFullMessagePolicy.DROP,
                AddressFullMessagePolicy.FAIL, AddressFullMessagePolicy.BLOCK}) {
            ConfigurationImpl configuration = configuration(new AddressSettings().setAddressFullMessagePolicy(policy)
                    .setMaxReadPageBytes(10 << 20).setPageSizeBytes(2 << 20)).setGlobalMaxSize(32L << 20);
            assertThat(MemoryBound.violations(configuration, HEAP)).as(policy.name()).singleElement().asString()
                    .contains("jukibus.outbound").contains("address-full-policy");
        }
        ConfigurationImpl unbounded = configuration(new AddressSettings().setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setMaxReadPageBytes(-1)).setGlobalMaxSize(32L << 20);
        assertThat(MemoryBound.violations(unbounded, HEAP)).singleElement().asString().contains("max-read-page-bytes");
    }

    @Test
    void a_journal_buffer_below_the_largest_regular_envelope_is_a_warning_naming_the_file() {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setJournalBufferSize_NIO(490 * 1024);

        assertThat(MemoryBound.journalWarning(configuration, Path.of("old/municipal.xml"), NodeBroker.MIN_LARGE_MESSAGE_BYTES))
                .get().asString().contains("old/municipal.xml").contains("journal-buffer-size");
        configuration.setJournalBufferSize_NIO(1152 * 1024);
        assertThat(MemoryBound.journalWarning(configuration, Path.of("municipal.xml"), NodeBroker.MIN_LARGE_MESSAGE_BYTES)).isEmpty();
    }

    private static ConfigurationImpl configuration(AddressSettings all) {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.addAddressSetting("#", all);
        configuration.addAddressConfiguration(new CoreAddressConfiguration().setName("jukibus.outbound"));
        return configuration;
    }
}
