package org.jukibus.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * Loopback ports for servers that listen later than their port is chosen: a network's nodes (provisioned, then
 * started one by one), the embedded PostgreSQL (given its port when pg_ctl starts it, bound a second later), the
 * tests' brokers and proxies. One chooser for all, so that two of them in one process never get the same port.
 *
 * <p>Why not {@code new ServerSocket(0)}: that hands out a port of the kernel's ephemeral range, the range
 * every outgoing connection takes its local port from. Between choosing a port and listening on it, a node
 * that started earlier connects to its store or its peers, its connection can take that very port, and the
 * later listen fails ("address in use"). Ports are therefore taken below the ephemeral range (or above it when
 * there is no room below), free when chosen, not in the administrator's reserved list and never handed out twice by this process. What this cannot see: a port
 * another process chose the same way, or one configured for a server that does not listen yet.
 */
public final class LoopbackPorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /**
     * Ports an administrator set aside for servers of their own (e.g. {@code sysctl net.ipv4.ip_local_reserved_ports=30000-32767}):
     * the range below the ephemeral one is where such fixed ports usually are, and a node's store holds its port for
     * the node's life, so a reserved port is never chosen (the kernel honours the list for its own choices too).
     */
    private static final Path RESERVED = Path.of("/proc/sys/net/ipv4/ip_local_reserved_ports");
    private static final int SPAN = 10_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private LoopbackPorts() {
    }

    /** A port free on 127.0.0.1 now, outside the ephemeral range, not handed out before by this process. */
    public static synchronized int next() throws IOException {
        int[] range = range();
        IntPredicate reserved = reserved(read(RESERVED));
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(range[0], range[1]);
            if (!HANDED_OUT.contains(port) && !reserved.test(port) && free(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IOException("no free loopback port in " + range[0] + "-" + (range[1] - 1));
    }

    /** [first, last) of the ports it chooses from: the 10,000 below the ephemeral range, or those above it. */
    public static int[] range() {
        int low = 32768;
        int high = 60999;
        try (InputStream in = Files.newInputStream(EPHEMERAL_RANGE)) {
            String[] parts = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            low = Integer.parseInt(parts[0]);
            high = Integer.parseInt(parts[1]);
        } catch (IOException | RuntimeException notLinux) {
            // not Linux, or unreadable: the Linux default above (a procfs file reports size 0, hence a stream)
        }
        if (low - SPAN >= 1024) {
            return new int[] {low - SPAN, low};
        }
        if (high + 1 + SPAN <= 65536) {
            return new int[] {high + 1, high + 1 + SPAN};
        }
        return new int[] {1024, 65536}; // an ephemeral range over nearly everything: nothing outside to choose
    }

    /** The ports a list such as {@code 8080,30000-32767} names (empty: none). */
    static IntPredicate reserved(String list) {
        IntPredicate any = port -> false;
        for (String item : list.trim().split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] bounds = item.trim().split("-");
            int first = Integer.parseInt(bounds[0].trim());
            int last = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : first;
            any = any.or(port -> port >= first && port <= last);
        }
        return any;
    }

    private static String read(Path procFile) {
        try (InputStream in = Files.newInputStream(procFile)) { // a procfs file reports size 0: read it as a stream
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException notLinux) {
            return "";
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
