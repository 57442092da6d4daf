package org.jukibus.evidence;

import java.nio.file.Path;
import java.util.List;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code evidence}: show and re-verify the envelopes a node kept as evidence (証跡). */
@Command(name = "evidence", mixinStandardHelpOptions = true,
        description = "Show and verify again the signed envelopes (and signed receipts) a node kept as evidence.",
        subcommands = {EvidenceCommand.Show.class, EvidenceCommand.Verify.class})
public class EvidenceCommand extends CommandGroup {

    abstract static class Lookup extends Subcommand {
        @Parameters(index = "0", paramLabel = "MESSAGE-ID", description = "the envelope's message id")
        String messageId;
        @Option(names = "--home", required = true, paramLabel = "DIR", description = "the node's home (jukibus.home)")
        Path home;

        List<KeptEnvelope> kept() throws Exception {
            List<KeptEnvelope> kept = EvidenceStore.find(home.resolve(EvidenceStore.FOLDER), messageId);
            if (kept.isEmpty()) {
                throw new EvidenceRejectedException(EvidenceRejectedException.Reason.NOT_KEPT, "no envelope " + messageId
                        + " is kept in " + home.resolve(EvidenceStore.FOLDER) + " (never received here, or erased after its retention)");
            }
            return kept;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print what is kept for a message: sender, arrival, digests, the trust documents of its day, the file.")
    static class Show extends Lookup {
        @Override
        protected int run() throws Exception {
            for (KeptEnvelope k : kept()) {
                out().println("message " + k.messageId() + " (" + k.type() + ") from " + k.sender() + " to " + k.recipient()
                        + (k.correlationId() == null ? "" : ", answering " + k.correlationId()));
                out().println("  received      " + k.receivedAt());
                out().println("  envelope      " + k.envelope() + " SHA-256 " + k.sha256());
                out().println("  trust then    CRL " + k.crl() + ", directory " + k.directory() + ", root CA " + k.rootCa());
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a kept envelope again with the certificate and CRL in force when it arrived.",
                    "Exit code 0: verified; 1: not verified (the reason is printed) or not kept."})
    static class Verify extends Lookup {
        @Override
        protected int run() throws Exception {
            EvidenceVerifier verifier = new EvidenceVerifier(home.resolve(EvidenceStore.FOLDER));
            int failed = 0;
            for (KeptEnvelope k : kept()) {
                try {
                    out().println("verified: " + verifier.verify(k).describe());
                } catch (EvidenceRejectedException e) {
                    err().println("evidence verify: NOT verified: message " + k.messageId() + " from " + k.sender() + ": " + e.getMessage());
                    failed++;
                }
            }
            out().flush();
            err().flush();
            return failed == 0 ? 0 : 1;
        }
    }
}
