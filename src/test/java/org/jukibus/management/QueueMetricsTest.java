package org.jukibus.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

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
        when(queue.getDeliveringMessages()).thenReturn(java.util.Map.of("consumer", delivering));

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

        List<MessageReference> read = new ArrayList<>();
        QueueMetrics.forEachMessage(queue, read::add);

        assertThat(read).hasSize(QueueMetrics.READ_LIMIT + 3);
    }

    /**
     * A consumer closing while the round reads it: Artemis has cleared its session and its getDeliveringMessages
     * throws a NullPointerException (the warning "could not read the queue metrics" at start and while forwarding,
     * when the whole round failed). The round reads the consumers one by one, leaves that one out and reads the rest.
     */
    @Test
    void a_consumer_closing_meanwhile_is_left_out_and_the_round_goes_on() {
        List<MessageReference> queued = refs(3, 600);
        Queue queue = mock(Queue.class);
        when(queue.browserIterator()).thenReturn(iterator(queued));
        when(queue.getScheduledMessages()).thenReturn(List.of());
        org.apache.activemq.artemis.core.server.Consumer closing = mock(org.apache.activemq.artemis.core.server.Consumer.class);
        when(closing.getDeliveringMessages()).thenThrow(new NullPointerException(
                "Cannot invoke \"org.apache.activemq.artemis.core.server.ServerSession.getInTXMessagesForConsumer(long)\""
                        + " because \"this.session\" is null"));
        var open = consumer(refs(1, 600));
        when(queue.getDeliveringMessages()).thenThrow(new NullPointerException("this.session is null"));
        when(queue.getConsumers()).thenReturn(List.of(closing, open));

        List<MessageReference> read = new ArrayList<>();
        QueueMetrics.forEachMessage(queue, read::add);

        assertThat(read).hasSize(4);
    }

    private static org.apache.activemq.artemis.core.server.Consumer consumer(List<MessageReference> delivering) {
        org.apache.activemq.artemis.core.server.Consumer consumer = mock(org.apache.activemq.artemis.core.server.Consumer.class);
        when(consumer.getDeliveringMessages()).thenReturn(delivering);
        return consumer;
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
