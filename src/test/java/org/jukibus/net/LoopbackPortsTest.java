package org.jukibus.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void ports_are_outside_the_kernels_ephemeral_range_distinct_and_listenable() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        String[] ephemeral = Files.exists(range)
                ? Files.readAllLines(range).get(0).trim().split("\\s+") // readString sees a procfs file as empty
                : new String[] {"32768", "60999"};
        int low = Integer.parseInt(ephemeral[0]);
        int high = Integer.parseInt(ephemeral[1]);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = LoopbackPorts.next();
            assertThat(port < low || port > high).as("port %d outside %d-%d", port, low, high).isTrue();
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
        }
        int port = LoopbackPorts.next();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void a_port_in_use_is_not_handed_out() throws Exception {
        int[] r = LoopbackPorts.range();
        // hold every port but a few of the range would be slow; hold many and check none comes back
        Set<ServerSocket> held = new HashSet<>();
        Set<Integer> heldPorts = new HashSet<>();
        try {
            for (int p = r[0]; p < r[0] + 300; p++) {
                try {
                    held.add(new ServerSocket(p, 1, InetAddress.getLoopbackAddress()));
                    heldPorts.add(p);
                } catch (java.io.IOException taken) {
                    heldPorts.add(p); // in use by someone else: must not come back either
                }
            }
            for (int i = 0; i < 500; i++) {
                assertThat(heldPorts).doesNotContain(LoopbackPorts.next());
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    @Test
    void the_administrators_reserved_ports_are_read_as_the_kernel_lists_them() {
        var reserved = LoopbackPorts.reserved("8080,30000-30002\n");
        assertThat(reserved.test(8080)).isTrue();
        assertThat(reserved.test(30000)).isTrue();
        assertThat(reserved.test(30002)).isTrue();
        assertThat(reserved.test(30003)).isFalse();
        assertThat(reserved.test(8081)).isFalse();
        assertThat(LoopbackPorts.reserved("\n").test(8080)).isFalse();
    }
}
