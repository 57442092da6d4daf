package org.jukibus.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM encoding of certificates and CRLs (Bouncy Castle's JcaPEMWriter / PEMParser; JDK providers for the objects). */
public final class Pem {

    private Pem() {
    }

    public static String toPem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    public static void writeCertificates(Path file, List<X509Certificate> certs) throws IOException {
        SecureFiles.writePublic(file, toPem(certs.toArray()).getBytes(StandardCharsets.US_ASCII));
    }

    public static void writeCertificate(Path file, X509Certificate cert) throws IOException {
        writeCertificates(file, List.of(cert));
    }

    public static void writeCrl(Path file, X509CRL crl) throws IOException {
        SecureFiles.writePublic(file, toPem(crl).getBytes(StandardCharsets.US_ASCII));
    }

    /** All certificates in a PEM file, in file order; other PEM objects are ignored. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        return parseCertificates(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    public static List<X509Certificate> parseCertificates(String pem, String what) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        for (Object o : objects(new StringReader(pem))) {
            if (o instanceof X509CertificateHolder h) {
                try {
                    certs.add(conv.getCertificate(h));
                } catch (CertificateException e) {
                    throw new IOException("bad certificate in " + what + ": " + e.getMessage(), e);
                }
            }
        }
        return certs;
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        List<X509Certificate> certs = readCertificates(file);
        if (certs.isEmpty()) {
            throw new IOException("no certificate in " + file);
        }
        return certs.get(0);
    }

    public static X509CRL readCrl(Path file) throws IOException {
        JcaX509CRLConverter conv = new JcaX509CRLConverter();
        for (Object o : objects(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            if (o instanceof X509CRLHolder h) {
                try {
                    return conv.getCRL(h);
                } catch (CRLException e) {
                    throw new IOException("bad CRL in " + file + ": " + e.getMessage(), e);
                }
            }
        }
        throw new IOException("no CRL in " + file);
    }

    private static List<Object> objects(Reader reader) throws IOException {
        List<Object> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(reader)) {
            Object o;
            while ((o = p.readObject()) != null) {
                out.add(o);
            }
        }
        return out;
    }
}
