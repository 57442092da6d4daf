package org.jukibus.approval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.audit.Sha256;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does at start-up, before its broker and Camel load anything: checks that the routes and the broker
 * configuration it would load, its jar and its schemas ({@link NodeProgram}) are exactly those the officer's signed
 * manifest lists, then writes the verified routes and broker configuration
 * into a folder of its own ({@code ${jukibus.home}/approved-programs/}, owner-only) and loads them from there. A
 * file changed between the check and Camel reading it (check-then-use) therefore changes nothing the node runs.
 *
 * <p>The operation log gets {@link AuditKind#ROUTES_APPROVED} with the manifest's SHA-256 at every start, and one
 * entry per file registered, changed or removed since the manifest the node ran before (kept in that folder); or
 * {@link AuditKind#ROUTES_REFUSED} naming every file that is wrong.
 *
 * <p>The officer's certificate is checked at the node's clock's now, except for an approval this node recorded
 * accepting while that certificate was valid ({@link AcceptedApprovals}): a node that runs for months must not fail
 * its next restart because the certificate lapsed meanwhile. Such an approval keeps the node starting, with exactly
 * the programs it approved, and with a loud warning (and {@code jukibus_certificate_expiry_seconds{certificate="officer"}}
 * below zero, alerted as JukibusApprovalKeptPastOfficerLapse) until the officer re-approves; unless the certificate has
 * been revoked or no longer chains to the root CA. A new approval signed with a lapsed certificate is refused.
 */
final class ProgramApproval {

    private static final Logger logger = LoggerFactory.getLogger(ProgramApproval.class);

    static final String PRIVATE_DIR = "approved-programs";
    static final String LAST_MANIFEST = "APPROVED.xml";
    /** What to do when the approval itself is not acceptable. */
    private static final String SIGN = "The responsible officer approves the routes and broker configuration with "
            + "'jukibus routes sign', using an officer certificate of this network (jukibus pki issue-officer) that the "
            + "node names in jukibus.approval.officer-certificate.";
    /** What to do when the officer's certificate lapsed and the node never accepted this approval while it was valid. */
    private static final String REAPPROVE = "The officer's certificate has lapsed, and this node has no record of "
            + "accepting this approval while it was valid (only such an approval keeps a node starting after the lapse; "
            + "its record is state/" + AcceptedApprovals.FILE + " in the node's home). Issue the officer a new certificate "
            + "(jukibus pki issue-officer), name it in jukibus.approval.officer-certificate, and have the officer sign "
            + "the routes again ('jukibus routes sign').";

    private final NodeRole role;
    private final Path routesDir;
    private final Path brokerConfigDir;
    private final Path manifestFile;
    private final NodeProgram program;
    private final X509Certificate officer;
    private final CertificateValidator validator;
    private final Path home;
    private final OperationLog log;
    private final Clock clock;

    /** @param clock the node's clock, which {@code validator} validates at */
    ProgramApproval(NodeRole role, Path routesDir, Path brokerConfigDir, NodeProgram program, Path manifestFile,
                    X509Certificate officer, CertificateValidator validator, Path home, OperationLog log, Clock clock) {
        this.program = program;
        this.role = role;
        this.routesDir = routesDir;
        this.brokerConfigDir = brokerConfigDir;
        this.manifestFile = manifestFile;
        this.officer = officer;
        this.validator = validator;
        this.home = home;
        this.log = log;
        this.clock = clock;
    }

    ApprovedPrograms approve() throws ProgramsRejectedException, IOException {
        if (!Files.isRegularFile(manifestFile)) {
            throw refused(null, List.of("there is no approval: " + manifestFile.toAbsolutePath() + " does not exist"), SIGN);
        }
        if (Files.size(manifestFile) > ManifestVerifier.MAX_BYTES) {
            throw refused(null, List.of(manifestFile + " is larger than " + ManifestVerifier.MAX_BYTES + " bytes"), SIGN);
        }
        byte[] signed = Files.readAllBytes(manifestFile);
        String digest = Sha256.hex(signed);
        AcceptedApprovals accepted = new AcceptedApprovals(home);
        Instant now = clock.instant();
        AcceptedApprovals.Judgement judged = accepted.judge(digest, officer, validator, now);
        ProgramManifest manifest;
        try {
            manifest = ManifestVerifier.verify(signed, manifestFile.toString(), officer, judged.check());
        } catch (ProgramsRejectedException e) {
            throw refused(digest, List.of(e.getMessage()), judged.needsReapproval() ? REAPPROVE : SIGN);
        }
        SortedMap<String, byte[]> found = ProgramFiles.forRole(routesDir, brokerConfigDir, role);
        SortedMap<String, String> approved = manifest.filesFor(role);
        if (program.jar() == null) {
            approved.remove(ProgramFiles.JAR); // run from a class folder: there is no jar to compare (NodeProgram)
        }
        List<String> problems = new ArrayList<>();
        ProgramDifferences.between(approved, ProgramDifferences.digests(found, program.digests())).forEach(d -> problems.add(
                d.path().equals(ProgramFiles.JAR) ? d + " (" + program.describe() + ")" : d.toString()));
        if (!problems.isEmpty()) {
            throw refused(digest, problems, "Restore the approved files, or have the officer review the change and "
                    + "approve it ('jukibus routes sign'), then start the node again.");
        }
        Path copy = home.resolve(PRIVATE_DIR);
        ProgramManifest previous = lastRun(copy.resolve(LAST_MANIFEST));
        writeCopy(copy, found, signed);
        // Camel's include pattern names both folders: they must exist even when a role has no route of its own yet
        createPrivate(copy.resolve("routes").resolve(ProgramFiles.COMMON));
        createPrivate(copy.resolve("routes").resolve(role.id()));
        String kept = "";
        if (judged.keptSince().isPresent()) {
            kept = "; the officer's certificate lapsed on " + officer.getNotAfter().toInstant() + ": kept on this "
                    + "node's record of accepting this approval at " + judged.keptSince().get() + " while it was valid, re-approve";
            warnKept(judged.keptSince().get());
        }
        accepted.accepted(digest, officer, judged, now);
        log.record(AuditEvent.of(AuditKind.ROUTES_APPROVED).actor("officer:" + manifest.approvedBy()).digest(digest)
                .detail("approved at " + manifest.approvedAt() + "; " + approved.size() + " files this " + role.id()
                        + " node runs, from " + program.describe() + kept));
        recordChanges(previous == null ? null : previous.filesFor(role), manifest.filesFor(role));
        return new ApprovedPrograms(true, copy.resolve("routes"), copy.resolve("broker-config"), digest);
    }

    private void warnKept(Instant acceptedAt) {
        logger.warn("""

                ************************************************************************
                The certificate of the officer who approved this node's programs
                LAPSED on {}. The node starts with the programs of that
                approval only, because it recorded accepting it on {}, while
                the certificate was valid. Any change to them will be refused.
                The operators' registration (operators.xml) is kept the same way:
                operators registered before the lapse still log in, but no
                operator can be registered or unlocked with the lapsed key.
                Re-approve now: issue the officer a new certificate (jukibus pki
                issue-officer), set jukibus.approval.officer-certificate, have
                the officer sign the routes again (jukibus routes sign) and take
                over operators.xml (jukibus operator register
                --previous-officer-certificate; docs/operations.md).
                ************************************************************************""",
                officer.getNotAfter().toInstant(), acceptedAt);
    }

    private ProgramsRejectedException refused(String manifestDigest, List<String> problems, String advice) {
        log.record(AuditEvent.of(AuditKind.ROUTES_REFUSED).digest(manifestDigest).detail(String.join("; ", problems)));
        return new ProgramsRejectedException("the routes and broker configuration of this node are not the ones the "
                + "responsible officer approved (standard 第4の8(1)イ), so the node does not start:\n  - "
                + String.join("\n  - ", problems) + "\n" + advice);
    }

    /** The manifest this node ran last time (its own copy, verified then), or null. */
    private static ProgramManifest lastRun(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return ProgramManifest.fromDocument(SecureXml.parse(Files.readAllBytes(file), ManifestVerifier.MAX_BYTES));
        } catch (IOException | XmlRejectedException | IllegalArgumentException e) {
            return null; // unreadable: every file counts as newly registered
        }
    }

    /** Registration and removal of programs (登録及び抹消) since the last run, one entry per file. */
    private void recordChanges(SortedMap<String, String> before, SortedMap<String, String> now) {
        TreeSet<String> paths = new TreeSet<>(now.keySet());
        if (before != null) {
            paths.addAll(before.keySet());
        }
        for (String path : paths) {
            String was = before == null ? null : before.get(path);
            String is = now.get(path);
            if (was == null) {
                log.record(AuditEvent.of(AuditKind.PROGRAM_REGISTERED).digest(is).detail(path));
            } else if (is == null) {
                log.record(AuditEvent.of(AuditKind.PROGRAM_REMOVED).digest(was).detail(path));
            } else if (!was.equals(is)) {
                log.record(AuditEvent.of(AuditKind.PROGRAM_CHANGED).digest(is).detail(path + " (was sha256 " + was + ")"));
            }
        }
    }

    /** Replaces the node's private copy with the verified bytes and the manifest that approved them. */
    private static void writeCopy(Path copy, Map<String, byte[]> files, byte[] manifest) throws IOException {
        if (Files.exists(copy)) {
            try (Stream<Path> all = Files.walk(copy)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        createPrivate(copy);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = copy.resolve(f.getKey());
            createPrivate(target.getParent());
            Files.write(target, f.getValue());
        }
        Files.write(copy.resolve(LAST_MANIFEST), manifest);
    }

    private static void createPrivate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            createPrivate(dir.getParent());
        }
        if (Files.getFileStore(dir.getParent() != null ? dir.getParent() : dir)
                .supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(dir);
        }
    }
}
