package org.jukibus.approval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;
import org.jukibus.xml.SecureXml;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code routes}: the responsible officer approves the routes and broker configuration nodes run, and anyone checks them. */
@Command(name = "routes", mixinStandardHelpOptions = true,
        description = "Approve (as the responsible officer) and check the routes and broker configuration nodes run "
                + "(standard 第4の8(1)イ: programs are registered and removed only with the officer's approval).",
        subcommands = {RoutesCommand.Sign.class, RoutesCommand.Verify.class})
public class RoutesCommand extends CommandGroup {

    static final String MANIFEST = "APPROVED.xml";

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Approve every routes/<folder>/*.yaml and broker-config/*.xml as they are now, and the "
                    + "node's program: the jar nodes run (--jar, default the jar running this command) and the schemas "
                    + "in it. Write the manifest of their SHA-256 digests, signed with the officer's key (XML-DSig), to <routes>/" + MANIFEST
                    + " (or --out). Review the change first: the command lists what differs from the manifest it replaces.",
                    "Nodes load the approved files only; restart them to run the new approval."})
    static class Sign extends Subcommand {
        @Option(names = "--routes", required = true, paramLabel = "DIR", description = "the routes folder (common/, <role>/)")
        Path routes;
        @Option(names = "--broker-config", required = true, paramLabel = "DIR", description = "the broker-config folder (<role>.xml)")
        Path brokerConfig;
        @Option(names = "--keystore", required = true, paramLabel = "P12", description = "the officer's key store (jukibus pki issue-officer)")
        Path keystore;
        @Option(names = "--password-file", required = true, paramLabel = "FILE", description = "file with the key store password")
        Path passwordFile;
        @Option(names = "--out", paramLabel = "FILE", description = "the signed manifest (default: <routes>/" + MANIFEST + ")")
        Path outFile;
        @Option(names = "--note", description = "what was reviewed (a change ticket); goes into the manifest")
        String note;
        @Option(names = "--jar", paramLabel = "JAR", description = "the jar the nodes run (default: the jar running this command)")
        Path jar;

        @Override
        protected int run() throws Exception {
            Path target = outFile != null ? outFile : routes.resolve(MANIFEST);
            char[] pw = SecureFiles.readPassword(passwordFile);
            KeyMaterial km;
            try {
                km = KeyStores.readKeyStore(keystore, pw);
            } finally {
                Arrays.fill(pw, '\0');
            }
            OfficerIdentity officer;
            try {
                officer = OfficerIdentity.fromCertificate(km.certificate());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(keystore + " is not an officer's key store: " + e.getMessage(), e);
            }
            SortedMap<String, byte[]> files = ProgramFiles.all(routes, brokerConfig);
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no routes (*.yaml) or broker configuration (*.xml) under " + routes
                        + " and " + brokerConfig);
            }
            NodeProgram program = program(jar);
            if (program.jar() == null) {
                out().println("warning: no jar approved (" + program.describe() + "): a node run from a jar will refuse "
                        + "to start; give --jar");
            }
            ProgramManifest manifest = ProgramManifest.of(officer.name(), Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS),
                    note, files, program);
            if (Files.isRegularFile(target)) {
                try {
                    ProgramManifest before = ProgramManifest.fromDocument(SecureXml.parse(Files.readAllBytes(target)));
                    List<ProgramDifferences.Difference> changes = ProgramDifferences.between(before.files(), manifest.files());
                    out().println(changes.isEmpty() ? "no change since the approval of " + before.approvedAt()
                            : "changes since the approval of " + before.approvedAt() + " by " + before.approvedBy() + ":");
                    changes.forEach(d -> out().println("  " + d));
                } catch (Exception unreadable) {
                    out().println("(the previous " + target + " cannot be read; approving from scratch)");
                }
            }
            SecureFiles.writePublic(target, ManifestSigner.sign(manifest, km));
            manifest.files().forEach((path, digest) -> out().println("  " + digest + "  " + path));
            out().println("approved " + manifest.files().size() + " files as " + officer + " -> " + target);
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the routes and broker configuration against the officer's signed manifest: the "
                    + "signature, the officer's certificate (root CA, CRL), and every file, naming each that was "
                    + "changed, added without approval, or removed.",
                    "Exit code 0: everything approved; 1: not (or the manifest could not be checked)."})
    static class Verify extends Subcommand {
        @Option(names = "--routes", required = true, paramLabel = "DIR", description = "the routes folder")
        Path routes;
        @Option(names = "--broker-config", required = true, paramLabel = "DIR", description = "the broker-config folder")
        Path brokerConfig;
        @Option(names = "--officer-certificate", required = true, paramLabel = "PEM", description = "the approving officer's certificate")
        Path officerCertificate;
        @Option(names = "--root-ca", required = true, paramLabel = "PEM", description = "the network root CA")
        Path rootCa;
        @Option(names = "--crl", paramLabel = "PEM", description = "the root CA's CRL")
        Path crl;
        @Option(names = "--manifest", paramLabel = "FILE", description = "the signed manifest (default: <routes>/" + MANIFEST + ")")
        Path manifestFile;
        @Option(names = "--role", description = "check only what a node of this role loads (default: every file)")
        String role;
        @Option(names = "--jar", paramLabel = "JAR", description = "the jar the nodes run (default: the jar running this command)")
        Path jar;

        @Override
        protected int run() throws Exception {
            Path manifestPath = manifestFile != null ? manifestFile : routes.resolve(MANIFEST);
            X509Certificate officer = Pem.readCertificate(officerCertificate);
            CertificateValidator validator = new CertificateValidator(Pem.readCertificate(rootCa),
                    crl == null ? null : Pem.readCrl(crl));
            ProgramManifest manifest = ManifestVerifier.verify(Files.readAllBytes(manifestPath), manifestPath.toString(),
                    officer, validator);
            SortedMap<String, String> approved;
            SortedMap<String, byte[]> found;
            if (role == null) {
                approved = new java.util.TreeMap<>(manifest.files());
                found = ProgramFiles.all(routes, brokerConfig);
            } else {
                NodeRole r = NodeRole.fromId(role);
                approved = manifest.filesFor(r);
                found = ProgramFiles.forRole(routes, brokerConfig, r);
            }
            NodeProgram program = program(jar);
            if (program.jar() == null && approved.remove(ProgramFiles.JAR) != null) {
                out().println("the jar is not checked (" + program.describe() + "): give --jar");
            }
            List<ProgramDifferences.Difference> differences = ProgramDifferences.between(approved,
                    ProgramDifferences.digests(found, program.digests()));
            out().println("manifest " + manifestPath + ": signed by " + manifest.approvedBy() + " at " + manifest.approvedAt()
                    + ", " + approved.size() + " files" + (role == null ? "" : " for a " + role + " node"));
            differences.forEach(d -> out().println("NOT APPROVED " + d));
            out().println(differences.isEmpty() ? "approved: every file is as the officer approved it"
                    : differences.size() + " file(s) differ from the approval");
            return differences.isEmpty() ? 0 : 1;
        }
    }

    /** The jar given, or the program running this command. */
    static NodeProgram program(Path jar) throws java.io.IOException {
        return jar != null ? NodeProgram.ofJar(jar) : NodeProgram.running();
    }

    /** For tests and embedding: a CommandLine with this command. */
    public static CommandLine commandLine() {
        return new CommandLine(new RoutesCommand());
    }
}
