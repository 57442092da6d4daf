package org.jukibus.store;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jukibus.core.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Starts a node's embedded store in a background thread as soon as the node's context has read its
 * configuration, so that unpacking PostgreSQL, initdb on a first start (most of it waiting for the disk) and
 * the server's own start overlap the rest of the start-up (the approval, key stores, directory, broker)
 * instead of following it (issue 19). The {@code nodeStore} bean takes the started store
 * ({@link #take(StoreSettings)}); nothing else changes: the store is the same {@link NodeStore#open} would
 * give, and a failure to start it surfaces there, with the same message.
 *
 * <p>Only an embedded store, and only when the settings can be read this early; otherwise the store opens
 * where it always did. A node whose start fails before the store is taken stops it ({@link #destroy()}).
 */
final class EarlyStoreStart implements BeanFactoryPostProcessor, EnvironmentAware, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EarlyStoreStart.class);

    private Environment environment;
    private StoreSettings settings;
    private CompletableFuture<NodeStore> started;
    private boolean taken;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        StoreSettings s = settings();
        if (s == null || !s.embedded()) {
            return;
        }
        settings = s;
        started = new CompletableFuture<>();
        // a thread of the starting thread's group: its log lines name the node (NodeThreads)
        Thread thread = new Thread(() -> {
            try {
                started.complete(NodeStore.open(s));
            } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
            }
        }, "store-start");
        thread.setDaemon(true);
        thread.start();
    }

    /** The store settings as {@code storeSettings} will read them, or null if they cannot be read yet (checked there). */
    private StoreSettings settings() {
        try {
            NodeProperties p = Binder.get(environment).bind("jukibus", NodeProperties.class).orElse(null);
            if (p == null || p.getHome() == null || p.getCode() == null) {
                return null;
            }
            return StoreSettings.from(p.getStore(), p.getHome(), p.getCode());
        } catch (IOException | RuntimeException e) {
            log.debug("store: not started early ({})", e.getMessage());
            return null;
        }
    }

    /**
     * The store started early for these settings (waiting until it is up), or null when none was: the caller
     * opens it. A failure to start is thrown as {@link NodeStore#open} would have thrown it.
     */
    synchronized NodeStore take(StoreSettings wanted) throws IOException {
        if (started == null || taken) {
            return null;
        }
        if (!wanted.equals(settings)) {
            destroy(); // read otherwise than the node reads them: stopped, so that the one the node opens gets its directory
            return null;
        }
        taken = true;
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Stops a store started early that the node never took (its start failed before). */
    @Override
    public synchronized void destroy() throws IOException {
        if (started == null || taken) {
            return;
        }
        taken = true;
        try {
            started.join().close();
        } catch (CompletionException e) {
            // it did not start: nothing to stop
        }
    }
}
