package org.jukibus.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateRejectedException.Reason;

/**
 * Validates node certificates (and approving officers', requesters' and operators' certificates) against the network root CA and (optionally) its CRL: PKIX path validation with
 * the JDK's CertPathValidator, revocation checking enabled when a CRL is given, at a given instant.
 * Thread-safe.
 */
public final class CertificateValidator {

    private final X509Certificate rootCa;
    private final Supplier<X509CRL> crls;
    private final Clock clock;
    private final boolean staleCrlTolerated;

    /**
     * @param rootCa the trust anchor
     * @param crl the root CA's CRL, or null to skip revocation checking
     * @param clock the time to validate at
     */
    public CertificateValidator(X509Certificate rootCa, X509CRL crl, Clock clock) {
        this(rootCa, () -> crl, clock);
    }

    /**
     * @param crls the CRL in force, read at every validation; it may give null: no revocation checking. On a node it
     *             gives the CRL central last published: one read at start is past its nextUpdate a week later, and
     *             every certificate would then be refused
     */
    public CertificateValidator(X509Certificate rootCa, Supplier<X509CRL> crls, Clock clock) {
        this.rootCa = Objects.requireNonNull(rootCa, "rootCa");
        this.crls = Objects.requireNonNull(crls, "crls");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.staleCrlTolerated = false;
    }

    private CertificateValidator(CertificateValidator base, boolean staleCrlTolerated) {
        this.rootCa = base.rootCa;
        this.crls = base.crls;
        this.clock = base.clock;
        this.staleCrlTolerated = staleCrlTolerated;
    }

    /**
     * This validator, except that a CRL past its nextUpdate still counts as the list of revoked certificates instead
     * of refusing every certificate. For checks a node makes when it starts (the officer who approved its programs):
     * a CRL renewal missed at central must not stop every node that restarts on the day after. For the people and
     * programs a running node lets in (operators' cards at the management port and the counter terminal, the
     * monitoring certificate of the metrics scrape, provision requesters): a CRL that could not reach the node (its
     * prefecture down over a long weekend) must not lock out its counters and blind its monitoring, as it does not
     * stop its peers. The certificates the stale CRL lists are still refused, and the stale CRL is alerted on by the
     * heartbeat and the JukibusCrlDue rule.
     */
    public CertificateValidator toleratingStaleCrl() {
        return new CertificateValidator(this, true);
    }

    public CertificateValidator(X509Certificate rootCa, X509CRL crl) {
        this(rootCa, crl, Clock.systemUTC());
    }

    public X509Certificate rootCa() {
        return rootCa;
    }

    /** Validates at the clock's current instant. */
    public NodeIdentity validate(X509Certificate cert) throws CertificateRejectedException {
        return validate(cert, clock.instant());
    }

    /** Validates {@code cert} and requires the given role. */
    public NodeIdentity validate(X509Certificate cert, NodeRole requiredRole) throws CertificateRejectedException {
        NodeIdentity id = validate(cert);
        if (id.role() != requiredRole) {
            throw new CertificateRejectedException(Reason.WRONG_ROLE, "certificate of " + id + " is not a "
                    + requiredRole.id() + " node certificate");
        }
        return id;
    }

    /**
     * Validates {@code cert} at {@code at}: issued (signed) by the root CA, within its validity, not revoked by the CRL,
     * and a node certificate. Returns its identity.
     */
    public NodeIdentity validate(X509Certificate cert, Instant at) throws CertificateRejectedException {
        checkIssued(cert, at);
        NodeIdentity id;
        try {
            id = NodeIdentity.fromCertificate(cert);
        } catch (IllegalArgumentException e) {
            throw new CertificateRejectedException(Reason.NOT_A_NODE_CERTIFICATE, e.getMessage(), e);
        }
        checkPath(cert, at);
        return id;
    }

    /** Validates an approving officer's certificate at the clock's current instant. */
    public OfficerIdentity validateOfficer(X509Certificate cert) throws CertificateRejectedException {
        return validateOfficer(cert, clock.instant());
    }

