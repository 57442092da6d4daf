package org.jukibus.cli;

import java.net.URI;
import java.net.URISyntaxException;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of {@code --node}: a node's management port as {@code host:port} ({@code 127.0.0.1:8081},
 * {@code [::1]:8081}) or as its URL ({@code https://127.0.0.1:8081}). Anything else is a usage error (exit 2)
 * naming what is wrong.
 */
public final class NodeAddress implements ITypeConverter<URI> {

    @Override
    public URI convert(String value) {
        return parse(value);
    }

    /** The management URL {@code https://host:port/} of {@code value}. */
    public static URI parse(String value) {
        String v = value.strip();
        String url = v.contains("://") ? v : "https://" + v;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new TypeConversionException("'" + value + "' is neither host:port nor https://host:port");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new TypeConversionException("'" + value + "': the management port speaks HTTPS only (https://host:port)");
        }
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw new TypeConversionException("'" + value + "' names no host and port: give host:port, e.g. 127.0.0.1:8081");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return URI.create("https://" + hostPort(uri) + (path.endsWith("/") ? path : path + "/"));
    }

    /** {@code host:port} of a URL, IPv6 hosts in brackets: what error messages name. */
    public static String hostPort(URI uri) {
        String host = uri.getHost();
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + uri.getPort();
    }
}
