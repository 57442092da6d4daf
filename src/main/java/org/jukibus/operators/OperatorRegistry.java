package org.jukibus.operators;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;

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
 */
public class OperatorRegistry {

    private static final Logger log = LoggerFactory.getLogger(OperatorRegistry.class);

    private final Path file;
    private final String node;
    private final X509Certificate officer;
    private final CertificateValidator validator;
    private final OperationLog audit;
    private String lastDigest;
    private Optional<OperatorRegistration> last = Optional.empty();

    /** @param officer the approving officer's certificate, or null when none is configured (then nobody is registered) */
    public OperatorRegistry(Path file, String node, X509Certificate officer, CertificateValidator validator, OperationLog audit) {
        this.file = file;
        this.node = node;
        this.officer = officer;
        this.validator = validator;
        this.audit = audit;
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
            try {
                OperatorRegistration r = OperatorRegistration.verify(bytes, file.getFileName().toString(), node, officer, validator);
                log.info("{} operator(s) registered with node {}, approved by {} at {}", r.operators().size(), node,
                        r.approvedBy(), r.approvedAt());
                last = Optional.of(r);
            } catch (OfficerApprovalException e) {
                refused(e.getMessage());
            }
        }
        return last;
    }

    private void refused(String why) {
        log.error("the operators' registration {} is not accepted, nobody may log in: {}", file, why);
        audit.record(AuditEvent.of(AuditKind.OPERATORS_REFUSED).detail(why));
    }
}
