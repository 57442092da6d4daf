package org.jukibus.attack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.signature.XMLSignature;
import org.jukibus.directory.NodeEntry;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.WholeDocumentSignature;
import org.w3c.dom.Element;

/**
 * Attacks carried in envelopes the attacking node may send (transfer-in notices, municipal to
 * municipal): tampering, signature wrapping, replay, wrong recipient, a payload speaking for another
 * node or carrying a resident code with a wrong check digit, weak algorithms, hostile XML.
 * Each must end in the target's dead-letter queue with a reason, and nothing may reach its legacy
 * outbox; the simulator watches both through the target's management port.
 *
 * <p>A genuine notice goes first, as the positive control: it must be delivered, or the refusals that
 * follow would prove nothing (they could all be refusing a notice broken in some other way).
 */
final class EnvelopeAttacks {

    static final String INBOUND = "jukibus.inbound.transfer-in";
    static final int OVERSIZE_BYTES = 4 << 20;
    static final int NESTING = 10_000;

    private final AttackTarget t;
    private final EnvelopeForgery forgery;
    private final TargetWatch watch;
    private byte[] control;

    EnvelopeAttacks(AttackTarget target, TargetWatch watch) {
        this.t = target;
        this.forgery = new EnvelopeForgery(target.attacker);
        this.watch = watch;
    }

    /** Why the envelope attacks cannot run against this target with this attacker, if they cannot. */
    Optional<String> notApplicable() {
        if (t.target.role() != NodeRole.MUNICIPAL || t.attacker.identity().role() != NodeRole.MUNICIPAL) {
            return Optional.of("envelope attacks use transfer-in notices: the target and the attacking node must both be municipal");
        }
        if (t.target.code().equals(t.attacker.identity().code())) {
            return Optional.of("the attacking node must be another node than the target");
        }
        return Optional.empty();
    }

    /**
     * Sends the genuine notice and waits for its delivery.
     *
     * @return empty if it was delivered, else what went wrong
     */
    Optional<String> positiveControl() throws Exception {
        control = forgery.genuine(t.target.code(), t.target.certificate(), Instant.now());
        Outcome o = sendAndWatch(control);
        return o.verdict() == Outcome.Verdict.NOT_REFUSED ? Optional.empty() : Optional.of(o.detail());
    }

    List<Attack> catalogue() {
        List<Attack> a = new ArrayList<>();
        a.add(attack("replay", "send the delivered control notice's envelope again", () -> control));
        a.add(attack("tampered-payload", "change one character of the encrypted payload", () -> flip(fresh(), "<xenc:CipherValue>", 20)));
        a.add(attack("tampered-header", "move the signed header's CreatedAt by one millisecond", () -> laterHeader(fresh())));
        a.add(attack("signature-wrapping-object", "hide the signed envelope in a ds:Object, attacker content on top",
                () -> wrapInObject(fresh())));
        a.add(attack("signature-wrapping-second-body", "add an attacker's env:Body before the signed one",
                () -> secondBody(fresh())));
        a.add(attack("signature-wrapping-moved-signature", "move the signature into the header",
                () -> movedSignature(fresh())));
        a.add(attack("wrong-recipient", "send a notice sealed (validly) for another municipality to the target",
                this::forAnotherMunicipality));
        a.add(attack("forged-party", "seal and sign a notice validly whose payload names a third municipality as its "
                + "sender (NewMunicipality)", () -> forgery.speakingFor(thirdMunicipality().code(), t.target.code(),
                t.target.certificate())));
        a.add(attack("wrong-resident-code", "seal and sign a notice validly whose resident code has a wrong check digit",
                () -> forgery.wrongResidentCode(t.target.code(), t.target.certificate())));
        a.add(attack("expired", "send a validly signed notice created 40 days ago (beyond the outage window)",
                () -> forgery.genuine(t.target.code(), t.target.certificate(), Instant.now().minus(Duration.ofDays(40)))));
        a.add(attack("downgrade-sha1", "re-sign a notice with ECDSA-SHA1 and a SHA-1 digest",
                () -> forgery.resigned(fresh(), d -> { }, XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA1,
                        "http://www.w3.org/2000/09/xmldsig#sha1")));
        a.add(attack("downgrade-rsa-1.5", "declare RSA PKCS#1 v1.5 key transport and re-sign validly",
                () -> forgery.resigned(fresh(), d -> {
                    Element method = (Element) d.getElementsByTagNameNS("http://www.w3.org/2001/04/xmlenc#", "EncryptionMethod").item(1);
                    method.setAttributeNS(null, "Algorithm", XMLCipher.RSA_v1dot5);
                }, WholeDocumentSignature.SIGNATURE_METHOD, WholeDocumentSignature.DIGEST_METHOD)));
        a.add(attack("dtd-external-entity", "a DOCTYPE with an external entity (XXE)", () -> bytes(
                "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<env:Envelope xmlns:env=\"urn:jukibus:envelope:1\">&x;</env:Envelope>")));
        a.add(attack("entity-expansion", "nested internal entities (billion laughs)", () -> bytes(laughs())));
        a.add(attack("oversize", "a 4 MiB envelope", () -> oversize()));
        a.add(attack("deep-nesting", NESTING + " nested elements", () -> deep()));
        return a;
    }

