package org.jukibus.provision;

import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;
import org.jukibus.core.NodeRole;
import org.jukibus.management.JolokiaClient;
import org.jukibus.management.OperatorLogin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jukibus provision ...}: a prefecture or central node's provision of identity information (本人確認情報の提供,
 * 第6の8), through the node's management port as an operator: the operations of its
 * {@code org.jukibus:node=<code>,type=Provision} MBean over Jolokia, the same ones Hawtio offers, each in the
 * node's operation log with the operator.
 */
@Command(name = "provision", mixinStandardHelpOptions = true,
        description = "Provision of identity information to requesters (national agencies etc.) on a prefecture or "
                + "central node: register requesters and their purposes, approve bulk provision, disclose a person's "
                + "provision history, erase expired provision logs (through the node's management port).",
        subcommands = {ProvisionCommand.RegisterRequester.class, ProvisionCommand.ListRequesters.class,
                ProvisionCommand.Disclose.class, ProvisionCommand.Report.class, ProvisionCommand.ApproveBulk.class, ProvisionCommand.ListBulkApprovals.class,
                ProvisionCommand.EraseExpiredLog.class})
public class ProvisionCommand extends CommandGroup {

    /** An operation on one providing node, through its management port. */
    abstract static class Sub extends Subcommand {
        @Mixin
        OperatorLogin login;

        abstract int run(JolokiaClient node, String mbean) throws Exception;

        @Override
        protected final int run() throws Exception {
            JolokiaClient node = login.client();
            JsonNode info = node.nodeInfo();
            String role = info.path("role").asText();
            if (!NodeRole.CENTRAL.id().equals(role) && !NodeRole.PREFECTURE.id().equals(role)) {
                throw new IllegalArgumentException(login.node() + " is the " + role + " node " + info.path("code").asText()
                        + ": identity information is provided by prefecture and central nodes");
            }
            int code = run(node, ProvisionAdmin.objectName(info.path("code").asText()).toString());
            out().flush();
            return code;
        }

        /**
         * Prints {@code rows} as a table in {@code format}, one column per {@code "HEADER=field"} (an array field's
         * values joined with commas), then their count; returns exit code 0.
         */
        int table(JsonNode rows, String counted, String format, String... columns) {
            out().printf(format, Arrays.stream(columns).map(c -> c.substring(0, c.indexOf('='))).toArray());
            for (JsonNode row : rows) {
                out().printf(format, Arrays.stream(columns).map(c -> row.path(c.substring(c.indexOf('=') + 1)))
                        .map(v -> v.isArray() ? join(v) : v.asText()).toArray());
            }
            out().println(rows.size() + " " + counted);
            return 0;
        }
    }

