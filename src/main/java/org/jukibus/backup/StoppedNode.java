package org.jukibus.backup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import org.jukibus.broker.NodeBroker;
import org.jukibus.node.LiveLock;

/**
 * A backup copies the broker journal as files, which is consistent only while no broker writes it: the
 * node must be stopped. A running broker holds a file lock on its {@code server.lock} (Artemis's node
 * manager), and a server of a primary/backup pair its home's live lock: that is how a running node is
 * recognised, in this process or another.
 */
final class StoppedNode {

    private StoppedNode() {
    }

    /** Throws unless no broker holds the journal of the node with this home. */
    static void require(Path home, String code) throws IOException {
        Path journal = NodeBroker.dataDir(home).resolve("journal");
        List<Path> locks = new java.util.ArrayList<>();
        if (Files.isRegularFile(home.resolve(LiveLock.FILE))) {
            locks.add(home.resolve(LiveLock.FILE)); // a server of a primary/backup pair, live or on standby
        }
        if (Files.isDirectory(journal)) {
            try (Stream<Path> files = Files.list(journal)) {
                locks.addAll(files.filter(f -> f.getFileName().toString().startsWith("server.lock")
                        || f.getFileName().toString().startsWith("serverlock")).toList());
            }
        }
        for (Path lockFile : locks) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
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
                lock.release();
            }
        }
    }
}
