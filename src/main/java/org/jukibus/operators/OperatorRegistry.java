package org.jukibus.operators;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.jukibus.approval.AcceptedApprovals;
import org.jukibus.approval.OfficerApprovalException;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.audit.Sha256;
import org.jukibus.pki.CertificateValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators registered with this node, read from the officer's signed registration file and read again
 * whenever its content changes (an officer registers an operator without restarting the node). A file that is
 * missing, unsigned, changed after signing, signed by someone else or for another node grants nothing: nobody
 * can log in until a good one is in place, and the node says why once per content.
 *
 * <p>A registration the node accepted while the officer's certificate was valid is recorded
 * ({@link AcceptedApprovals}, as the programs' approval is) and keeps being accepted after the certificate lapsed,
 * with a warning: a restart past the lapse must not lock every operator out, the very operators who must be able to
 * log in until the officer re-approves. A registration the node did not accept before the lapse is refused.
 */
public class OperatorRegistry {

    private static final Logger log = LoggerFactory.getLogger(OperatorRegistry.class);

    private final Path file;
    private final String node;
    private final X509Certificate officer;
    private final CertificateValidator validator;
    private final OperationLog audit;
    private final AcceptedApprovals accepted;
    private final Clock clock;
    private String lastDigest;
    private Optional<OperatorRegistration> last = Optional.empty();

    /**
     * @param officer  the approving officer's certificate, or null when none is configured (then nobody is registered)
     * @param accepted the node's record of the documents it accepted while their officer was valid
     * @param clock    the node's clock, which {@code validator} validates at
     */
    public OperatorRegistry(Path file, String node, X509Certificate officer, CertificateValidator validator, OperationLog audit,
                            AcceptedApprovals accepted, Clock clock) {
        this.file = file;
        this.node = node;
        this.officer = officer;
        this.validator = validator;
        this.audit = audit;
        this.accepted = accepted;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** The registration as the file says now, if the officer's signature on it is good. */
    public synchronized Optional<OperatorRegistration> current() {
        byte[] bytes;
        try {
            bytes = Files.isRegularFile(file) ? Files.readAllBytes(file) : new byte[0];
        } catch (IOException e) {
            log.error("cannot read the operators' registration {}: {}", file, e.getMessage());
            return Optional.empty();
        }
        String digest = Sha256.hex(bytes);
        if (digest.equals(lastDigest)) {
            return last;
        }
        lastDigest = digest;
        last = Optional.empty();
        if (bytes.length == 0) {
            log.warn("no operators registered ({} is missing or empty): the management port refuses every login", file);
        } else if (officer == null) {
            refused("jukibus.approval.officer-certificate is not set: no officer to check the registration against");
        } else {
            Instant now = clock.instant();
            AcceptedApprovals.Judgement judged = accepted.judge(digest, officer, validator, now);
            try {
                OperatorRegistration r = OperatorRegistration.verify(bytes, file.getFileName().toString(), node, officer,
                        judged.check());
                log.info("{} operator(s) registered with node {}, approved by {} at {}", r.operators().size(), node,
                        r.approvedBy(), r.approvedAt());
                judged.keptSince().ifPresent(since -> log.warn("the certificate of the officer who signed the operators' "
                        + "registration {} lapsed on {}: it is kept on this node's record of accepting it on {}, while the "
                        + "certificate was valid; no operator can be registered or unlocked until the officer has a new "
                        + "certificate and takes the registration over (docs/operations.md)", file,
                        officer.getNotAfter().toInstant(), since));
                last = Optional.of(r);
                record(digest, judged, now);
            } catch (OfficerApprovalException e) {
                refused(judged.needsReapproval() ? e.getMessage() + " (and this node has no record of accepting this "
                        + "registration while the certificate was valid: the officer needs a new certificate and must "
                        + "sign the registration again, docs/operations.md)" : e.getMessage());
            }
        }
        return last;
    }

    /** A registration that is good now stays good: not writing the record only weakens the next restart after a lapse. */
    private void record(String digest, AcceptedApprovals.Judgement judged, Instant now) {
        try {
            accepted.accepted(digest, officer, judged, now);
        } catch (IOException e) {
            log.error("cannot record accepting the operators' registration {} ({}): after the officer's certificate "
                    + "lapses, a restart would refuse it", file, e.toString());
        }
    }

    private void refused(String why) {
        log.error("the operators' registration {} is not accepted, nobody may log in: {}", file, why);
        audit.record(AuditEvent.of(AuditKind.OPERATORS_REFUSED).detail(why));
    }
}
