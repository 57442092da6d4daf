package org.jukibus.xml;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.KeyAgreement;

import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.WNafUtil;
import org.bouncycastle.util.BigIntegers;

/**
 * The elliptic-curve arithmetic of envelopes (ECDSA sign and verify, ECDH, ephemeral P-256 keys)
 * runs on Bouncy Castle's provider, passed explicitly and never registered: TLS, key stores and
 * everything else keep the JDK's providers. Why: on Java 17, SunEC's P-256 takes about 0.5 ms to
 * sign, 0.8 ms to verify and 0.8 ms per ECDH on this project's 2-core machine; Bouncy Castle's
 * takes 0.08, 0.08 and 0.17 ms (same curve, same algorithms; see bench/results.md). A notice costs
 * five such operations, so this is most of the crypto-only limit.
 *
 * <p>Keys arrive as the key stores give them (SunEC key objects) and are carried over to Bouncy
 * Castle's one cached P-256 domain, so its precomputed tables for the generator (and, for the
 * directory's keys, for the sender's point and the recipient's) are built once, not on every operation (Bouncy
 * Castle's own key classes convert the domain again on each use, which costs a third more). Only P-256 keys are accepted; a peer's
 * point must lie on the curve (Bouncy Castle checks it when it agrees or verifies).
 */
public final class EllipticCurves {

    /** Bouncy Castle's provider instance; never added to {@link java.security.Security}. */
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private static final String CURVE = "secp256r1";
    private static final ECNamedCurveParameterSpec P256 = ECNamedCurveTable.getParameterSpec(CURVE);
    private static final ECParameterSpec P256_JDK = jdkSpec();
    private static final int MAX_KEPT = 10_000;
    private static final Map<ECPublicKey, P256PublicKey> PUBLIC_KEYS = new ConcurrentHashMap<>();
    private static final int FIELD_BYTES = 32;
    private static final FixedPointCombMultiplier COMB = new FixedPointCombMultiplier();

    private EllipticCurves() {
    }

    /**
     * A fresh P-256 key pair (the ephemeral key of ECDH-ES), drawn as Bouncy Castle's ECKeyPairGenerator draws it
     * (d uniform in [2, n-1], redrawn while its NAF weight is below a quarter of n's bit length; Q = dG on the
     * generator's fixed-point comb), without the provider look-up, the domain conversion and the encodings of its key
     * objects on every call: the keys are this class's own, on the cached domain, which the agreement takes directly.
     */
    public static KeyPair ephemeralKeyPair(SecureRandom random) {
        BigInteger n = P256.getN();
        int minWeight = n.bitLength() >>> 2;
        BigInteger d;
        do {
            d = BigIntegers.createRandomBigInteger(n.bitLength(), random);
        } while (d.compareTo(BigInteger.ONE) <= 0 || d.compareTo(n) >= 0 || WNafUtil.getNafWeight(d) < minWeight);
        ECPoint q = COMB.multiply(P256.getG(), d).normalize();
        return new KeyPair(new P256PublicKey(q), new P256PrivateKey(d));
    }

