package org.jukibus.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    private static final String ROOT = "classpath:db/migration/";

    @Test
    void the_provision_tables_are_migrated_on_prefecture_and_central_only() {
        assertThat(Migrations.locations(NodeRole.PREFECTURE)).containsExactly(ROOT + "common", ROOT + "prefecture", ROOT + "provision");
        assertThat(Migrations.locations(NodeRole.CENTRAL)).containsExactly(ROOT + "common", ROOT + "central", ROOT + "provision");
        assertThat(Migrations.locations(NodeRole.MUNICIPAL)).containsExactly(ROOT + "common", ROOT + "municipal");
        assertThat(Migrations.locations(NodeRole.LIAISON)).containsExactly(ROOT + "common", ROOT + "liaison");
    }

    @Test
    void the_shared_provision_migration_keeps_its_version_so_existing_stores_still_validate() {
        assertThat(getClass().getResource("/db/migration/provision/V130__provision.sql")).isNotNull();
        assertThat(getClass().getResource("/db/migration/central/V130__provision.sql")).isNull();
        assertThat(getClass().getResource("/db/migration/prefecture/V130__provision.sql")).isNull();
    }
}
