package org.jukibus.operators;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.jukibus.approval.OfficerApprovalException;
import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.OperationLog;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.pki.CertificateRejectedException;
import org.jukibus.pki.CertificateValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may operate this node (操作者の識別, standard 第4の4(1)–(4), (8)): the holder of a registered operator card
 * (the TLS client certificate: issued by our root CA, valid, not revoked, registered with this node) who knows that
 * operator's PIN. Consecutive wrong PINs lock the operator ({@link OperatorLockout}) until the responsible officer's
 * signed unlock arrives in the unlock folder. Every login, refusal, lock and unlock goes to the operation log;
 * refusals also to the {@code jukibus.security} log and {@link SecurityEvents} (central sees them in the heartbeat).
 */
public class OperatorAccess {

    private static final Logger log = LoggerFactory.getLogger(OperatorAccess.class);

    private final String node;
    private final OperatorRegistry registry;
    private final OperatorLockout lockout;
    private final CertificateValidator validator;
    private final X509Certificate officer;
    private final Path unlockDir;
    private final OperationLog audit;
    private final SecurityEvents securityEvents;
    private final Clock clock;
    private final ClientCertificates clientCertificates;

    public OperatorAccess(String node, OperatorRegistry registry, OperatorLockout lockout, CertificateValidator validator,
                          X509Certificate officer, Path unlockDir, OperationLog audit, SecurityEvents securityEvents, Clock clock,
                          ClientCertificates clientCertificates) {
        this.node = node;
        this.clientCertificates = clientCertificates;
        this.registry = registry;
        this.lockout = lockout;
        this.validator = validator;
        this.officer = officer;
        this.unlockDir = unlockDir;
        this.audit = audit;
        this.securityEvents = securityEvents;
        this.clock = clock;
    }

    /**
     * Authenticates the holder of {@code card} who typed {@code user} and {@code pin}.
     *
     * @param remote where the attempt came from (for the security log)
     * @return the registered operator
     * @throws LoginRefusedException naming why
     */
    public RegisteredOperator login(X509Certificate card, String user, CharSequence pin, String remote) throws LoginRefusedException {
        if (card == null) {
            throw refused(null, remote, "no operator card (TLS client certificate) presented");
        }
        try {
            validator.validateOperator(card);
        } catch (CertificateRejectedException e) {
            throw refused(null, remote, "operator card refused (" + e.reason() + "): " + e.getMessage());
        }
        Optional<RegisteredOperator> found = registry.current().flatMap(r -> r.byCertificate(card));
        if (found.isEmpty()) {
            throw refused(null, remote, "the card " + card.getSubjectX500Principal().getName() + " (serial "
                    + card.getSerialNumber().toString(16) + ") is not registered with node " + node);
        }
        RegisteredOperator operator = found.get();
        if (user != null && !user.isEmpty() && !user.equals(operator.id())) {
            throw refused(operator.id(), remote, "the card is operator " + operator.id() + "'s, but the login is for '" + user + "'");
        }
        Optional<Instant> locked = lockout.lockedAt(operator.id());
        if (locked.isPresent() && !unlockedByOfficer(operator.id(), locked.get())) {
            throw refused(operator.id(), remote, "operator " + operator.id() + " is locked since " + locked.get()
                    + " after " + lockout.maxFailedAttempts() + " wrong PINs: the responsible officer must unlock (jukibus operator unlock)");
        }
        if (!Pins.matches(pin, operator.pinHash())) {
            int failures = lockout.failed(operator.id(), clock.instant());
            if (failures >= lockout.maxFailedAttempts()) {
                log.warn("operator {} locked after {} consecutive wrong PINs", operator.id(), failures);
                audit.record(AuditEvent.of(AuditKind.OPERATOR_LOCKED).actor(actor(operator.id()))
                        .detail(failures + " consecutive wrong PINs"));
                throw refused(operator.id(), remote, "wrong PIN for operator " + operator.id() + " (" + failures + " in a row): "
                        + "the operator is now locked");
            }
            throw refused(operator.id(), remote, "wrong PIN for operator " + operator.id() + " (" + failures + " of "
                    + lockout.maxFailedAttempts() + " before the lock)");
        }
        lockout.succeeded(operator.id());
        clientCertificates.operatorAccepted(operator.id(), operator.certificateSha256(), card); // its lifetime, for the warning before the operator is locked out
        audit.record(AuditEvent.of(AuditKind.OPERATOR_LOGIN).actor(actor(operator.id()))
                .detail("card serial " + card.getSerialNumber().toString(16)));
        return operator;
    }