    private interface Payload {
        byte[] make() throws Exception;
    }

    private Attack attack(String name, String what, Payload payload) {
        return new Attack(name, "envelope", what, () -> {
            if (control == null) {
                return Outcome.notRun("the positive control did not pass");
            }
            return sendAndWatch(payload.make());
        });
    }

    /** Sends as the attacking node; then whatever comes first: a new dead letter, a delivery, or nothing. */
    private Outcome sendAndWatch(byte[] envelope) throws Exception {
        TargetWatch.Before before = watch.before();
        try (Connection c = t.connectAsAttacker()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(envelope);
            try {
                s.createProducer(s.createQueue(INBOUND)).send(m);
            } catch (JMSException e) {
                return Outcome.refused("the broker refused the message: " + LinkAttacks.brief(e));
            }
        }
        return watch.settle(before);
    }

    private byte[] fresh() throws Exception {
        return forgery.genuine(t.target.code(), t.target.certificate(), Instant.now());
    }

    private byte[] forAnotherMunicipality() throws Exception {
        NodeEntry other = thirdMunicipality();
        return forgery.genuine(other.code(), other.certificate(), Instant.now());
    }

    /** A municipality that is neither the target nor the attacking node. */
    private NodeEntry thirdMunicipality() {
        return t.directory.withRole(NodeRole.MUNICIPAL).stream()
                .filter(n -> !n.code().equals(t.target.code()) && !n.code().equals(t.attacker.identity().code()))
                .findFirst().orElseThrow(() -> new IllegalStateException("the directory lists no third municipality"));
    }

    private static byte[] flip(byte[] envelope, String after, int offset) {
        String xml = text(envelope);
        int at = xml.indexOf(after) + after.length() + offset;
        char c = xml.charAt(at);
        return bytes(xml.substring(0, at) + (c == 'A' ? 'B' : 'A') + xml.substring(at + 1));
    }

    private static byte[] laterHeader(byte[] genuine) {
        String xml = text(genuine);
        String createdAt = between(xml, "<env:CreatedAt>", "</env:CreatedAt>");
        String value = createdAt.substring("<env:CreatedAt>".length(), createdAt.length() - "</env:CreatedAt>".length());
        return bytes(xml.replace(createdAt, "<env:CreatedAt>" + Instant.parse(value).plusMillis(1) + "</env:CreatedAt>"));
    }

    private static byte[] wrapInObject(byte[] genuine) {
        String xml = text(genuine);
        String signed = xml.substring(xml.indexOf("<env:Envelope")).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "");
        String header = between(xml, "<env:Header>", "</env:Header>");
        String body = between(xml, "<env:Body>", "</env:Body>");
        String signature = xml.substring(xml.indexOf("<ds:Signature"), xml.indexOf("</ds:Signature>"));
        return bytes("<env:Envelope xmlns:env=\"urn:jukibus:envelope:1\" version=\"1\">" + header + body + signature
                + "<ds:Object>" + signed + "</ds:Object></ds:Signature></env:Envelope>");
    }

    private static byte[] secondBody(byte[] genuine) {
        String xml = text(genuine);
        int body = xml.indexOf("<env:Body>");
        return bytes(xml.substring(0, body) + "<env:Body><x:Injected xmlns:x=\"urn:attack\">attacker</x:Injected></env:Body>"
                + xml.substring(body));
    }

    private static byte[] movedSignature(byte[] genuine) {
        String xml = text(genuine);
        String signature = xml.substring(xml.indexOf("<ds:Signature"), xml.indexOf("</ds:Signature>") + "</ds:Signature>".length());
        String without = xml.replace(signature, "");
        return bytes(without.replace("</env:Header>", signature + "</env:Header>"));
    }

    private static String between(String xml, String open, String close) {
        return xml.substring(xml.indexOf(open), xml.indexOf(close) + close.length());
    }

    private static String laughs() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY l0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        return dtd.append("]><env:Envelope xmlns:env=\"urn:jukibus:envelope:1\">&l9;</env:Envelope>").toString();
    }

    private static byte[] oversize() {
        String open = "<env:Envelope xmlns:env=\"urn:jukibus:envelope:1\" version=\"1\"><!--";
        return bytes(open + "x".repeat(OVERSIZE_BYTES) + "--></env:Envelope>");
    }

    private static byte[] deep() {
        return bytes("<env:Envelope xmlns:env=\"urn:jukibus:envelope:1\" version=\"1\">" + "<a>".repeat(NESTING)
                + "</a>".repeat(NESTING) + "</env:Envelope>");
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
