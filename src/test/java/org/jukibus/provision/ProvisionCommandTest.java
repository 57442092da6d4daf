package org.jukibus.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.jukibus.Jukibus;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code jukibus provision}: its commands and their help; the operations themselves run in ProvisionIT. */
class ProvisionCommandTest {

    @Test
    void help_lists_every_command() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Jukibus()).setOut(new PrintWriter(out)).execute("provision", "--help");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("register-requester", "list-requesters", "disclose", "approve-bulk",
                "list-bulk-approvals", "erase-expired-log");
    }

    @Test
    void approve_bulk_requires_who_approved() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Jukibus()).setErr(new PrintWriter(err)).execute("provision", "approve-bulk",
                "--node", "http://127.0.0.1:1", "--requester", "kenpo", "--purpose", "p", "--max-persons", "5",
                "--valid-until", "2027-04-30");
        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("--approved-by");
    }
}
