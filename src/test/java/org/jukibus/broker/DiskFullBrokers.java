package org.jukibus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A municipal broker as shipped, or as shipped but at its disk bound from the start (tests of the disk bound). */
public final class DiskFullBrokers {

    /** The bound of every role's broker.xml. */
    static final String SHIPPED_BOUND = "<min-disk-free>1GiB</min-disk-free>";

    private DiskFullBrokers() {
    }

    /** A copy of municipal.xml in {@code dir} with a bound no disk meets, looked at every 100 ms. */
    public static Path fullDiskConfig(Path dir) throws Exception {
        Path config = Files.createDirectories(dir);
        String xml = Files.readString(Path.of("broker-config/municipal.xml"));
        assertThat(xml).contains(SHIPPED_BOUND);
        Files.writeString(config.resolve("municipal.xml"), xml.replace(SHIPPED_BOUND,
                "<min-disk-free>" + Long.MAX_VALUE / 2 + "</min-disk-free><disk-scan-period>100</disk-scan-period>"));
        return config;
    }

    /** The municipal broker of {@code configDir} on {@code data}, without its peer acceptors; the node logs in with {@code secret}. */
    public static NodeBroker start(Path configDir, Path data, String secret) throws Exception {
        BrokerTemplate template = BrokerTemplate.load(configDir, "municipal");
        Map<String, String> values = new HashMap<>();
        template.placeholders().forEach(p -> values.put(p, p.endsWith("port") ? "1" : "unused"));
        values.put("jukibus.broker.name", "disk-test");
        values.put("jukibus.broker.data", data.toString());
        values.remove("jukibus.broker.vm-id");
        return NodeBroker.start(template, values,
                new NodeSecurityManager(secret, cert -> Optional.empty(), new SecurityEvents()),
                Set.of("link-primary", "link-backup"));
    }
}
