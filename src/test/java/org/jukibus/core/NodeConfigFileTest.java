package org.jukibus.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import org.jukibus.audit.AuditProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigFileTest {

    @TempDir
    Path dir;

    @Test
    void a_properties_file_binds_as_the_node_binds_it_with_the_defaults_of_application_properties() throws Exception {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, """
                jukibus.role=prefecture
                jukibus.code=13
                jukibus.home=%s
                jukibus.ha.mode=backup
                jukibus.audit.max-file-bytes=2000000
                """.formatted(dir.resolve("home")), StandardCharsets.UTF_8);

        NodeConfigFile config = NodeConfigFile.read(file);
        NodeProperties p = config.node();

        assertThat(p.getRole()).isEqualTo(NodeRole.PREFECTURE);
        assertThat(p.getCode()).isEqualTo("13");
        assertThat(p.getHa().getMode()).isEqualTo(HaMode.BACKUP);
        assertThat(p.getHa().getPollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.legacyRoot()).isEqualTo(dir.resolve("home").resolve("legacy")); // ${jukibus.home}/legacy from application.properties
        assertThat(config.bind("jukibus.audit", AuditProperties.class).getMaxFileBytes()).isEqualTo(2_000_000L);
    }

    @Test
    void a_yaml_file_binds_too_and_a_missing_file_is_named() throws Exception {
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, "jukibus:\n  role: central\n  code: central\n  home: " + dir + "\n", StandardCharsets.UTF_8);
        assertThat(NodeConfigFile.read(file).node().getRole()).isEqualTo(NodeRole.CENTRAL);
        assertThat(NodeConfigFile.read(file).node().getHa().getMode()).isEqualTo(HaMode.NONE);

        assertThatThrownBy(() -> NodeConfigFile.read(dir.resolve("absent.properties")))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("absent.properties");
    }

    @Test
    void each_server_of_a_pair_leaves_the_other_servers_acceptor_closed() {
        assertThat(HaMode.NONE.acceptorNotOpened()).isNull();
        assertThat(HaMode.PRIMARY.acceptorNotOpened()).isEqualTo("link-backup");
        assertThat(HaMode.BACKUP.acceptorNotOpened()).isEqualTo("link-primary");
    }
}
