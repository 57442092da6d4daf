package org.jukibus.clock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jukibus clock set|show}: moves the clock of running nodes (for a drill or a test) by
 * writing their {@code state/clock-offset} files, which each node watches ({@link ClockOffsetFile}).
 * {@code --home} names one node's home, or a network folder made by {@code jukibus demo} (its
 * {@code nodes/<code>} homes), so the demo network moves as a whole.
 */
@Command(name = "clock", mixinStandardHelpOptions = true,
        description = {"Move the clock of a running node, or of every node of a demo network, for a drill.",
                "Writes <node home>/state/clock-offset; each node picks it up within a second, logs a WARN and an "
                        + "operation-log entry."},
        subcommands = {ClockCommand.Set.class, ClockCommand.Show.class})
public class ClockCommand extends CommandGroup {

    abstract static class Homes extends Subcommand {
        @Option(names = "--home", required = true, paramLabel = "DIR",
                description = "A node's home (jukibus.home), or a demo network folder (e.g. target/demo-network).")
        Path home;

        /** The node homes {@code --home} stands for. */
        List<Path> nodeHomes() throws IOException {
            Path nodes = home.resolve("nodes");
            if (Files.isDirectory(nodes)) {
                try (Stream<Path> s = Files.list(nodes)) {
                    return s.filter(Files::isDirectory).sorted().toList();
                }
            }
            if (!Files.isDirectory(home)) {
                throw new IllegalArgumentException("no such folder: " + home);
            }
            return List.of(home);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the offset of the nodes' clocks from the system's time (PT0S: back to real time).")
    static class Set extends Homes {
        @Option(names = "--offset", required = true, paramLabel = "DURATION",
                description = "ISO-8601 duration, e.g. P8D, PT36H, -PT5M.")
        String offset;

        @Override
        protected int run() throws Exception {
            Duration d;
            try {
                d = Duration.parse(offset);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("--offset " + offset + " is not an ISO-8601 duration (e.g. P8D, PT36H)");
            }
            for (Path node : nodeHomes()) {
                ClockOffsetFile.write(node, d);
                out().println(ClockOffsetFile.of(node) + ": " + d);
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the offset each node's file holds.")
    static class Show extends Homes {
        @Override
        protected int run() throws Exception {
            for (Path node : nodeHomes()) {
                Path file = ClockOffsetFile.of(node);
                out().println(file + ": " + (Files.exists(file) ? Files.readString(file).trim() : "(none: the configured offset)"));
            }
            out().flush();
            return 0;
        }
    }
}
