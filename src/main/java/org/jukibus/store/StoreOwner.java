package org.jukibus.store;

import org.jukibus.core.NodeRole;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The node a store belongs to. The first start writes its role and code into {@code node_info};
 * a node pointed at another node's store (a wrong {@code jukibus.store.url}, a copied home)
 * refuses to start rather than mix two nodes' records.
 */
public record StoreOwner(NodeRole role, String code) {

    static final String ROLE_KEY = "node.role";
    static final String CODE_KEY = "node.code";

    static StoreOwner claim(JdbcTemplate jdbc, NodeRole role, String code, String location) {
        jdbc.update("insert into node_info (key, value) values (?, ?) on conflict (key) do nothing", ROLE_KEY, role.id());
        jdbc.update("insert into node_info (key, value) values (?, ?) on conflict (key) do nothing", CODE_KEY, code);
        String ownerRole = jdbc.queryForObject("select value from node_info where key = ?", String.class, ROLE_KEY);
        String ownerCode = jdbc.queryForObject("select value from node_info where key = ?", String.class, CODE_KEY);
        if (!role.id().equals(ownerRole) || !code.equals(ownerCode)) {
            throw new IllegalStateException("the store " + location + " belongs to " + ownerRole + " node " + ownerCode
                    + ", not to this node (" + role.id() + " " + code + "): check " + StoreSettings.URL_KEY);
        }
        return new StoreOwner(role, code);
    }
}