    /**
     * Validates {@code cert} at {@code at} as a node certificate is validated (root CA, validity, CRL, PKIX), but
     * as an approving officer's certificate ({@link OfficerIdentity}). Returns the officer.
     */
    public OfficerIdentity validateOfficer(X509Certificate cert, Instant at) throws CertificateRejectedException {
        checkIssued(cert, at);
        OfficerIdentity officer;
        try {
            officer = OfficerIdentity.fromCertificate(cert);
        } catch (IllegalArgumentException e) {
            throw new CertificateRejectedException(Reason.NOT_AN_OFFICER_CERTIFICATE, e.getMessage(), e);
        }
        checkPath(cert, at);
        return officer;
    }

    /**
     * Validates an approving officer's certificate whose validity may have lapsed since {@code acceptedAt}, the time the
     * node itself recorded accepting an approval it signed ({@code approval.AcceptedApprovals}): issued by the root
     * CA, within its validity and PKIX-valid at {@code acceptedAt}, but not revoked by the CRL in force <em>now</em>,
     * whatever the revocation's date (a key revoked after it signed is no longer vouched for), and the root CA itself
     * within its validity now. Returns the officer.
     */
    public OfficerIdentity validateOfficerAcceptedAt(X509Certificate cert, Instant acceptedAt) throws CertificateRejectedException {
        Instant now = clock.instant();
        try {
            rootCa.checkValidity(Date.from(now));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new CertificateRejectedException(Reason.UNKNOWN_ISSUER, "the root CA "
                    + rootCa.getSubjectX500Principal().getName() + " is not valid now (" + rootCa.getNotBefore().toInstant()
                    + " to " + rootCa.getNotAfter().toInstant() + ")", e);
        }
        checkIssued(cert, acceptedAt, now);
        OfficerIdentity officer;
        try {
            officer = OfficerIdentity.fromCertificate(cert);
        } catch (IllegalArgumentException e) {
            throw new CertificateRejectedException(Reason.NOT_AN_OFFICER_CERTIFICATE, e.getMessage(), e);
        }
        // PKIX at acceptedAt cannot use today's CRL (issued after that date): its entries were checked above, at now
        checkPath(cert, acceptedAt, false);
        return officer;
    }

    /**
     * Validates {@code cert} at the clock's current instant as a node certificate is validated (root CA, validity,
     * CRL, PKIX), but as a requester's certificate ({@link RequesterIdentity}). Returns the requester.
     */
    public RequesterIdentity validateRequester(X509Certificate cert) throws CertificateRejectedException {
        Instant at = clock.instant();
        checkIssued(cert, at);
        RequesterIdentity requester;
        try {
            requester = RequesterIdentity.fromCertificate(cert);
        } catch (IllegalArgumentException e) {
            throw new CertificateRejectedException(Reason.NOT_A_REQUESTER_CERTIFICATE, e.getMessage(), e);
        }
        checkPath(cert, at);
        return requester;
    }

    /**
     * Validates an operator's card certificate at the clock's current instant as a node certificate is validated
     * (root CA, validity, CRL, PKIX), but as an {@link OperatorIdentity}. Returns the operator.
     */
    public OperatorIdentity validateOperator(X509Certificate cert) throws CertificateRejectedException {
        Instant at = clock.instant();
        checkIssued(cert, at);
        OperatorIdentity operator;
        try {
            operator = OperatorIdentity.fromCertificate(cert);
        } catch (IllegalArgumentException e) {
            throw new CertificateRejectedException(Reason.NOT_AN_OPERATOR_CERTIFICATE, e.getMessage(), e);
        }
        checkPath(cert, at);
        return operator;
    }

    /**
     * Validates a monitoring system's certificate at the clock's current instant as an operator card is validated
     * (root CA, validity, CRL in force, PKIX), but as a {@link MonitorIdentity}. Returns the monitoring system.
     */
    public MonitorIdentity validateMonitor(X509Certificate cert) throws CertificateRejectedException {
        Instant at = clock.instant();
        checkIssued(cert, at);
        MonitorIdentity monitor;
        try {
            monitor = MonitorIdentity.fromCertificate(cert);
        } catch (IllegalArgumentException e) {
            throw new CertificateRejectedException(Reason.NOT_A_MONITORING_CERTIFICATE, e.getMessage(), e);
        }
        checkPath(cert, at);
        return monitor;
    }

    /** The clear reasons first: issued (signed) by the root CA, within its validity, not revoked. */
    private void checkIssued(X509Certificate cert, Instant at) throws CertificateRejectedException {
        checkIssued(cert, at, at);
    }

