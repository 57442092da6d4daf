package org.jukibus.directory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;

import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code directory}: edit, sign (as central) and verify the node directory. */
@Command(name = "directory", mixinStandardHelpOptions = true,
        description = "Edit, sign and verify the signed node directory.",
        subcommands = {DirectoryCommand.Add.class, DirectoryCommand.Renew.class, DirectoryCommand.EndOverlap.class, DirectoryCommand.Sign.class, DirectoryCommand.Verify.class})
public class DirectoryCommand extends CommandGroup {


    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a node to an unsigned directory file (created if absent).")
    static class Add extends Subcommand {
        @Option(names = "--file", required = true, description = "the unsigned directory XML")
        Path file;
        @Option(names = "--role", required = true, description = "municipal, prefecture, central or liaison")
        String role;
        @Option(names = "--code", required = true)
        String code;
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--prefecture", description = "2-digit prefecture code (default: from the code)")
        String prefecture;
        @Option(names = "--primary", required = true, description = "host:port of the primary line")
        String primary;
        @Option(names = "--backup", required = true, description = "host:port of the backup line")
        String backup;
        @Option(names = "--cert", required = true, description = "the node certificate (PEM)")
        Path cert;

        @Override
        protected int run() throws Exception {
            DirectoryBuilder b = Files.exists(file) ? DirectoryBuilder.from(DirectoryLoader.readUnsigned(Files.readAllBytes(file)))
                    : new DirectoryBuilder();
            NodeEntry e = new NodeEntry(NodeRole.fromId(role), code, name, prefecture, Endpoint.parse(primary),
                    Endpoint.parse(backup), Pem.readCertificate(cert));
            b.add(e);
            SecureFiles.writePublic(file, b.toXml());
            out().println("added " + role + " " + code + " (" + name + ") to " + file + " (" + b.entries().size() + " nodes)");
            return 0;
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = "List a node's new certificate beside its current one (a renewal's overlap begins once signed and published).")
    static class Renew extends Subcommand {
        @Option(names = "--file", required = true, description = "the unsigned directory XML")
        Path file;
        @Option(names = "--code", required = true)
        String code;
        @Option(names = "--cert", required = true, description = "the node's new certificate (PEM)")
        Path cert;

        @Override
        protected int run() throws Exception {
            X509Certificate next = Pem.readCertificate(cert);
            edit(file, b -> b.listNextCertificate(code, next));
            out().println("listed the next certificate of " + code + " in " + file);
            return 0;
        }
    }

    @Command(name = "end-overlap", mixinStandardHelpOptions = true,
            description = "End a node's renewal overlap: its new certificate becomes the only one listed.")
    static class EndOverlap extends Subcommand {
        @Option(names = "--file", required = true, description = "the unsigned directory XML")
        Path file;
        @Option(names = "--code", required = true)
        String code;

        @Override
        protected int run() throws Exception {
            edit(file, b -> b.endOverlap(code));
            out().println("node " + code + " now listed with its new certificate only in " + file);
            return 0;
        }
    }

    /** Reads an unsigned directory file, applies one change, writes it back. */
    private static void edit(Path file, Consumer<DirectoryBuilder> change) throws Exception {
        DirectoryBuilder b = DirectoryBuilder.from(DirectoryLoader.readUnsigned(Files.readAllBytes(file)));
        change.accept(b);
        SecureFiles.writePublic(file, b.toXml());
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Sign an unsigned directory with the central node's key: increments the serial, sets issuedAt and nextUpdate.")
    static class Sign extends Subcommand {
        @Option(names = "--in", required = true, description = "the unsigned directory XML")
        Path in;
        @Option(names = "--keystore", required = true, description = "the central node's PKCS#12 key store")
        Path keystore;
        @Option(names = "--password-file", required = true, description = "file with the key store password")
        Path passwordFile;
        @Option(names = "--out", required = true, description = "the signed directory to write")
        Path out;
        @Option(names = "--valid-days", defaultValue = "365",
                description = "days until nextUpdate: nodes refuse this directory when it arrives later than that (default ${DEFAULT-VALUE})")
        long validDays;

        @Override
        protected int run() throws Exception {
            NodeDirectory unsigned = DirectoryLoader.readUnsigned(Files.readAllBytes(in));
            long serial = unsigned.serial();
            if (Files.exists(out)) {
                try {
                    serial = Math.max(serial, DirectoryLoader.readUnsigned(Files.readAllBytes(out)).serial());
                } catch (DirectoryRejectedException ignored) {
                    // an unreadable previous output does not block signing
                }
            }
            char[] pw = SecureFiles.readPassword(passwordFile);
            KeyMaterial km;
            try {
                km = KeyStores.readKeyStore(keystore, pw);
            } finally {
                Arrays.fill(pw, '\0');
            }
            Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS);
            DirectoryBuilder b = DirectoryBuilder.from(unsigned).serial(serial + 1).issuedAt(now)
                    .nextUpdate(now.plus(java.time.Duration.ofDays(validDays)));
            byte[] signed = DirectorySigner.sign(b.build(), km);
            SecureFiles.writePublic(out, signed);
            SecureFiles.writePublic(in, b.toXml());
            out().println("signed directory serial " + (serial + 1) + " with " + unsigned.size() + " nodes -> " + out);
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify a signed directory against the root CA (and CRL) and print a summary.")
    static class Verify extends Subcommand {
        @Option(names = "--file", required = true, description = "the signed directory XML")
        Path file;
        @Option(names = "--root-ca", required = true, description = "the root CA certificate (PEM)")
        Path rootCa;
        @Option(names = "--crl", description = "the root CA's CRL (PEM)")
        Path crl;

        @Override
        protected int run() throws Exception {
            X509Certificate root = Pem.readCertificate(rootCa);
            X509CRL c = crl == null ? null : Pem.readCrl(crl);
            NodeDirectory dir = DirectoryLoader.load(file, root, c, Clock.systemUTC());
            out().println("directory OK: serial " + dir.serial() + ", issued at " + dir.issuedAt() + ", " + dir.size() + " nodes");
            for (Map.Entry<NodeRole, Integer> e : dir.countsByRole().entrySet()) {
                out().println("  " + e.getKey().id() + ": " + e.getValue());
            }
            return 0;
        }
    }
}
