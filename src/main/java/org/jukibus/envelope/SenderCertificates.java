package org.jukibus.envelope;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Looks up the certificate of a sending node by its code, as the signed node directory knows it.
 * Envelope signatures are verified only with this certificate, never with one carried in the message.
 */
@FunctionalInterface
public interface SenderCertificates {
    Optional<X509Certificate> certificateOf(String senderCode);
}
