package org.jukibus.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** What a thread made and gave back serves the next thread, including one started after the first ended. */
class ReusablesTest {

    @Test
    void whatAnEndedThreadGaveBackServesTheNextThread() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Reusables<Object> reusables = new Reusables<>(() -> {
            made.incrementAndGet();
            return new Object();
        }, 4);
        AtomicReference<Object> first = new AtomicReference<>();
        Thread a = new Thread(() -> {
            first.set(reusables.take());
            reusables.giveBack(first.get());
        });
        a.start();
        a.join();
        AtomicReference<Object> second = new AtomicReference<>();
        Thread b = new Thread(() -> second.set(reusables.take()));
        b.start();
        b.join();
        assertThat(second.get()).isSameAs(first.get());
        assertThat(made).hasValue(1);
    }

    @Test
    void eachTakerHasItsOwnAndNoMoreThanKeepAreKept() {
        AtomicInteger made = new AtomicInteger();
        Reusables<Object> reusables = new Reusables<>(() -> {
            made.incrementAndGet();
            return new Object();
        }, 2);
        List<Object> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(reusables.take());
        }
        assertThat(taken).doesNotHaveDuplicates();
        taken.forEach(reusables::giveBack);
        for (int i = 0; i < 5; i++) {
            reusables.take();
        }
        assertThat(made).hasValue(5 + 3); // two of the five were kept, three made again
    }
}
