package org.jukibus.operators;

import java.security.cert.X509Certificate;

import jakarta.servlet.http.HttpServletRequest;

/** What a login request carries besides user and PIN: where it came from and the card (TLS client certificate). */
public record CardDetails(String remote, X509Certificate card) {

    /** The servlet request attribute holding the TLS client certificate chain. */
    static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    public static CardDetails of(HttpServletRequest request) {
        return new CardDetails(request.getRemoteAddr(), card(request));
    }

    /** The client certificate the TLS connection was authenticated with, or null. */
    static X509Certificate card(HttpServletRequest request) {
        Object chain = request.getAttribute(CERTIFICATES);
        return chain instanceof X509Certificate[] certs && certs.length > 0 ? certs[0] : null;
    }
}