    /** Whether the operator may go on in an open session with this card: still registered with it, not locked. */
    public boolean stillValid(String operatorId, String cardSha256) {
        return registry.current().flatMap(r -> r.byId(operatorId))
                .filter(o -> o.certificateSha256().equals(cardSha256)).isPresent()
                && lockout.lockedAt(operatorId).isEmpty();
    }

    /** The operation log's actor for an operator. */
    public static String actor(String operatorId) {
        return "operator:" + operatorId;
    }

    private LoginRefusedException refused(String operatorId, String remote, String why) {
        securityEvents.loginRefused(remote, "management port: " + why);
        audit.record(AuditEvent.of(AuditKind.OPERATOR_LOGIN_REFUSED).actor(operatorId == null ? null : actor(operatorId))
                .detail(why));
        return new LoginRefusedException(why);
    }

    /**
     * Looks for the officer's signed unlock of this operator in the unlock folder: a good one ends the lock and is
     * removed; one that is not acceptable is renamed {@code .refused} and said why about.
     */
    private boolean unlockedByOfficer(String operatorId, Instant lockedAt) {
        if (!Files.isDirectory(unlockDir)) {
            return false;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(unlockDir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList();
        } catch (java.io.IOException e) {
            log.error("cannot read the unlock folder {}: {}", unlockDir, e.getMessage());
            return false;
        }
        for (Path f : files) {
            try {
                if (officer == null) {
                    throw new OfficerApprovalException("jukibus.approval.officer-certificate is not set: no officer to check it against");
                }
                OperatorUnlock unlock = OperatorUnlock.verify(Files.readAllBytes(f), f.getFileName().toString(), officer, validator);
                if (!unlock.operator().equals(operatorId)) {
                    continue; // another operator's: used when that one tries
                }
                if (!unlock.node().equals(node)) {
                    throw new OfficerApprovalException(f.getFileName() + " unlocks operator " + operatorId + " on node "
                            + unlock.node() + ", not on this node (" + node + ")");
                }
                if (!unlock.approvedAt().isAfter(lockedAt)) {
                    throw new OfficerApprovalException(f.getFileName() + " was signed at " + unlock.approvedAt()
                            + ", before the lock began (" + lockedAt + "): it cannot end it");
                }
                lockout.unlock(operatorId, lockedAt);
                Files.delete(f);
                log.warn("operator {} unlocked by {}", operatorId, unlock.approvedBy());
                audit.record(AuditEvent.of(AuditKind.OPERATOR_UNLOCKED).actor("officer:" + unlock.approvedBy())
                        .detail("operator " + operatorId + ", locked since " + lockedAt));
                return true;
            } catch (OfficerApprovalException | java.io.IOException e) {
                log.warn("unlock {} not accepted: {}", f, e.getMessage());
                securityEvents.permissionDenied("unlock file " + f.getFileName(), "unlock of operator " + operatorId, "unlock folder");
                audit.record(AuditEvent.of(AuditKind.OPERATOR_UNLOCK_REFUSED).actor(actor(operatorId)).detail(e.getMessage()));
                try {
                    Files.move(f, f.resolveSibling(f.getFileName() + ".refused"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException moveFailed) {
                    log.error("cannot set the refused unlock {} aside: {}", f, moveFailed.getMessage());
                }
            }
        }
        return false;
    }
}
