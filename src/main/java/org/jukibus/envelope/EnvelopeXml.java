package org.jukibus.envelope;

import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.utils.EncryptionConstants;

/** Names and algorithm URIs of the envelope format. */
public final class EnvelopeXml {
    public static final String ENV_NS = "urn:jukibus:envelope:1";
    public static final String XENC_NS = "http://www.w3.org/2001/04/xmlenc#";
    public static final String XENC11_NS = "http://www.w3.org/2009/xmlenc11#";
    public static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
    public static final String DSIG11_NS = "http://www.w3.org/2009/xmldsig11#";
    public static final String SCHEMA = "envelope.xsd";
    public static final String VERSION = "1";

    /** Content encryption: {@code http://www.w3.org/2009/xmlenc11#aes256-gcm}. */
    public static final String AES256_GCM = XMLCipher.AES_256_GCM;
    /** Also accepted when opening: {@code http://www.w3.org/2009/xmlenc11#aes128-gcm}. */
    public static final String AES128_GCM = XMLCipher.AES_128_GCM;
    /** Key wrap: {@code http://www.w3.org/2001/04/xmlenc#kw-aes256}. */
    public static final String KW_AES256 = XMLCipher.AES_256_KeyWrap;
    /** Key agreement: {@code http://www.w3.org/2009/xmlenc11#ECDH-ES}. */
    public static final String ECDH_ES = EncryptionConstants.ALGO_ID_KEYAGREEMENT_ECDH_ES;
    /** Key derivation: {@code http://www.w3.org/2009/xmlenc11#ConcatKDF}. */
    public static final String CONCAT_KDF = EncryptionConstants.ALGO_ID_KEYDERIVATION_CONCATKDF;
    /** ConcatKDF digest: {@code http://www.w3.org/2001/04/xmlenc#sha256}. */
    public static final String SHA256 = XMLCipher.SHA256;
    /** EncryptedData Type: {@code http://www.w3.org/2001/04/xmlenc#Element}. */
    public static final String TYPE_ELEMENT = EncryptionConstants.TYPE_ELEMENT;

    private EnvelopeXml() {
    }

    /** ConcatKDF bit string (hexBinary with a leading padding-bit count of 00) of a UTF-8 string. */
    static String bitString(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(2 + 2 * b.length).append("00");
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString().toUpperCase(java.util.Locale.ROOT);
    }
}
