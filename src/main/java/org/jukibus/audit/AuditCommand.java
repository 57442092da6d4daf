package org.jukibus.audit;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.Pem;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit}: verify a node's operation log (操作履歴) or an extract of it, and export extracts for auditors. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify a node's operation log (操作履歴) and export verifiable extracts for auditors.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
public class AuditCommand extends CommandGroup {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check that an operation log (or an extract) is exactly what the node wrote: names by file "
                    + "and line every edited, removed, swapped or reordered entry, broken link, cut-off line and seal that "
                    + "does not verify with the node certificate, and a log that ends before the seal in head.json.",
                    "Entries after the last seal are reported as an unsealed tail (an error only with --require-sealed).",
                    "Exit code 0: intact; 1: not intact (or the input could not be read)."})
    static class Verify extends Subcommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;
        @Option(names = "--certificate", required = true, paramLabel = "PEM",
                description = "the node's certificate (PEM); repeat it, or put several in the file, for a log that outlived a renewal")
        List<Path> certificates = new ArrayList<>();
        @Option(names = "--root-ca", paramLabel = "PEM",
                description = "the network root CA: each seal's certificate must have been valid, and issued by it, when it sealed")
        Path rootCa;
        @Option(names = "--crl", paramLabel = "PEM", description = "the root CA's CRL (with --root-ca): a seal made after its certificate was revoked is an error")
        Path crl;
        @Option(names = "--require-sealed", description = "entries after the last seal are an error, not a note")
        boolean requireSealed;

        static class Source {
            @Option(names = "--log", paramLabel = "DIR", description = "the node's log directory ($${jukibus.home}/audit)")
            Path log;
            @Option(names = "--extract", paramLabel = "FILE", description = "an extract made with 'jukibus audit export'")
            Path extract;
        }

        @Override
        protected int run() throws Exception {
            List<X509Certificate> certs = new ArrayList<>();
            for (Path p : certificates) {
                List<X509Certificate> inFile = Pem.readCertificates(p);
                if (inFile.isEmpty()) {
                    throw new IllegalArgumentException("no certificate in " + p);
                }
                certs.addAll(inFile);
            }
            if (crl != null && rootCa == null) {
                throw new IllegalArgumentException("--crl needs --root-ca");
            }
            CertificateValidator validator = rootCa == null ? null
                    : new CertificateValidator(Pem.readCertificate(rootCa), crl == null ? null : Pem.readCrl(crl));
            AuditVerifier.Report report;
            if (source.log != null) {
                report = AuditVerifier.verifyDirectory(source.log, certs, validator, requireSealed);
                out().println("operation log " + source.log + ": " + summary(report));
            } else {
                AuditExtract.Verified v = AuditExtract.verify(source.extract, certs, validator, requireSealed);
                report = v.report();
                out().println("extract " + source.extract + " (" + v.from() + " to " + v.to() + ", " + v.inRange()
                        + " entries in range): " + summary(report));
            }
            for (AuditVerifier.Problem p : report.errors()) {
                out().println("ERROR " + p);
            }
            for (String note : report.notes()) {
                out().println("note: " + note);
            }
            out().println(report.ok() ? "intact" : "NOT INTACT: " + report.errors().size() + " problem(s)");
            return report.ok() ? 0 : 1;
        }

        private static String summary(AuditVerifier.Report r) {
            return r.entries() + " entries (#" + r.firstSeq() + "..#" + r.lastSeq() + "), " + r.seals() + " seal(s)"
                    + (r.lastSealSeq() > 0 ? ", last valid seal #" + r.lastSealSeq() : "");
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the entries of a period with the chain context needed to verify them on their own "
                    + "(the hash before the first entry, and the entries up to the seal that covers the last one).",
                    "Verify the extract with 'jukibus audit verify --extract FILE --certificate NODE.pem'."})
    static class Export extends Subcommand {
        @Option(names = "--log", required = true, paramLabel = "DIR", description = "the node's log directory ($${jukibus.home}/audit)")
        Path log;
        @Option(names = "--from", required = true, paramLabel = "DATE", description = "first day (yyyy-MM-dd), included")
        String from;
        @Option(names = "--to", required = true, paramLabel = "DATE", description = "last day (yyyy-MM-dd), included")
        String to;
        @Option(names = "--zone", defaultValue = "Asia/Tokyo", description = "time zone of the days (default: ${DEFAULT-VALUE})")
        String zone;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the extract to write")
        Path outFile;

        @Override
        protected int run() throws Exception {
            ZoneId z;
            try {
                z = ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("unknown time zone '" + zone + "'");
            }
            Instant start = day(from, "--from").atStartOfDay(z).toInstant();
            Instant end = day(to, "--to").plusDays(1).atStartOfDay(z).toInstant();
            AuditExtract.Exported e = AuditExtract.export(log, start, end, outFile);
            out().println("exported " + e.inRange() + " entries of " + from + " to " + to + " (" + zone + "), with their chain "
                    + "context entries #" + e.firstSeq() + "..#" + e.lastSeq() + ", to " + outFile);
            if (!e.sealed()) {
                out().println("note: the newest entries are not sealed yet: export again after the node's next seal "
                        + "for an extract that cannot be changed unnoticed");
            }
            return 0;
        }

        private static LocalDate day(String text, String option) {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " '" + text + "' is not a date (yyyy-MM-dd)");
            }
        }
    }

    /** For tests and embedding: a CommandLine with this command. */
    public static CommandLine commandLine() {
        return new CommandLine(new AuditCommand());
    }
}
