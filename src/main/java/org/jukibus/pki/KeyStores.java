package org.jukibus.pki;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * PKCS#12 key and trust stores (JDK's PKCS12 implementation).
 * A key store holds one private key entry under alias {@value #KEY_ALIAS}; a trust store holds only the root CA
 * certificate under alias {@value #ROOT_ALIAS}.
 */
public final class KeyStores {

    public static final String KEY_ALIAS = "node";
    public static final String ROOT_ALIAS = "root-ca";

    private KeyStores() {
    }

    /** A fresh EC P-256 (secp256r1) key pair from the JDK default provider. */
    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 not available", e);
        }
    }

    public static void writeKeyStore(Path file, KeyMaterial km, char[] password) throws IOException {
        writeKeyStore(file, KEY_ALIAS, km, password);
    }

    static void writeKeyStore(Path file, String alias, KeyMaterial km, char[] password) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(alias, km.privateKey(), password, km.chain().toArray(new Certificate[0]));
            SecureFiles.writeSecret(file, store(ks, password));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write key store " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the key store's single private key entry (alias "node" preferred). */
    public static KeyMaterial readKeyStore(Path file, char[] password) throws IOException {
        KeyStore ks = load(file, password);
        try {
            List<String> aliases = Collections.list(ks.aliases());
            String alias = aliases.contains(KEY_ALIAS) ? KEY_ALIAS : null;
            if (alias == null) {
                for (String a : aliases) {
                    if (ks.isKeyEntry(a)) {
                        alias = a;
                        break;
                    }
                }
            }
            if (alias == null) {
                throw new IOException("no private key in key store " + file);
            }
            Key key = ks.getKey(alias, password);
            if (!(key instanceof PrivateKey pk)) {
                throw new IOException("entry '" + alias + "' in " + file + " is not a private key");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ks.getCertificateChain(alias)) {
                chain.add((X509Certificate) c);
            }
            return new KeyMaterial(pk, chain);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read key store " + file + ": " + e.getMessage(), e);
        }
    }

    public static void writeTrustStore(Path file, X509Certificate rootCa, char[] password) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry(ROOT_ALIAS, rootCa);
            SecureFiles.writeSecret(file, store(ks, password));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write trust store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The root CA certificate in a trust store. */
    public static X509Certificate readTrustStore(Path file, char[] password) throws IOException {
        KeyStore ks = load(file, password);
        try {
            Certificate c = ks.getCertificate(ROOT_ALIAS);
            if (!(c instanceof X509Certificate x)) {
                throw new IOException("no '" + ROOT_ALIAS + "' certificate in trust store " + file);
            }
            return x;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read trust store " + file + ": " + e.getMessage(), e);
        }
    }

    public static KeyStore load(Path file, char[] password) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such key store: " + file);
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(Files.readAllBytes(file)), password);
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new IOException("cannot open " + file + ": wrong password", e);
            }
            throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] store(KeyStore ks, char[] password) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }
}
