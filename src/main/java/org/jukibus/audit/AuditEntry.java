package org.jukibus.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of the operation log: a JSON object whose members come in this fixed order, absent ones left out:
 * {@code seq, time, kind, actor, flow, messageId, type, sender, recipient, digest, detail, prev, signer,
 * signature, hash}.
 *
 * <ul>
 *   <li>{@code prev} is the {@code hash} of the entry before (64 zeros for entry 1), so each
 *       entry commits to the whole log before it;</li>
 *   <li>{@code hash} is the SHA-256 (hex) of the line's UTF-8 bytes without the {@code hash} member, exactly as
 *       {@link #toLine()} writes them (the verifier also requires each line to be written that way, so there is
 *       one byte form per entry);</li>
 *   <li>a {@link AuditKind#SEAL} entry adds {@code signer}, the SHA-256 of the node certificate's DER encoding,
 *       and {@code signature}: ECDSA P-256/SHA-256 (DER, base64) by the node key over the line's UTF-8 bytes
 *       without {@code signature} and {@code hash}. That covers its {@code prev}: the head of the chain.</li>
 * </ul>
 */
public record AuditEntry(long seq, Instant time, AuditKind kind, String actor, String flow, String messageId, String type,
                         String sender, String recipient, String digest, String detail, String prev, String signer,
                         String signature, String hash) {

    /** The {@code prev} of the first entry. */
    public static final String GENESIS = "0".repeat(64);
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> MEMBERS = Set.of("seq", "time", "kind", "actor", "flow", "messageId", "type",
            "sender", "recipient", "digest", "detail", "prev", "signer", "signature", "hash");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(prev, "prev");
    }

    /** A new entry for {@code event}, linked to {@code prev}, with its hash. */
    static AuditEntry of(long seq, Instant time, AuditEvent event, String defaultActor, String prev) {
        return new AuditEntry(seq, time, event.kind(), event.actor() != null ? event.actor() : defaultActor, event.flow(),
                event.messageId(), event.type(), event.sender(), event.recipient(), event.digest(), event.detail(),
                prev, null, null, null).withHash();
    }

    /** A seal: the node's signature over the chain head {@code prev}, made with {@code key}. */
    static AuditEntry seal(long seq, Instant time, String actor, String prev, PrivateKey key, String signer) {
        AuditEntry unsigned = new AuditEntry(seq, time, AuditKind.SEAL, actor, null, null, null, null, null, null, null,
                prev, signer, null, null);
        try {
            Signature s = Signature.getInstance(SIGNATURE_ALGORITHM);
            s.initSign(key);
            s.update(unsigned.sealedContent());
            String signature = Base64.getEncoder().encodeToString(s.sign());
            return new AuditEntry(seq, time, AuditKind.SEAL, actor, null, null, null, null, null, null, null, prev,
                    signer, signature, null).withHash();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the operation log: " + e.getMessage(), e);
        }
    }

    /** This entry with {@code hash} computed from its content. */
    AuditEntry withHash() {
        return new AuditEntry(seq, time, kind, actor, flow, messageId, type, sender, recipient, digest, detail, prev,
                signer, signature, computeHash());
    }

    /** This entry linked to another {@code prev} (and its hash recomputed): what a forger would do. */
    AuditEntry withPrev(String otherPrev) {
        return new AuditEntry(seq, time, kind, actor, flow, messageId, type, sender, recipient, digest, detail, otherPrev,
                signer, signature, null).withHash();
    }

    /** The SHA-256 of this entry's content (every member but {@code hash}). */
    public String computeHash() {
        return Sha256.hex(bytes(json(true, false)));
    }

    /** Whether this seal's signature verifies with {@code key}; false for anything but a signed seal. */
    public boolean signatureVerifies(PublicKey key) {
        if (kind != AuditKind.SEAL || signature == null) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(SIGNATURE_ALGORITHM);
            s.initVerify(key);
            s.update(sealedContent());
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private byte[] sealedContent() {
        return bytes(json(false, false));
    }

    /** The line as the node writes it (without the line end). */
    public String toLine() {
        return text(json(true, true));
    }

    private ObjectNode json(boolean withSignature, boolean withHash) {
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", seq);
        n.put("time", time.toString());
        n.put("kind", kind.name());
        put(n, "actor", actor);
        put(n, "flow", flow);
        put(n, "messageId", messageId);
        put(n, "type", type);
        put(n, "sender", sender);
        put(n, "recipient", recipient);
        put(n, "digest", digest);
        put(n, "detail", detail);
        n.put("prev", prev);
        put(n, "signer", signer);
        if (withSignature) {
            put(n, "signature", signature);
        }
        if (withHash) {
            put(n, "hash", hash);
        }
        return n;
    }

    private static void put(ObjectNode n, String name, String value) {
        if (value != null) {
            n.put(name, value);
        }
    }

    private static String text(ObjectNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(ObjectNode n) {
        return text(n).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a line of the log. Only the shape is checked here (known members of the right types, a hash of 64 hex
     * digits); whether the line is exactly as the node writes it, and whether its hash matches, is the verifier's.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static AuditEntry parse(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MEMBERS.contains(name)) {
                throw new IllegalArgumentException("unknown member '" + name + "'");
            }
        }
        JsonNode seq = n.get("seq");
        if (seq == null || !seq.canConvertToExactIntegral() || !seq.canConvertToLong() || seq.asLong() < 1) {
            throw new IllegalArgumentException("no sequence number");
        }
        Instant time;
        try {
            time = Instant.parse(required(n, "time"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad time '" + n.get("time").asText() + "'");
        }
        AuditKind kind;
        try {
            kind = AuditKind.valueOf(required(n, "kind"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown kind '" + n.get("kind").asText() + "'");
        }
        String prev = required(n, "prev");
        String hash = required(n, "hash");
        if (!HEX64.matcher(prev).matches() || !HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException("prev and hash must be 64 lower-case hex digits");
        }
        return new AuditEntry(seq.asLong(), time, kind, optional(n, "actor"), optional(n, "flow"), optional(n, "messageId"),
                optional(n, "type"), optional(n, "sender"), optional(n, "recipient"), optional(n, "digest"),
                optional(n, "detail"), prev, optional(n, "signer"), optional(n, "signature"), hash);
    }

    private static String required(JsonNode n, String name) {
        String value = optional(n, name);
        if (value == null) {
            throw new IllegalArgumentException("no " + name);
        }
        return value;
    }

    private static String optional(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return v.asText();
    }
}
