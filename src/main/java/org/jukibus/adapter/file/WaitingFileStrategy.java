package org.jukibus.adapter.file;

import java.io.File;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.Service;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.GenericFileProcessStrategy;
import org.apache.camel.component.file.strategy.GenericFileProcessStrategySupport;
import org.apache.camel.support.service.ServiceHelper;

/**
 * A drop folder's file strategy as Camel makes it from the route's options ({@code move}, {@code moveFailed},
 * {@code readLock}), with one difference: an input that waits for the node ({@link WaitingFiles#WAITS}) is neither
 * moved to {@code sent/} nor to {@code error/}; its claim is released and it stays where the legacy system put it, for
 * a later look. During its folder's outage the strategy takes only the file {@link WaitingFiles#mayTake} allows.
 * <p>
 * Nothing is renamed for a waiting file, so a SIGKILL at any point leaves it in the folder (or under the read lock's
 * claim name, which {@link StrandedClaims} gives back at the next start): it is never lost, and one taken again after a
 * send that got through is sealed under the same message id, which the brokers drop as a duplicate (the intake's crash
 * design, flow.LegacyIntake).
 */
final class WaitingFileStrategy implements GenericFileProcessStrategy<File>, Service {

    /** Exchange property: the file was begun by the delegate (its read lock taken): abort and rollback go to it. */
    private static final String BEGUN = "JukibusLegacyBegun";

    private final GenericFileProcessStrategy<File> delegate;
    private final WaitingFiles waiting;
    private final Path folder;

    WaitingFileStrategy(GenericFileProcessStrategy<File> delegate, WaitingFiles waiting, Path folder) {
        this.delegate = delegate;
        this.waiting = waiting;
        this.folder = folder;
    }

    GenericFileProcessStrategy<File> delegate() {
        return delegate;
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint) throws Exception {
        delegate.prepareOnStartup(operations, endpoint);
    }

    @Override
    public boolean begin(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
                         GenericFile<File> file) throws Exception {
        WaitingFiles.Take take = waiting.mayTake(folder, file.getFileNameOnly(), file.getFileLength(), file.getLastModified());
        if (take == WaitingFiles.Take.NOT_NOW) {
            return false; // not claimed, not read: it stays for a later look
        }
        boolean tried = take == WaitingFiles.Take.AS_TRY;
        exchange.setProperty(WaitingFiles.TRIED, tried);
        boolean begun = false;
        try {
            begun = delegate.begin(operations, endpoint, exchange, file);
            return begun;
        } finally {
            if (begun) {
                exchange.setProperty(BEGUN, true);
            } else {
                waiting.released(folder, tried);
            }
        }
    }

    @Override
    public void abort(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
                      GenericFile<File> file) throws Exception {
        if (Boolean.TRUE.equals(exchange.getProperty(BEGUN))) {
            delegate.abort(operations, endpoint, exchange, file);
        }
    }

    @Override
    public void commit(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
                       GenericFile<File> file) throws Exception {
        // a waiting input is handled by the route (no Camel WARN for each try), so it comes here too
        if (leftInPlace(operations, exchange, file, true)) {
            return;
        }
        try {
            delegate.commit(operations, endpoint, exchange, file);
        } finally {
            if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) == null) {
                waiting.taken(folder);
            } else {
                waiting.released(folder, tried(exchange)); // refused into error/ by a handled failure of its own
            }
        }
    }

    @Override
    public void rollback(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
                         GenericFile<File> file) throws Exception {
        if (leftInPlace(operations, exchange, file, false)) {
            return;
        }
        try {
            delegate.rollback(operations, endpoint, exchange, file);
        } finally {
            waiting.released(folder, tried(exchange));
        }
    }

    /** If the input waits: its claim released, the file left where it is, the folder told; else false. */
    private boolean leftInPlace(GenericFileOperations<File> operations, Exchange exchange, GenericFile<File> file,
                                boolean commit) throws Exception {
        String cause = exchange.getProperty(WaitingFiles.WAITS, String.class);
        if (cause == null) {
            return false;
        }
        try {
            operations.releaseRetrievedFileResources(exchange);
        } finally {
            GenericFileExclusiveReadLockStrategy<File> lock = delegate instanceof GenericFileProcessStrategySupport<File> support
                    ? support.getExclusiveReadLockStrategy() : null;
            try {
                if (lock != null) {
                    if (commit) {
                        lock.releaseExclusiveReadLockOnCommit(operations, file, exchange);
                    } else {
                        lock.releaseExclusiveReadLockOnRollback(operations, file, exchange);
                    }
                }
            } finally {
                Object failure = exchange.getException() != null ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT);
                waiting.waits(folder, file.getFileNameOnly(), file.getFileLength(), file.getLastModified(), cause, tried(exchange),
                        !(failure instanceof WaitingFiles.FolderWaiting));
            }
        }
        return true;
    }

    private static boolean tried(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getProperty(WaitingFiles.TRIED));
    }

    @Override
    public void start() {
        ServiceHelper.startService(delegate);
    }

    @Override
    public void stop() {
        ServiceHelper.stopService(delegate);
    }
}
