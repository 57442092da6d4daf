package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.Test;

class QueueMetricsTest {

    /**
     * A backlog of identity updates of 1 MiB each, paged to disk: a round reads what its byte budget allows from the
     * head and from the messages waiting out a redelivery delay, not 10,000 of each (gigabytes read back every 10 s).
     */
    @Test
    void a_round_reads_big_messages_only_up_to_its_byte_budget() {
        int mib = 1024 * 1024;
        List<MessageReference> queued = refs(1000, mib);
        List<MessageReference> scheduled = refs(1000, mib);
        List<MessageReference> delivering = refs(2, mib);
        Queue queue = mock(Queue.class);
        when(queue.browserIterator()).thenReturn(iterator(queued));
        when(queue.getScheduledMessages()).thenReturn(scheduled);
        when(queue.getDeliveringMessages()).thenReturn(Map.of("consumer", delivering));

        List<MessageReference> read = new ArrayList<>();
        QueueMetrics.forEachMessage(queue, read::add);

        long budget = QueueMetrics.READ_BYTES / mib;
        assertThat(read).hasSize((int) (2 * budget + 2));
    }

    @Test
    void small_messages_are_read_up_to_the_count_limit() {
        List<MessageReference> queued = refs(QueueMetrics.READ_LIMIT + 5, 600);
        List<MessageReference> scheduled = refs(3, 600);
        Queue queue = mock(Queue.class);
        when(queue.browserIterator()).thenReturn(iterator(queued));
        when(queue.getScheduledMessages()).thenReturn(scheduled);
        when(queue.getDeliveringMessages()).thenReturn(Map.of());

        List<MessageReference> read = new ArrayList<>();
        QueueMetrics.forEachMessage(queue, read::add);

        assertThat(read).hasSize(QueueMetrics.READ_LIMIT + 3);
    }

    private static List<MessageReference> refs(int n, int bytes) {
        MessageReference ref = mock(MessageReference.class);
        when(ref.getMessageMemoryEstimate()).thenReturn(bytes);
        return new ArrayList<>(Collections.nCopies(n, ref));
    }

    private static LinkedListIterator<MessageReference> iterator(List<MessageReference> refs) {
        Iterator<MessageReference> it = refs.iterator();
        return new LinkedListIterator<>() {
            @Override public boolean hasNext() { return it.hasNext(); }
            @Override public MessageReference next() { return it.next(); }
            @Override public void repeat() { }
            @Override public MessageReference removeLastElement() { return null; }
            @Override public void close() { }
        };
    }
}
