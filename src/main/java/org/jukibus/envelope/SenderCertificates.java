package org.jukibus.envelope;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Looks up the certificates of a sending node by its code, as the signed node directory knows them: one, or two
 * during a certificate renewal's overlap. Envelope signatures are verified only with these certificates, never with
 * one carried in the message.
 */
@FunctionalInterface
public interface SenderCertificates {
    /** The sender's certificates; empty when the sender is unknown. */
    List<X509Certificate> certificatesOf(String senderCode);
}
