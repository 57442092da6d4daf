package org.jukibus.backup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jukibus.broker.NodeBroker;
import org.jukibus.core.LiveLock;

/**
 * A backup copies the broker journal as files, which is consistent only while no broker writes it: the
 * node must be stopped. A running broker holds a file lock on its {@code server.lock} (Artemis's node
 * manager), and a server of a primary/backup pair its home's live lock: that is how a running node is
 * recognised, in this process or another. The backup takes those locks itself and holds them until it is
 * done, so a server of a pair waiting on standby cannot start the node in the middle of the copy.
 */
final class StoppedNode implements AutoCloseable {

    private final List<FileChannel> held;

    private StoppedNode(List<FileChannel> held) {
        this.held = held;
    }

    /** Takes the node's locks; throws, naming the lock, if a running node holds one. */
    static StoppedNode hold(Path home, String code) throws IOException {
        Path journal = NodeBroker.dataDir(home).resolve("journal");
        List<Path> lockFiles = new ArrayList<>();
        if (Files.isRegularFile(home.resolve(LiveLock.FILE))) {
            lockFiles.add(home.resolve(LiveLock.FILE)); // a server of a primary/backup pair, live or on standby
        }
        if (Files.isDirectory(journal)) {
            try (Stream<Path> files = Files.list(journal)) {
                lockFiles.addAll(files.filter(f -> f.getFileName().toString().startsWith("server.lock")
                        || f.getFileName().toString().startsWith("serverlock")).toList());
            }
        }
        StoppedNode stopped = new StoppedNode(new ArrayList<>());
        try {
            for (Path lockFile : lockFiles) {
                FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                stopped.held.add(channel);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // held by this JVM: a node running here
                }
                if (lock == null) {
                    throw new IllegalStateException("node " + code + " is running (its broker holds " + lockFile
                            + "): stop it first; its journal can only be copied consistently while it is stopped");
                }
            }
            return stopped;
        } catch (IOException | RuntimeException e) {
            stopped.close();
            throw e;
        }
    }

    /** Releases the locks (closing a channel releases its lock). */
    @Override
    public void close() throws IOException {
        for (FileChannel channel : held) {
            channel.close();
        }
    }
}
