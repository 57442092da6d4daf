package org.jukibus.ops;

import java.io.Console;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.jukibus.pki.SecureFiles;

import org.jukibus.cli.CommandGroup;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jukibus operator hash-password}: makes the bcrypt hash that goes into a node's
 * {@code jukibus.management.users.<name>}, so no clear-text password is ever in a config file.
 */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = "Operators of the management port (Hawtio, Jolokia, actuator, jukibus dlq).",
        subcommands = OperatorCommand.HashPassword.class)
public class OperatorCommand extends CommandGroup {


    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = "Print the bcrypt hash of a password (from --password-file, else asked for).")
    static class HashPassword implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the password.")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            char[] password;
            if (passwordFile != null) {
                password = SecureFiles.readPassword(passwordFile);
            } else {
                Console console = System.console();
                if (console == null) {
                    spec.commandLine().getErr().println("operator hash-password: give --password-file (no terminal to ask on)");
                    return 2;
                }
                password = console.readPassword("Password: ");
            }
            try {
                spec.commandLine().getOut().println(OperatorUsers.hash(new String(password)));
                return 0;
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }
}
