package org.jukibus.directory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Central re-issues the CRL (失効リストの更新) before the one in force reaches its nextUpdate, so the network never
 * runs on a stale list because nobody was there on the day. Needs the CA on central
 * ({@code jukibus.trust.crl-renewal.ca-dir}); without it, nothing is renewed here and the lifetime alerts tell an
 * operator to do it by hand. The new CRL lists everything the CA's ledger has revoked, so a revocation an
 * operator made with {@code jukibus pki revoke} in the same CA directory goes out with it.
 */
public final class CrlRenewal {

    private static final Logger log = LoggerFactory.getLogger(CrlRenewal.class);

    private final Path caDir;
    private final Path passwordFile;
    private final Duration before;
    private final Duration validity;
    private final NetworkTrust trust;
    private final Clock clock;

    /**
     * @param caDir        the CA directory, or null: no renewal on this node
     * @param before       renew once the CRL in force has less than this left
     * @param validity     the new CRL's nextUpdate, from now
     */
    public CrlRenewal(Path caDir, Path passwordFile, Duration before, Duration validity, NetworkTrust trust, Clock clock) {
        if (caDir != null && validity.compareTo(before) <= 0) {
            throw new IllegalArgumentException("jukibus.trust.crl-renewal: next-update (" + validity
                    + ") must be longer than before (" + before + "), or every check would issue a CRL");
        }
        this.caDir = caDir;
        this.passwordFile = passwordFile;
        this.before = before;
        this.validity = validity;
        this.trust = trust;
        this.clock = clock;
    }

    /** A new CRL (PEM) if the one in force is due, for the route to publish; null if not due or not configured here. */
    public byte[] due() throws IOException {
        if (caDir == null) {
            return null;
        }
        Instant nextUpdate = trust.crl().getNextUpdate().toInstant();
        if (nextUpdate.isAfter(clock.instant().plus(before))) {
            return null;
        }
        char[] password = SecureFiles.readPassword(passwordFile);
        try {
            X509CRL crl = CertificateAuthority.load(caDir, password, clock).issueCrl(validity);
            log.info("CRL renewal: the CRL in force was due at {}; issued CRL number {}, next update {}", nextUpdate,
                    NetworkTrust.crlNumber(crl), crl.getNextUpdate().toInstant());
            return Pem.toPem(crl).getBytes(StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
