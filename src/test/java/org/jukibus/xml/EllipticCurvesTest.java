package org.jukibus.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;

import javax.crypto.KeyAgreement;

import org.junit.jupiter.api.Test;

/** Bouncy Castle's P-256 gives the same results as the JDK's, and refuses what it must. */
class EllipticCurvesTest {

    static KeyPair jdkKeyPair(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    @Test
    void agreesWithTheJdkOnTheSharedSecret() throws Exception {
        KeyPair a = jdkKeyPair("secp256r1");
        KeyPair ephemeral = EllipticCurves.ephemeralKeyPair(new SecureRandom());
        KeyAgreement jdk = KeyAgreement.getInstance("ECDH");
        jdk.init(a.getPrivate());
        jdk.doPhase(ephemeral.getPublic(), true);
        assertThat(EllipticCurves.agree(ephemeral.getPrivate(), a.getPublic())).isEqualTo(jdk.generateSecret());
    }

    @Test
    void signaturesVerifyAcrossProviders() throws Exception {
        KeyPair a = jdkKeyPair("secp256r1");
        byte[] data = "SignedInfo".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Signature bc = Signature.getInstance("SHA256withECDSA", EllipticCurves.PROVIDER);
        bc.initSign(EllipticCurves.onProvider(a.getPrivate()));
        bc.update(data);
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(a.getPublic());
        jdk.update(data);
        assertThat(jdk.verify(bc.sign())).isTrue();
    }

    @Test
    void refusesKeysOnOtherCurves() throws Exception {
        KeyPair p384 = jdkKeyPair("secp384r1");
        assertThatThrownBy(() -> EllipticCurves.onProvider(p384.getPrivate()))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not a P-256 key");
        assertThatThrownBy(() -> EllipticCurves.agree(jdkKeyPair("secp256r1").getPrivate(), p384.getPublic()))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not a P-256 key");
    }

    @Test
    void refusesAPeerPointThatIsNotOnTheCurve() throws Exception {
        ECPublicKey genuine = (ECPublicKey) jdkKeyPair("secp256r1").getPublic();
        ECPoint w = genuine.getW();
        ECPublicKey offCurve = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(w.getAffineX(), w.getAffineY().add(BigInteger.ONE)), genuine.getParams()));
        assertThatThrownBy(() -> EllipticCurves.agree(jdkKeyPair("secp256r1").getPrivate(), offCurve))
                .isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void theAgreementWithAStaticKeyIsTheGeneralOne() throws Exception {
        KeyPair recipient = jdkKeyPair("secp256r1");
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) { // the first builds the recipient's table, the others use it
            KeyPair ephemeral = EllipticCurves.ephemeralKeyPair(random);
            KeyAgreement jdk = KeyAgreement.getInstance("ECDH");
            jdk.init(recipient.getPrivate());
            jdk.doPhase(ephemeral.getPublic(), true);
            assertThat(EllipticCurves.agreeWithStaticKey(ephemeral.getPrivate(), recipient.getPublic()))
                    .isEqualTo(jdk.generateSecret())
                    .isEqualTo(EllipticCurves.agree(ephemeral.getPrivate(), recipient.getPublic()));
        }
    }

    @Test
    void theAgreementWithAStaticKeyRefusesWhatTheGeneralOneRefuses() throws Exception {
        ECPublicKey genuine = (ECPublicKey) jdkKeyPair("secp256r1").getPublic();
        ECPoint w = genuine.getW();
        ECPublicKey offCurve = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(w.getAffineX(), w.getAffineY().add(BigInteger.ONE)), genuine.getParams()));
        KeyPair ephemeral = EllipticCurves.ephemeralKeyPair(new SecureRandom());
        assertThatThrownBy(() -> EllipticCurves.agreeWithStaticKey(ephemeral.getPrivate(), offCurve))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not a point of P-256");
        assertThatThrownBy(() -> EllipticCurves.agreeWithStaticKey(ephemeral.getPrivate(), jdkKeyPair("secp384r1").getPublic()))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not a P-256 key");
    }
}
