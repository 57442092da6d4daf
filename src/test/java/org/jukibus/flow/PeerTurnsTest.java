package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

class PeerTurnsTest {

    /** Runs what it is given only when told: each task stands for a thread of its own. */
    private static final class Threads implements Executor {
        final Queue<Runnable> started = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            started.add(task);
        }

        void runAll() {
            for (Runnable task; (task = started.poll()) != null; ) {
                task.run();
            }
        }
    }

    @Test
    void a_peer_gets_its_next_batch_right_after_the_last_while_its_parking_queue_has_messages() {
        Map<String, Integer> parked = new HashMap<>(Map.of("OSAKA", 120));
        List<String> batches = new ArrayList<>();
        Threads threads = new Threads();
        PeerTurns turns = new PeerTurns(threads, peer -> true, peer -> {
            batches.add(peer);
            int moved = Math.min(50, parked.get(peer));
            parked.put(peer, parked.get(peer) - moved);
            return moved > 0;
        });

        turns.offer("OSAKA");
        threads.runAll();

        assertThat(parked.get("OSAKA")).isZero();
        assertThat(batches).hasSize(4); // 50, 50, 20, then an empty look: no wait for the lane's next look in between
    }

    @Test
    void each_slow_peer_has_a_turn_of_its_own_so_peers_holding_theirs_up_keep_no_other_waiting() {
        Threads threads = new Threads();
        List<String> batches = new ArrayList<>();
        PeerTurns turns = new PeerTurns(threads, peer -> true, peer -> {
            batches.add(peer);
            return false;
        });

        turns.offer("HOSTILE1");
        turns.offer("HOSTILE2");
        turns.offer("KYOTO"); // the two hostile peers' turns have not ended (their threads wait for confirmations)

        assertThat(threads.started).hasSize(3);
        threads.runAll();
        assertThat(batches).containsExactly("HOSTILE1", "HOSTILE2", "KYOTO");
    }

    @Test
    void a_peer_has_one_turn_at_a_time_and_a_new_one_once_it_ended() {
        Threads threads = new Threads();
        List<String> batches = new ArrayList<>();
        PeerTurns turns = new PeerTurns(threads, peer -> true, peer -> {
            batches.add(peer);
            return false;
        });

        turns.offer("OSAKA");
        turns.offer("OSAKA");
        assertThat(threads.started).hasSize(1);
        threads.runAll();
        turns.offer("OSAKA");
        threads.runAll();

        assertThat(batches).containsExactly("OSAKA", "OSAKA");
    }

    @Test
    void a_turn_ends_when_the_peer_is_no_longer_due_or_its_batch_failed() {
        Threads threads = new Threads();
        List<String> batches = new ArrayList<>();
        PeerTurns turns = new PeerTurns(threads, peer -> !peer.equals("FAST"), peer -> {
            batches.add(peer);
            if (peer.equals("DOWN")) {
                throw new IllegalStateException("rolled back");
            }
            return true;
        });

        turns.offer("FAST");
        turns.offer("DOWN");
        threads.runAll();
        turns.offer("DOWN"); // the failed turn let the peer go: the next look starts another
        threads.runAll();

        assertThat(batches).containsExactly("FAST", "DOWN", "DOWN");
    }
}
