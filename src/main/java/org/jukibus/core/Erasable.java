package org.jukibus.core;

import java.time.Instant;

/** One kind of thing a node keeps about persons, erased once past its retention (erasure.CertainErasure collects every one). */
public interface Erasable {

    /** What it erases, for the log: "identity records", "legacy files" … */
    String what();

    /** Erases what is past its retention at {@code asOf}; returns how many items went. */
    int eraseAsOf(Instant asOf) throws Exception;

    /** An erasable from a name and a function (the existing jobs: identity records, the provision log). */
    static Erasable of(String what, Eraser eraser) {
        return new Erasable() {
            @Override
            public String what() {
                return what;
            }

            @Override
            public int eraseAsOf(Instant asOf) throws Exception {
                return eraser.eraseAsOf(asOf);
            }
        };
    }

    @FunctionalInterface
    interface Eraser {
        int eraseAsOf(Instant asOf) throws Exception;
    }
}
