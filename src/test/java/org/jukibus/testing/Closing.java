package org.jukibus.testing;

/** The end of a test's resources, from its {@code @AfterEach} or {@code @AfterAll}. */
public final class Closing {

    private Closing() {
    }

    /**
     * Closes each of {@code resources} that was made (not null), in this order: what uses another before what it uses
     * (a store before its server). All of them, even when one fails, so that no server outlives the test for it; the
     * first failure is thrown, with the later ones suppressed in it.
     */
    public static void inOrder(AutoCloseable... resources) throws Exception {
        Exception failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
