package org.jukibus.management;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jukibus.approval.AcceptedApprovals;
import org.jukibus.approval.OfficerApprovalException;
import org.jukibus.audit.Sha256;
import org.jukibus.cli.CommandGroup;
import org.jukibus.cli.Subcommand;
import org.jukibus.operators.OperatorRegistration;
import org.jukibus.operators.OperatorUnlock;
import org.jukibus.operators.Permission;
import org.jukibus.operators.Pins;
import org.jukibus.operators.RegisteredOperator;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.OperatorIdentity;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jukibus operator register|unlock}: the responsible officer registers a node's operators (操作者の登録:
 * card, PIN, permissions) and ends an operator's lock, each signed with the officer's key (standard 第4の4).
 */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = "Operators of a node's management port (Hawtio, Jolokia, actuator, jukibus dlq and status): "
                + "register them and unlock them, as the responsible officer.",
        subcommands = {OperatorCommand.Register.class, OperatorCommand.Unlock.class})
public class OperatorCommand extends CommandGroup {

    /** The officer's key store and its password, as every officer's signature needs them. */
    static class Officer {
        @Option(names = "--officer-keystore", required = true, paramLabel = "P12", description = "the officer's key store (jukibus pki issue-officer)")
        Path keystore;
        @Option(names = "--officer-password-file", required = true, paramLabel = "FILE", description = "file with its password")
        Path passwordFile;

        KeyMaterial open() throws Exception {
            char[] pw = SecureFiles.readPassword(passwordFile);
            try {
                KeyMaterial km = KeyStores.readKeyStore(keystore, pw);
                OfficerIdentity.fromCertificate(km.certificate());
                return km;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(keystore + " is not an officer's key store: " + e.getMessage(), e);
            } finally {
                Arrays.fill(pw, '\0');
            }
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = {"Register (or re-register) an operator with a node: the operator's card certificate, PIN "
                    + "(kept as a bcrypt hash) and permissions, in the node's operators file signed with the officer's key.",
                    "Permissions: dlq.read:<flow>, dlq.replay:<flow>, dlq.purge:<flow> (<flow> or * for every flow), "
                    + "status (node status at central), management (Hawtio and every other MBean).",
                    "The node reads the file again when it changes; an existing file must carry this officer's signature, "
                    + "or, to take it over from a previous officer certificate (a new certificate after the old one lapsed), "
                    + "that certificate's signature: give --previous-officer-certificate and --node-home."})
    static class Register extends Subcommand {
        @Option(names = "--registration", required = true, paramLabel = "FILE", description = "the node's operators file (jukibus.operators.registration)")
        Path registration;
        @Option(names = "--node-code", required = true, description = "the node's code")
        String node;
        @Option(names = "--card-certificate", required = true, paramLabel = "PEM", description = "the operator card's certificate (<id>.pem)")
        Path cardCertificate;
        @Option(names = "--pin-file", paramLabel = "FILE", description = "file with the operator's PIN (else asked for on the terminal)")
        Path pinFile;
        @Option(names = "--permission", required = true, split = ",", description = "one or more permissions (repeat or separate by commas)")
        List<String> permissions;
        @Option(names = "--previous-officer-certificate", paramLabel = "PEM", description = "the officer certificate "
                + "that signed the existing file, if not the key store's: the file is taken over when that certificate "
                + "is valid, or, lapsed, when the node recorded accepting the file while it was valid (--node-home)")
        Path previousOfficer;
        @Option(names = "--node-home", paramLabel = "DIR", description = "the node's home (jukibus.home), whose "
                + "state/accepted-approvals records the registrations the node accepted; with --previous-officer-certificate")
        Path nodeHome;
        @CommandLine.Mixin
        Officer officer;

