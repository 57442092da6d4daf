package org.jukibus.store;

import java.io.IOException;

import javax.sql.DataSource;

import org.jukibus.core.NodeProperties;
import org.jukibus.core.NodeSettings;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires a node's store: {@link NodeStore} and its {@code dataSource}. Spring Boot does the rest
 * from that one DataSource: Flyway migrates it from the node's {@link Migrations} before anything uses
 * it, a
 * {@code jdbcTemplate} is there for flows, and {@code /actuator/health} shows it as {@code db}.
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

    /** Flyway's locations for this node's role ({@link Migrations}). */
    @Bean
    FlywayConfigurationCustomizer roleMigrations(NodeSettings node) {
        return flyway -> flyway.locations(Migrations.locations(node.role()).toArray(String[]::new));
    }

    @Bean
    StoreSettings storeSettings(NodeProperties properties, NodeSettings node) throws IOException {
        return StoreSettings.from(properties.getStore(), node.home(), node.code());
    }

    /** Starts the embedded store while the rest of the node starts ({@link EarlyStoreStart}). */
    @Bean
    static EarlyStoreStart earlyStoreStart() {
        return new EarlyStoreStart();
    }

    @Bean(destroyMethod = "close")
    NodeStore nodeStore(StoreSettings settings, EarlyStoreStart early) throws IOException {
        NodeStore started = early.take(settings);
        return started != null ? started : NodeStore.open(settings);
    }

    /** The store's pool; closed, and the embedded server stopped, by {@link NodeStore#close()} after everything using it. */
    @Bean(destroyMethod = "")
    DataSource dataSource(NodeStore store) {
        return store.dataSource();
    }

    /**
     * Local transactions on the store, apart from the JMS transactions of the routes (the
     * {@code PROPAGATION_REQUIRED} policy): named, since the node has two transaction managers.
     */
    @Bean
    JdbcTransactionManager storeTransactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    TransactionTemplate storeTransactions(JdbcTransactionManager storeTransactionManager) {
        return new TransactionTemplate(storeTransactionManager);
    }

    /** Created once Flyway has migrated the store (Boot orders JdbcTemplate users after it). */
    @Bean
    StoreOwner storeOwner(JdbcTemplate jdbcTemplate, NodeSettings node, NodeStore store) {
        return StoreOwner.claim(jdbcTemplate, node.role(), node.code(), store.location());
    }
}