    @Command(name = "register-requester", mixinStandardHelpOptions = true,
            description = "Register a requester (its id and name as in its certificate, jukibus pki issue-requester) for "
                    + "one or more purposes (事務); registering it again adds purposes.")
    static class RegisterRequester extends Sub {
        @Option(names = "--id", required = true, description = "the requester's id (the CN of its certificate)")
        String id;
        @Option(names = "--name", required = true, description = "its name, as in its certificate, e.g. 日本年金機構")
        String name;
        @Option(names = "--purpose", required = true, description = "a purpose it may query for, e.g. pension-benefit (repeatable)")
        List<String> purposes;
        @Option(names = "--own-use", description = "prefecture only: a body of the prefecture itself, querying for the "
                + "prefecture's own use (利用, 第6の8(5)ア); logged as used, not provided")
        boolean ownUse;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            JsonNode r = node.exec(mbean, ownUse ? "registerOwnUse" : "registerRequester", id, name, String.join(",", purposes));
            out().println("registered " + r.path("id").asText() + " (" + r.path("name").asText() + ")"
                    + (ownUse ? " for the prefecture's own use" : "") + " for " + join(r.path("purposes")));
            return 0;
        }
    }

    @Command(name = "list-requesters", mixinStandardHelpOptions = true, description = "List the registered requesters and their purposes.")
    static class ListRequesters extends Sub {
        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            return table(node.exec(mbean, "listRequesters"), "requester(s)", "%-24s %-24s %-24s %-28s %s%n",
                    "ID=id", "REGISTERED AT=registeredAt", "BY=registeredBy", "NAME=name", "PURPOSES=purposes");
        }
    }

    @Command(name = "disclose", mixinStandardHelpOptions = true,
            description = "A person's provision history for their disclosure request (自己情報の開示): who received their "
                    + "identity information, when, for which purpose, which items.")
    static class Disclose extends Sub {
        @Option(names = "--resident-code", required = true, description = "the person's resident code (11 digits)")
        String residentCode;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            return table(node.exec(mbean, "disclose", residentCode), "provision(s)", "%-30s %-9s %-20s %-24s %-20s %-24s %s%n",
                    "PROVIDED AT=providedAt", "KIND=kind", "REQUESTER=requester", "NAME=requesterName", "PURPOSE=purpose",
                    "QUERY=queryId", "ITEMS=items");
        }
    }

    @Command(name = "approve-bulk", mixinStandardHelpOptions = true,
            description = "Record a responsible officer's approval of bulk provision (第4の8(2)カ): queries for up to "
                    + "--max-persons persons by this requester for this purpose, within the validity.")
    static class ApproveBulk extends Sub {
        @Option(names = "--requester", required = true, description = "the requester's id")
        String requester;
        @Option(names = "--purpose", required = true, description = "the purpose the approval is for")
        String purpose;
        @Option(names = "--max-persons", required = true, description = "most persons per query (at least 2)")
        int maxPersons;
        @Option(names = "--valid-from", description = "first day (2027-04-01, Japan) or instant; default now")
        String validFrom;
        @Option(names = "--valid-until", required = true, description = "last day (2027-04-30, Japan, included) or instant (excluded)")
        String validUntil;
        @Option(names = "--approved-by", required = true, description = "the responsible officer who approved, e.g. 情報管理責任者 山田")
        String approvedBy;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            JsonNode a = node.exec(mbean, "approveBulk", requester, purpose, maxPersons, validFrom == null ? "" : validFrom,
                    validUntil, approvedBy);
            out().println("recorded bulk approval " + a.path("id").asText() + ": " + a.path("requester").asText() + " / "
                    + a.path("purpose").asText() + " up to " + a.path("maxPersons").asText() + " persons, "
                    + a.path("validFrom").asText() + " .. " + a.path("validUntil").asText() + ", approved by "
                    + a.path("approvedBy").asText());
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Central only: report to a delegating prefecture what central provided about its residents in "
                    + "a period (第6の8(5)イ). Written to central's legacy/outbox/provision-report/ for hand-over.")
    static class Report extends Sub {
        @Option(names = "--prefecture", required = true, description = "the prefecture's 2-digit code, e.g. 13")
        String prefecture;
        @Option(names = "--from", required = true, description = "first day (2027-04-01, Japan) or instant")
        String from;
        @Option(names = "--to", required = true, description = "last day (2027-04-30, Japan, included) or instant (excluded)")
        String to;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            JsonNode r = node.exec(mbean, "reportToPrefecture", prefecture, from, to);
            out().println(r.path("entries").size() + " provision(s) about residents of prefecture " + prefecture
                    + " -> legacy/outbox/" + r.path("file").asText());
            return 0;
        }
    }

    @Command(name = "list-bulk-approvals", mixinStandardHelpOptions = true, description = "List the recorded bulk approvals.")
    static class ListBulkApprovals extends Sub {
        @Option(names = "--requester", description = "only this requester's")
        String requester;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            return table(node.exec(mbean, "listBulkApprovals", requester == null ? "" : requester), "approval(s)",
                    "%-6s %-20s %-20s %8s %-22s %-22s %s%n", "ID=id", "REQUESTER=requester", "PURPOSE=purpose",
                    "MAX=maxPersons", "VALID FROM=validFrom", "VALID UNTIL=validUntil", "APPROVED BY=approvedBy");
        }
    }

    @Command(name = "erase-expired-log", mixinStandardHelpOptions = true,
            description = "Erase the provision-log entries older than jukibus.provision.log-retention now (the node also "
                    + "does it on its own every jukibus.provision.log-erasure-interval).")
    static class EraseExpiredLog extends Sub {
        @Option(names = "--as-of", description = "erase as of this instant instead of now (e.g. 2033-04-01T00:00:00Z)")
        String asOf;

        @Override
        int run(JolokiaClient node, String mbean) throws Exception {
            int n = node.exec(mbean, "eraseExpiredLog", asOf == null ? "" : asOf).asInt();
            out().println("erased " + n + " provision-log entr" + (n == 1 ? "y" : "ies"));
            return 0;
        }
    }

    private static String join(JsonNode array) {
        StringBuilder s = new StringBuilder();
        array.forEach(p -> s.append(s.length() == 0 ? "" : ",").append(p.asText()));
        return s.toString();
    }
}
