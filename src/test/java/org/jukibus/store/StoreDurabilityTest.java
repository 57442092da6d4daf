package org.jukibus.store;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A store whose commits return before they are durable, for the node's own session, stops the node at start. */
class StoreDurabilityTest {

    @Test
    void a_store_whose_database_or_role_turns_synchronous_commit_off_or_local_is_refused_naming_the_setting() {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        JdbcTemplate jdbc = new JdbcTemplate(store);
        String database = jdbc.queryForObject("SELECT current_database()", String.class);

        jdbc.execute("ALTER DATABASE " + database + " SET synchronous_commit = off");
        assertThatThrownBy(() -> StoreDurability.require(store, "jdbc:postgresql://db/" + database, false))
                .hasMessageContaining("synchronous_commit = off").hasMessageContaining("returns before it is on disk")
                .hasMessageContaining("ALTER ROLE <user> SET synchronous_commit = on")
                .hasMessageContaining("jukibus.store.allow-asynchronous-commit=true");
        assertThatCode(() -> StoreDurability.require(store, "jdbc:postgresql://db/" + database, true))
                .as("accepted when the documented property says so").doesNotThrowAnyException();

        jdbc.execute("ALTER DATABASE " + database + " SET synchronous_commit = local");
        assertThatThrownBy(() -> StoreDurability.require(store, "jdbc:postgresql://db/" + database, false))
                .hasMessageContaining("synchronous_commit = local").hasMessageContaining("failover");

        jdbc.execute("ALTER DATABASE " + database + " SET synchronous_commit = on");
        assertThatCode(() -> StoreDurability.require(store, "jdbc:postgresql://db/" + database, false)).doesNotThrowAnyException();
        jdbc.execute("ALTER DATABASE " + database + " SET synchronous_commit = remote_apply");
        assertThatCode(() -> StoreDurability.require(store, "jdbc:postgresql://db/" + database, false)).doesNotThrowAnyException();
    }
}
