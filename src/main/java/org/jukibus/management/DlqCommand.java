package org.jukibus.management;

import java.io.Console;

import com.fasterxml.jackson.databind.JsonNode;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jukibus dlq list|show|replay|purge}: a node's dead letters, through the node's management
 * port as an operator. Runs the operations of the node's {@code org.jukibus:node=<code>,type=DeadLetters}
 * MBean over Jolokia, the same ones Hawtio offers, so both leave the same log lines on the node.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = {"List, show, replay or purge a node's dead letters (through its management port, with your "
                + "operator card and PIN).", "Each needs the permission dlq.read, dlq.replay or dlq.purge for the flow "
                + "(or for every flow without --flow)."},
        subcommands = {DlqCommand.ListCmd.class, DlqCommand.Show.class, DlqCommand.Replay.class, DlqCommand.Resend.class,
                DlqCommand.Purge.class})
public class DlqCommand extends CommandGroup {

    /** A dead-letter operation on one node, through its management port. */
    abstract static class Sub extends Subcommand {
        @Mixin
        OperatorLogin login;
        @Option(names = "--flow", description = "Only this flow's dead letters (e.g. transfer-in).")
        String flow;

        abstract int run(JolokiaClient node, String mbean) throws Exception;

        @Override
        protected final int run() throws Exception {
            JolokiaClient node = login.client();
            return run(node, node.deadLetterMBean());
        }

        String flowArg() {
            return flow == null ? "" : flow;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters with their reason.")
    static class ListCmd extends Sub {
        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            JsonNode list = node.exec(mbean, "list", flowArg());
            out().printf("%-44s %-12s %-18s %-24s %s%n", "ID", "FLOW", "REASON", "REJECTED AT", "DETAIL");
            for (JsonNode e : list) {
                out().printf("%-44s %-12s %-18s %-24s %s%n", e.path("id").asText(), e.path("flow").asText("-"),
                        e.path("reason").asText("-"), e.path("rejectedAt").asText("-"), e.path("detail").asText("")
                                + (e.path("replayOf").isTextual() ? " [replay of " + e.path("replayOf").asText() + "]" : "")
                                + senderNotice(e));
            }
            out().println(list.size() + " dead letter(s)");
            out().flush();
            return 0;
        }
    }

    /**
     * What the dead letter's sender was told: " [sender told <when>]", " [sender owed a notice]" (with why it cannot be
     * made, if it cannot), " [nothing owed: <why>]" for an unmarked dead letter found to owe nothing, or nothing.
     */
    static String senderNotice(JsonNode e) {
        return switch (e.path("senderNotice").asText("")) {
            case "TOLD" -> " [sender told" + (e.path("senderToldAt").isTextual() ? " " + e.path("senderToldAt").asText() : "") + "]";
            case "OWED" -> " [sender owed a notice" + (e.path("senderNotTold").isTextual()
                    ? " that cannot be made: " + e.path("senderNotTold").asText() : "") + "]";
            case "NONE" -> e.path("senderNotTold").isTextual() ? " [" + e.path("senderNotTold").asText() + "]" : "";
            default -> "";
        };
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one dead letter: reason, every header, size and SHA-256 of its (still encrypted) body.")
    static class Show extends Sub {
        @Option(names = "--id", required = true, description = "The dead letter's id (ID:..., from list).")
        String id;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            JsonNode e = node.exec(mbean, "show", id);
            e.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("properties")) {
                    out().println(f.getKey() + ": " + (f.getValue().isNull() ? "-" : f.getValue().asText()));
                }
            });
            out().println("headers:");
            e.path("properties").fields().forEachRemaining(f -> out().println("  " + f.getKey() + " = " + f.getValue().asText()));
            out().flush();
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Put dead letters back on the queue they failed on (after fixing the cause).")
    static class Replay extends Sub {
        @ArgGroup(multiplicity = "1")
        Which which;

        static class Which {
            @Option(names = "--id", description = "One dead letter (ID:..., from list).")
            String id;
            @Option(names = "--all", description = "Every dead letter (of --flow, if given).")
            boolean all;
        }

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            if (which.id != null) {
                String queue = node.exec(mbean, "replay", which.id).asText();
                out().println("replayed " + which.id + " to " + queue);
            } else {
                int n = node.exec(mbean, "replayAll", flowArg()).asInt();
                out().println("replayed " + n + " dead letter(s)");
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "resend", mixinStandardHelpOptions = true,
            description = {"Send a message of this node that could not leave it again, after your decision: one that "
                    + "expired here (reason EXPIRED: its recipient was down for the whole outage window) or whose recipient "
                    + "was not in the directory or revoked (UNKNOWN_RECIPIENT, RECIPIENT_REVOKED: once the directory lists "
                    + "it). A fresh envelope with a new message id, the same content. Needs dlq.replay for its flow."})
    static class Resend extends Sub {
        @Option(names = "--id", required = true, description = "The dead letter (ID:..., from list).")
        String id;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            out().println("resent " + id + ": message " + node.exec(mbean, "resend", id).asText());
            out().flush();
            return 0;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = {"Remove dead letters for good (of --flow, or all); asks for confirmation unless --yes.",
                    "A sender still owed a non-delivery notice ([sender owed a notice] in list) is sent it first; a dead "
                    + "letter whose notice cannot be sent now stays on the queue, owed (an ERROR in the node's log names it)."})
    static class Purge extends Sub {
        @Option(names = "--yes", description = "Confirm without asking.")
        boolean yes;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            if (!yes) {
                Console console = System.console();
                long n = node.exec(mbean, "list", flowArg()).size();
                String what = n + " dead letter(s)" + (flow == null ? "" : " of " + flow) + " from " + login.node();
                if (console == null) {
                    err().println(spec.qualifiedName() + ": refusing to purge " + what
                            + " without confirmation: pass --yes (or run it in a terminal)");
                    err().flush();
                    return 2;
                }
                String answer = console.readLine("Remove %s for good? Type yes to confirm: ", what);
                if (answer == null || !answer.trim().equals("yes")) {
                    err().println(spec.qualifiedName() + ": not confirmed, nothing removed");
                    err().flush();
                    return 1;
                }
            }
            int removed = node.exec(mbean, "purge", flowArg(), true).asInt();
            out().println("purged " + removed + " dead letter(s)");
            out().flush();
            return 0;
        }
    }
}
