package org.jukibus;

import org.jukibus.approval.RoutesCommand;
import org.jukibus.attack.AttackSimCommand;
import org.jukibus.audit.AuditCommand;
import org.jukibus.demo.DemoCommand;
import org.jukibus.directory.DirectoryCommand;
import org.jukibus.node.NodeCommand;
import org.jukibus.monitoring.StatusCommand;
import org.jukibus.management.DlqCommand;
import org.jukibus.management.OperatorCommand;
import org.jukibus.pki.PkiCommand;
import org.jukibus.provision.ProvisionCommand;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jukibus} command: run a node (back it up, restore it), run the demo network, operate the PKI, the directory and dead letters,
 * see every node's status, approve routes, verify operation logs and kept evidence.
 */
@Command(name = "jukibus", mixinStandardHelpOptions = true, version = "jukibus 0.1.0",
        description = "Message bus of the Basic Resident Registry Network (Juki-net).",
        exitCodeListHeading = "%nExit codes (every command):%n",
        exitCodeList = {"0:done", "1:the operation failed (the message on stderr says why)",
                "2:usage: an unknown command or option, a missing or invalid argument"},
        footer = {"%nRun 'jukibus COMMAND --help' for a command's options. Docs: README.md, docs/."},
        subcommands = {NodeCommand.class, DemoCommand.class, PkiCommand.class, DirectoryCommand.class,
                DlqCommand.class, StatusCommand.class, OperatorCommand.class, RoutesCommand.class, AuditCommand.class,
                ProvisionCommand.class, org.jukibus.evidence.EvidenceCommand.class, AttackSimCommand.class, org.jukibus.clock.ClockCommand.class})
public class Jukibus implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        org.jukibus.logging.NodeLogging.quietBeforeSpring();
        CommandLine cli = new CommandLine(new Jukibus());
        int exit = cli.execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
        // a started node or demo keeps running on its non-daemon threads
    }

    /** No command given: the usage, on stderr, and exit 2 like every other usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
