package org.jukibus.flow;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Message ids derived from what is sent, so that sending the same thing twice (a file picked up
 * again after a crash, a receipt resent after a redelivery) yields the same id and the brokers'
 * duplicate detection drops the second copy.
 */
public final class MessageIds {

    private MessageIds() {
    }

    /** Id of the envelope made from a legacy input file of this node. */
    public static String forInput(String sender, byte[] content) {
        return uuid(sender.getBytes(StandardCharsets.UTF_8), content);
    }

    /**
     * Id of part {@code part} (from 1) of a legacy input that is sent as several messages
     * ({@link FlowHandler#split}); {@code inputId} is the whole input's {@link #forInput} id.
     */
    public static String partOf(String inputId, int part) {
        return uuid(("part-" + part).getBytes(StandardCharsets.UTF_8), inputId.getBytes(StandardCharsets.UTF_8));
    }

    /** Id of the receipt answering {@code messageId} from {@code sender} (see {@link #answerOf}). */
    public static String receiptOf(String sender, String messageId) {
        return answerOf(Flows.RECEIPT.name(), sender, messageId);
    }

    /**
     * Id of the answer on {@code flow} to {@code messageId} from {@code sender}: the same every time it is
     * sent again. The message id is the peer's choice, so the (authenticated) sender is part of the name:
     * a peer that sends us another peer's message id first gets an answer with an id of its own, and never
     * takes the id our answer to the other peer needs (it would be dropped as a duplicate on our outbound
     * address, silently).
     */
    public static String answerOf(String flow, String sender, String messageId) {
        return uuid(flow.getBytes(StandardCharsets.UTF_8), (sender + "\0" + messageId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Id of a message a node makes itself from {@code name} (e.g. a batch of records and its recipient): the same
     * every time it is made again, so that a copy sent after a crash is dropped by the recipient's broker.
     */
    public static String madeFrom(String flow, String name) {
        return uuid(flow.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8));
    }

    private static String uuid(byte[] namespace, byte[] content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(namespace);
            sha.update((byte) 0);
            byte[] h = sha.digest(content);
            h[6] = (byte) ((h[6] & 0x0f) | 0x80); // RFC 9562 version 8 (custom, name-based SHA-256)
            h[8] = (byte) ((h[8] & 0x3f) | 0x80); // RFC 4122 variant
            ByteBuffer b = ByteBuffer.wrap(h);
            return new UUID(b.getLong(), b.getLong()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