        @Override
        protected int run() throws Exception {
            if ((previousOfficer == null) != (nodeHome == null)) {
                throw new IllegalArgumentException("--previous-officer-certificate and --node-home go together");
            }
            X509Certificate card = Pem.readCertificate(cardCertificate);
            OperatorIdentity id = OperatorIdentity.fromCertificate(card);
            Set<Permission> granted = new LinkedHashSet<>();
            permissions.forEach(p -> granted.add(Permission.parse(p)));
            KeyMaterial km = officer.open();
            String officerName = OfficerIdentity.fromCertificate(km.certificate()).name();
            Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS);
            OperatorRegistration before = new OperatorRegistration(node, officerName, now, List.of());
            if (Files.isRegularFile(registration)) {
                before = existing(km, now);
            }
            char[] pin = pin();
            String pinHash;
            try {
                pinHash = Pins.hash(pin);
            } finally {
                Arrays.fill(pin, '\0');
            }
            RegisteredOperator operator = new RegisteredOperator(id.id(), id.name(), RegisteredOperator.fingerprint(card),
                    pinHash, granted);
            SecureFiles.writePublic(registration, before.with(operator, officerName, now).sign(km));
            out().println("registered " + id + " with node " + node + ": " + granted + " (card serial "
                    + card.getSerialNumber().toString(16) + ") -> " + registration);
            return 0;
        }

        /**
         * The existing registration, verified: re-signing what someone else changed would approve the change, so the
         * file must be this officer's, or the previous officer certificate's as the node accepted it.
         */
        private OperatorRegistration existing(KeyMaterial km, Instant now) throws Exception {
            byte[] xml = Files.readAllBytes(registration);
            List<X509Certificate> chain = km.chain();
            CertificateValidator validator = new CertificateValidator(chain.get(chain.size() - 1), null);
            if (previousOfficer == null) {
                return OperatorRegistration.verify(xml, registration.toString(), node, km.certificate(), validator);
            }
            X509Certificate previous = Pem.readCertificate(previousOfficer);
            AcceptedApprovals.Judgement judged = new AcceptedApprovals(nodeHome).judge(Sha256.hex(xml), previous, validator, now);
            try {
                return OperatorRegistration.verify(xml, registration.toString(), node, previous, judged.check());
            } catch (OfficerApprovalException e) {
                throw judged.needsReapproval() ? new OfficerApprovalException(e.getMessage() + "; the node at " + nodeHome
                        + " has no record of accepting this file while that certificate was valid, so it cannot be taken "
                        + "over: register every operator again into a new file", e) : e;
            }
        }

        private char[] pin() throws Exception {
            if (pinFile != null) {
                return SecureFiles.readPassword(pinFile);
            }
            Console console = System.console();
            if (console == null) {
                throw new IllegalArgumentException("give --pin-file (no terminal to ask the operator's PIN on)");
            }
            return console.readPassword("The operator's PIN: ");
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true,
            description = {"End an operator's lock on a node (after too many wrong PINs): writes the unlock, signed with "
                    + "the officer's key, into the node's unlock folder (jukibus.operators.unlock-dir).",
                    "It takes effect at the operator's next login and ends only a lock that began before it was signed."})
    static class Unlock extends Subcommand {
        @Option(names = "--id", required = true, description = "the operator's id")
        String id;
        @Option(names = "--node-code", required = true, description = "the node's code")
        String node;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the node's unlock folder")
        Path out;
        @CommandLine.Mixin
        Officer officer;

        @Override
        protected int run() throws Exception {
            new OperatorIdentity(id, id); // the id's syntax
            KeyMaterial km = officer.open();
            String officerName = OfficerIdentity.fromCertificate(km.certificate()).name();
            Instant now = Clock.systemUTC().instant();
            Path file = out.resolve(id + "-" + now.toEpochMilli() + ".xml");
            SecureFiles.writePublic(file, new OperatorUnlock(node, id, officerName, now).sign(km));
            out().println("unlock of operator " + id + " on node " + node + " signed by " + officerName + " -> " + file);
            return 0;
        }
    }
}
