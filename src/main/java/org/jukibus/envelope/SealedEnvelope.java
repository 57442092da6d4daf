package org.jukibus.envelope;

/**
 * A sealed envelope and the payload as it was encrypted in it.
 *
 * @param envelope  the serialised envelope (UTF-8), what is sent
 * @param plaintext the payload's document element serialised (UTF-8, no XML declaration): the bytes the recipient
 *                  decrypts. The sender keeps these for a resend (flow.SentPayloads) instead of serialising the payload
 *                  a second time.
 */
public record SealedEnvelope(byte[] envelope, byte[] plaintext) {
}
