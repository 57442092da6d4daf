package org.jukibus.store;

import java.util.ArrayList;
import java.util.List;

import org.jukibus.core.NodeRole;

/**
 * Where a node's store migrations are (db/migration/README.md): the ones every node shares, those of its role,
 * and those a few roles share (the provision tables of 本人確認情報の提供, 第6の8, at prefecture and central).
 * One place for the node's start (StoreConfiguration) and for a restore (backup.NodeRestore).
 */
public final class Migrations {

    private static final String ROOT = "classpath:db/migration/";

    private Migrations() {
    }

    /** The Flyway locations of a node of this role. */
    public static List<String> locations(NodeRole role) {
        List<String> locations = new ArrayList<>(List.of(ROOT + "common", ROOT + role.id()));
        if (role == NodeRole.PREFECTURE || role == NodeRole.CENTRAL) {
            locations.add(ROOT + "provision");
        }
        return locations;
    }
}
