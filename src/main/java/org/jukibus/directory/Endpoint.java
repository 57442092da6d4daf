package org.jukibus.directory;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A network endpoint {@code host:port} (IPv6 hosts written {@code [::1]:61616}). */
public record Endpoint(String host, int port) {

    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]):([0-9]{1,5})");

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port + " for " + host + ": expected 1..65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
    }

    /** Parses {@code host:port}. */
    public static Endpoint parse(String s) {
        Matcher m = s == null ? null : FORM.matcher(s.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("bad endpoint '" + s + "': expected host:port");
        }
        return new Endpoint(m.group(1), Integer.parseInt(m.group(2)));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
