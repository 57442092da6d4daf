package org.jukibus.attack;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.envelope.EnvelopeSealer;
import org.jukibus.flow.ResidentCode;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.WholeDocumentSignature;
import org.jukibus.xml.XmlSecurity;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Makes the envelopes of the envelope attacks with the attacking node's own key: genuine ones
 * (sealed exactly as a node seals them) and forged variants, re-signed where the attack is that a
 * legitimate peer signs something the target must still refuse (weak algorithms, a changed
 * key-transport algorithm).
 */
final class EnvelopeForgery {

    static {
        XmlSecurity.init();
    }

    /** The transfer-in notice (転入通知) the simulator sends; marked so nobody mistakes it for a real one. */
    static final String NOTICE_PREFIX = "ATTACK-SIM-";
    static final String TYPE = "TransferInNotice";
    /** Resident codes (住民票コード) of the simulated notices: a valid one, and one whose check digit is wrong. */
    static final String RESIDENT_CODE = ResidentCode.of("9999999999");
    static final String WRONG_RESIDENT_CODE = "99999999990";

    private final KeyMaterial attacker;
    private final String attackerCode;
    private final EnvelopeSealer sealer = new EnvelopeSealer();

    EnvelopeForgery(KeyMaterial attacker) {
        this.attacker = attacker;
        this.attackerCode = attacker.identity().code();
    }

    /** A genuine envelope for {@code recipientCode}, sealed to {@code recipientCert}, created at {@code createdAt}. */
    byte[] genuine(String recipientCode, X509Certificate recipientCert, Instant createdAt) throws Exception {
        return genuine(UUID.randomUUID().toString(), recipientCode, recipientCert, createdAt);
    }

    /** Like {@link #genuine(String, X509Certificate, Instant)}, with the envelope id {@code messageId}. */
    byte[] genuine(String messageId, String recipientCode, X509Certificate recipientCert, Instant createdAt) throws Exception {
        return sealed(messageId, recipientCode, recipientCert, createdAt, notice(attackerCode, recipientCode, RESIDENT_CODE));
    }

    /**
     * An envelope the attacking node seals and signs validly, whose notice names {@code claimedSender} as
     * its NewMunicipality: the payload speaks for another node than the one that signed it.
     */
    byte[] speakingFor(String claimedSender, String recipientCode, X509Certificate recipientCert) throws Exception {
        return sealed(UUID.randomUUID().toString(), recipientCode, recipientCert, Instant.now(),
                notice(claimedSender, recipientCode, RESIDENT_CODE));
    }

    /** A valid envelope whose notice carries a resident code with a wrong check digit. */
    byte[] wrongResidentCode(String recipientCode, X509Certificate recipientCert) throws Exception {
        return sealed(UUID.randomUUID().toString(), recipientCode, recipientCert, Instant.now(),
                notice(attackerCode, recipientCode, WRONG_RESIDENT_CODE));
    }

    private byte[] sealed(String messageId, String recipientCode, X509Certificate recipientCert, Instant createdAt,
                          byte[] notice) throws Exception {
        EnvelopeHeader header = new EnvelopeHeader(messageId, TYPE, attackerCode, recipientCode, createdAt, null);
        return sealer.seal(header, SecureXml.parse(notice), attacker.privateKey(), attacker.certificate(), recipientCert);
    }

    /** The envelope changed by {@code change} and signed again by the attacking node with the given algorithms. */
    byte[] resigned(byte[] envelope, Consumer<Document> change, String signatureMethod, String digestMethod) throws Exception {
        Document doc = SecureXml.parse(envelope, Integer.MAX_VALUE);
        NodeList sigs = doc.getElementsByTagNameNS(WholeDocumentSignature.DSIG_NS, "Signature");
        sigs.item(0).getParentNode().removeChild(sigs.item(0));
        change.accept(doc);
        Element root = doc.getDocumentElement();
        XMLSignature sig = new XMLSignature(doc, "", signatureMethod, WholeDocumentSignature.C14N_METHOD);
        root.appendChild(sig.getElement());
        Transforms transforms = new Transforms(doc);
        transforms.addTransform(WholeDocumentSignature.ENVELOPED);
        transforms.addTransform(WholeDocumentSignature.C14N_METHOD);
        sig.addDocument("", transforms, digestMethod);
        sig.addKeyInfo(attacker.certificate());
        sig.sign(attacker.privateKey());
        return SecureXml.serialize(doc);
    }

    private static byte[] notice(String newMunicipality, String oldMunicipality, String residentCode) {
        String id = NOTICE_PREFIX + UUID.randomUUID().toString().substring(0, 8);
        return ("""
                <TransferInNotice xmlns="urn:jukibus:transfer-in:1">
                  <NoticeId>%s</NoticeId>
                  <ResidentCode>%s</ResidentCode>
                  <Name>模擬 攻撃</Name>
                  <BirthDate>2000-01-01</BirthDate>
                  <Sex>9</Sex>
                  <NewAddress>模擬攻撃 (jukibus attack-sim): not a real notice</NewAddress>
                  <TransferInDate>2000-01-01</TransferInDate>
                  <PreviousAddress>模擬攻撃 (jukibus attack-sim): not a real notice</PreviousAddress>
                  <NewMunicipality>%s</NewMunicipality>
                  <OldMunicipality>%s</OldMunicipality>
                </TransferInNotice>
                """.formatted(id, residentCode, newMunicipality, oldMunicipality)).getBytes(StandardCharsets.UTF_8);
    }
}
