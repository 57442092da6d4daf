package org.jukibus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jukibus.core.NodeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreSettingsTest {

    @TempDir
    Path home;

    @Test
    void no_url_means_the_embedded_store_in_home() throws Exception {
        StoreSettings settings = StoreSettings.from(new NodeProperties.Store(), home, "131041");

        assertThat(settings.embedded()).isTrue();
        assertThat(settings.dataDirectory()).isEqualTo(home.resolve("store").resolve("pgdata"));
        assertThat(settings.poolSize()).isEqualTo(8);
    }

    @Test
    void an_external_store_gets_a_socket_timeout_and_keep_alive_unless_its_url_sets_them() throws Exception {
        NodeProperties.Store p = new NodeProperties.Store();
        p.setUrl("jdbc:postgresql://127.0.0.1:5432/node_131041");
        assertThat(StoreSettings.from(p, home, "131041").externalConnectionDefaults())
                .containsEntry("socketTimeout", "3600").containsEntry("tcpKeepAlive", "true");

        p.setUrl("jdbc:postgresql://127.0.0.1:5432/node_131041?sslmode=require&socketTimeout=30");
        assertThat(StoreSettings.from(p, home, "131041").externalConnectionDefaults())
                .as("the operator's own timeout stands").doesNotContainKey("socketTimeout").containsEntry("tcpKeepAlive", "true");
    }

    @Test
    void the_operators_own_timeouts_in_the_urls_options_stand_by_their_whole_names() throws Exception {
        NodeProperties.Store p = new NodeProperties.Store();
        assertThat(StoreSettings.from(p, home, "131041").sessionTimeouts())
                .containsEntry("statement_timeout", "50min").containsEntry("lock_timeout", "10min");
        p.setUrl("jdbc:postgresql://127.0.0.1:5432/node_131041?options=-c%20deadlock_timeout%3D2s");
        assertThat(StoreSettings.from(p, home, "131041").sessionTimeouts()).as("deadlock_timeout is not lock_timeout")
                .containsEntry("lock_timeout", "10min");
        p.setUrl("jdbc:postgresql://127.0.0.1:5432/node_131041?options=-c%20lock_timeout%3D2min%20-c%20search_path%3Dx");
        assertThat(StoreSettings.from(p, home, "131041").sessionTimeouts()).doesNotContainKey("lock_timeout")
                .containsEntry("statement_timeout", "50min");
    }

    @Test
    void an_external_store_reads_the_first_line_of_its_password_file() throws Exception {
        Path passwordFile = home.resolve("store.pass");
        Files.writeString(passwordFile, "s3cret\nsecond line\n");
        NodeProperties.Store p = new NodeProperties.Store();
        p.setUrl("jdbc:postgresql://127.0.0.1:5432/node_131041?password=leak");
        p.setUsername("node_131041");
        p.setPasswordFile(passwordFile);

        StoreSettings settings = StoreSettings.from(p, home, "131041");

        assertThat(settings.embedded()).isFalse();
        assertThat(settings.password()).isEqualTo("s3cret");
        assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("leak");
    }

    @Test
    void every_problem_is_named_by_its_key() {
        NodeProperties.Store p = new NodeProperties.Store();
        p.setUrl("jdbc:mysql://127.0.0.1/x");
        p.setPasswordFile(home.resolve("missing.pass"));
        p.setPoolSize(0);

        assertThatThrownBy(() -> StoreSettings.from(p, home, "131041"))
                .hasMessageContaining("jukibus.store.url must be a PostgreSQL JDBC URL")
                .hasMessageContaining("jukibus.store.password-file: " + home.resolve("missing.pass") + " does not exist")
                .hasMessageContaining("jukibus.store.pool-size must be at least 1");
    }

    @Test
    void a_login_without_a_url_is_refused_rather_than_ignored() {
        NodeProperties.Store p = new NodeProperties.Store();
        p.setUsername("node_131041");
        p.setPasswordFile(home.resolve("store.pass"));

        assertThatThrownBy(() -> StoreSettings.from(p, home, "131041"))
                .hasMessageContaining("jukibus.store.username is set but jukibus.store.url is not")
                .hasMessageContaining("jukibus.store.password-file is set but jukibus.store.url is not");
    }
}
