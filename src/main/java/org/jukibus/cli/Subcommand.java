package org.jukibus.cli;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * An operator command of the {@code jukibus} CLI. A user error (a bad argument, a missing or
 * unreadable file, a refused certificate or directory: anything checked) becomes one line on
 * stderr naming the command, and exit code 1; a stack trace means a bug.
 */
public abstract class Subcommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    /** Does the work; returns the exit code. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (RuntimeException e) {
            if (!(e instanceof IllegalArgumentException)) {
                throw e;
            }
            return fail(e);
        } catch (Exception e) {
            return fail(e);
        }
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private int fail(Exception e) {
        err().println(spec.qualifiedName() + ": error: " + message(e));
        err().flush();
        return 1;
    }

    static String message(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        if (e instanceof FileAlreadyExistsException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