    /**
     * The ECDH shared secret Z of {@code own} and {@code peer}, both P-256. Refuses a key on another
     * curve, the point at infinity and a point not on the curve.
     */
    public static byte[] agree(PrivateKey own, PublicKey peer) throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH", PROVIDER);
        agreement.init(onProvider(own));
        try {
            agreement.doPhase(onProviderUnkept(peer), true);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidKeyException("peer key refused: " + e.getMessage(), e);
        }
        return agreement.generateSecret();
    }

    /**
     * The ECDH shared secret Z of {@code own} and a peer's <em>static</em> P-256 key (the sealer's agreement with the
     * recipient's certificate key), as {@link #agree} computes it, but with a table precomputed once per peer key and
     * kept with it ({@link #onProvider(PublicKey)}): Bouncy Castle's fixed-point comb, the method it uses for the
     * generator in key generation and signing, so constant-time in the secret scalar as they are (a fixed number of
     * doublings and additions, a constant-time table lookup). About a third of {@link #agree}'s time once the table
     * is built (4 KiB per key, one agreement's work to build); an ephemeral peer key would never repay it.
     */
    public static byte[] agreeWithStaticKey(PrivateKey own, PublicKey peer) throws GeneralSecurityException {
        ECPoint q = ((P256PublicKey) onProvider(peer)).q();
        if (!q.isValid()) { // checked once per kept key: Bouncy Castle keeps the verdict with the point
            throw new InvalidKeyException("peer key refused: not a point of P-256");
        }
        BigInteger d = ((P256PrivateKey) onProvider(own)).d();
        if (d.signum() <= 0 || d.compareTo(P256.getN()) >= 0) {
            throw new InvalidKeyException("private key out of range");
        }
        ECPoint z = COMB.multiply(q, d).normalize();
        if (z.isInfinity()) { // cannot happen for a point of prime order n and 0 < d < n
            throw new InvalidKeyException("the agreement is the point at infinity");
        }
        return BigIntegers.asUnsignedByteArray(FIELD_BYTES, z.getAffineXCoord().toBigInteger());
    }

    /** The same P-256 private key, as a key Bouncy Castle reads on its cached domain. */
    public static PrivateKey onProvider(PrivateKey key) throws InvalidKeyException {
        if (key instanceof P256PrivateKey) {
            return key;
        }
        if (!(key instanceof ECPrivateKey ec)) {
            throw new InvalidKeyException("not an EC private key: " + key.getAlgorithm());
        }
        checkP256(ec);
        return new P256PrivateKey(ec.getS());
    }

    /**
     * The same P-256 public key, as a key Bouncy Castle reads on its cached domain. Kept per key (the
     * directory's certificates): the point's tables for verification are then built once per sender.
     */
    public static PublicKey onProvider(PublicKey key) throws InvalidKeyException {
        return onProvider(key, true);
    }

    /**
     * As {@link #onProvider(PublicKey)}, but a key not kept already is not kept: an envelope's ephemeral key is used
     * once, and keeping it would only push the directory's keys, and their tables, out of the cache.
     */
    private static PublicKey onProviderUnkept(PublicKey key) throws InvalidKeyException {
        return onProvider(key, false);
    }

    private static PublicKey onProvider(PublicKey key, boolean keep) throws InvalidKeyException {
        if (key instanceof P256PublicKey) {
            return key;
        }
        if (!(key instanceof ECPublicKey ec)) {
            throw new InvalidKeyException("not an EC public key: " + key.getAlgorithm());
        }
        P256PublicKey known = PUBLIC_KEYS.get(ec);
        if (known != null || !keep) {
            return known != null ? known : converted(ec);
        }
        P256PublicKey converted = converted(ec);
        if (PUBLIC_KEYS.size() >= MAX_KEPT) {
            PUBLIC_KEYS.clear();
        }
        PUBLIC_KEYS.put(ec, converted);
        return converted;
    }

    private static P256PublicKey converted(ECPublicKey ec) throws InvalidKeyException {
        checkP256(ec);
        try {
            return new P256PublicKey(P256.getCurve().createPoint(ec.getW().getAffineX(), ec.getW().getAffineY()));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("EC public key refused: " + e.getMessage(), e);
        }
    }

    /** A P-256 private key whose domain is the one cached instance (both interface families, as Santuario reads the JDK one). */
    private record P256PrivateKey(BigInteger d)
            implements org.bouncycastle.jce.interfaces.ECPrivateKey, java.security.interfaces.ECPrivateKey {
        @Override public BigInteger getD() { return d; }
        @Override public BigInteger getS() { return d; }
        @Override public org.bouncycastle.jce.spec.ECParameterSpec getParameters() { return P256; }
        @Override public ECParameterSpec getParams() { return P256_JDK; }
        @Override public String getAlgorithm() { return "EC"; }
        @Override public String getFormat() { return null; }
        @Override public byte[] getEncoded() { return null; }
        @Override public String toString() { return "P-256 private key"; }
    }

    /** A P-256 public key whose domain is the one cached instance. */
    private record P256PublicKey(ECPoint q)
            implements org.bouncycastle.jce.interfaces.ECPublicKey, java.security.interfaces.ECPublicKey {
        @Override public ECPoint getQ() { return q; }
        @Override public java.security.spec.ECPoint getW() {
            ECPoint n = q.normalize();
            return new java.security.spec.ECPoint(n.getAffineXCoord().toBigInteger(), n.getAffineYCoord().toBigInteger());
        }
        @Override public org.bouncycastle.jce.spec.ECParameterSpec getParameters() { return P256; }
        @Override public ECParameterSpec getParams() { return P256_JDK; }
        @Override public String getAlgorithm() { return "EC"; }
        @Override public String getFormat() { return null; }
        @Override public byte[] getEncoded() { return null; }
    }

    private static void checkP256(ECKey key) throws InvalidKeyException {
        ECParameterSpec p = key.getParams();
        if (p == null || !P256_JDK.getCurve().equals(p.getCurve()) || !P256_JDK.getGenerator().equals(p.getGenerator())
                || !P256_JDK.getOrder().equals(p.getOrder())) {
            throw new InvalidKeyException("not a P-256 key");
        }
    }

    private static ECParameterSpec jdkSpec() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(CURVE));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK does not know " + CURVE, e);
        }
    }
}
