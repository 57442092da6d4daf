package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line describing this machine: cores, CPU model, memory, JDK. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String cpu = "?";
        String mem = "?";
        String load = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GiB").orElse("?");
            load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException | RuntimeException e) {
            // not Linux: leave "?"
        }
        return "nproc " + Runtime.getRuntime().availableProcessors() + ", CPU " + cpu + ", memory " + mem
                + ", JDK " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / 1024 / 1024 + " MB, load average (1 min) " + load;
    }
}
