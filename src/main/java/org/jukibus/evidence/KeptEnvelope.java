package org.jukibus.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * The index entry of one envelope in the {@link EvidenceStore}: what arrived, when, its digest as it arrived, and
 * the trust documents in force then (by SHA-256, in {@code evidence/trust/}), so that it can be verified again
 * long after the CRL and directory in force have changed. Stored as a properties file beside the envelope.
 *
 * @param messageId     the envelope's MessageId
 * @param sender        the node that signed it
 * @param recipient     the node it was sealed for (this node)
 * @param type          its payload type (a {@code Receipt} is the signed receipt for a message this node sent)
 * @param correlationId the message it answers, or null
 * @param receivedAt    when it was delivered here, by the node clock
 * @param sha256        SHA-256 (hex) of the envelope exactly as received
 * @param crl           SHA-256 of the CRL in force then
 * @param directory     SHA-256 of the signed directory in force then
 * @param rootCa        SHA-256 of the root CA certificate then
 * @param envelope      the kept envelope's file
 */
public record KeptEnvelope(String messageId, String sender, String recipient, String type, String correlationId,
                           Instant receivedAt, String sha256, String crl, String directory, String rootCa, Path envelope) {

    static final String INDEX_SUFFIX = ".properties";
    static final String ENVELOPE_SUFFIX = ".xml";

    byte[] index() throws IOException {
        Properties p = new Properties();
        p.setProperty("message-id", messageId);
        p.setProperty("sender", sender);
        p.setProperty("recipient", recipient);
        p.setProperty("type", type);
        if (correlationId != null) {
            p.setProperty("correlation-id", correlationId);
        }
        p.setProperty("received-at", receivedAt.toString());
        p.setProperty("envelope-sha256", sha256);
        p.setProperty("crl-sha256", crl);
        p.setProperty("directory-sha256", directory);
        p.setProperty("root-ca-sha256", rootCa);
        StringWriter out = new StringWriter();
        p.store(out, "jukibus evidence: an envelope as received (evidence.EvidenceStore)");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads an index file; its envelope is the file beside it with the same name. */
    static KeptEnvelope read(Path index) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(index)) {
            p.load(in);
        }
        String name = index.getFileName().toString();
        Path envelope = index.resolveSibling(name.substring(0, name.length() - INDEX_SUFFIX.length()) + ENVELOPE_SUFFIX);
        return new KeptEnvelope(required(p, "message-id", index), required(p, "sender", index), required(p, "recipient", index),
                required(p, "type", index), p.getProperty("correlation-id"), Instant.parse(required(p, "received-at", index)),
                required(p, "envelope-sha256", index), required(p, "crl-sha256", index), required(p, "directory-sha256", index),
                required(p, "root-ca-sha256", index), envelope);
    }

    private static String required(Properties p, String key, Path index) throws IOException {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IOException("the evidence index " + index + " has no " + key);
        }
        return value;
    }
}