    /** As {@link #checkIssued(X509Certificate, Instant)}, valid at {@code at}, not revoked by {@code revokedBy}. */
    private void checkIssued(X509Certificate cert, Instant at, Instant revokedBy) throws CertificateRejectedException {
        Objects.requireNonNull(cert, "cert");
        String subject = cert.getSubjectX500Principal().getName();
        Date date = Date.from(at);
        Date revocationCutoff = Date.from(revokedBy);
        X509CRL crl = crls.get();
        if (!cert.getIssuerX500Principal().equals(rootCa.getSubjectX500Principal())) {
            throw new CertificateRejectedException(Reason.UNKNOWN_ISSUER, "certificate " + subject
                    + " was not issued by our root CA (issuer " + cert.getIssuerX500Principal().getName() + ")");
        }
        try {
            cert.verify(rootCa.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException(Reason.UNKNOWN_ISSUER, "certificate " + subject
                    + " was not issued by our root CA (signature does not verify with the root CA key)", e);
        }
        try {
            cert.checkValidity(date);
        } catch (CertificateExpiredException e) {
            throw new CertificateRejectedException(Reason.EXPIRED, "certificate " + subject + " expired on "
                    + cert.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new CertificateRejectedException(Reason.NOT_YET_VALID, "certificate " + subject + " is not valid before "
                    + cert.getNotBefore().toInstant(), e);
        }
        if (crl != null) {
            checkCrl(crl, revokedBy);
            X509CRLEntry entry = crl.getRevokedCertificate(cert);
            if (entry != null && !entry.getRevocationDate().after(revocationCutoff)) {
                throw new CertificateRejectedException(Reason.REVOKED, "certificate " + subject + " (serial "
                        + cert.getSerialNumber().toString(16) + ") was revoked on " + entry.getRevocationDate().toInstant());
            }
        }
    }

    /** Full PKIX validation as the final word. */
    private void checkPath(X509Certificate cert, Instant at) throws CertificateRejectedException {
        checkPath(cert, at, true);
    }

    /** @param withCrl whether PKIX checks revocation with the CRL in force (when it has one and can use it) */
    private void checkPath(X509Certificate cert, Instant at, boolean withCrl) throws CertificateRejectedException {
        String subject = cert.getSubjectX500Principal().getName();
        X509CRL crl = crls.get();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPath path = cf.generateCertPath(List.of(cert));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(rootCa, null)));
            params.setDate(Date.from(at));
            // a tolerated stale CRL has been checked entry by entry (checkIssued); PKIX would find it unusable
            boolean revocation = withCrl && crl != null && !(staleCrlTolerated && stale(crl, at));
            params.setRevocationEnabled(revocation);
            if (revocation) {
                params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
            }
            CertPathValidator.getInstance("PKIX").validate(path, params);
        } catch (CertPathValidatorException e) {
            Reason r = e.getReason() == CertPathValidatorException.BasicReason.REVOKED ? Reason.REVOKED
                    : e.getReason() == CertPathValidatorException.BasicReason.EXPIRED ? Reason.EXPIRED
                    : e.getReason() == PKIXReason.NO_TRUST_ANCHOR ? Reason.UNKNOWN_ISSUER
                    : e.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS
                    ? Reason.CRL_PROBLEM : Reason.INVALID;
            throw new CertificateRejectedException(r, "certificate " + subject + " rejected: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException(Reason.INVALID, "certificate " + subject + " rejected: " + e.getMessage(), e);
        }
    }

    private static boolean stale(X509CRL crl, Instant at) {
        return crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(at);
    }

    private void checkCrl(X509CRL crl, Instant at) throws CertificateRejectedException {
        if (!crl.getIssuerX500Principal().equals(rootCa.getSubjectX500Principal())) {
            throw new CertificateRejectedException(Reason.CRL_PROBLEM, "the CRL was not issued by our root CA");
        }
        try {
            crl.verify(rootCa.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException(Reason.CRL_PROBLEM, "the CRL's signature does not verify with the root CA key", e);
        }
        if (stale(crl, at)) {
            if (staleCrlTolerated) {
                return; // its entries are still checked by the caller
            }
            throw new CertificateRejectedException(Reason.CRL_PROBLEM, "the CRL is out of date (next update was due "
                    + crl.getNextUpdate().toInstant() + "): issue a new one with 'jukibus pki crl'");
        }
    }
}
