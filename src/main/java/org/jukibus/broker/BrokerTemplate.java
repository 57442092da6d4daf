package org.jukibus.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A role's broker.xml from {@code broker-config/} with its {@code ${jukibus.*}} placeholders.
 *
 * <p>The embedded broker fills the placeholders in from the node's configuration here, in memory,
 * rather than through system properties: several nodes share one JVM in tests and the demo, and
 * keystore passwords must not end up in a file or a global property. A standalone Artemis fills
 * the same placeholders from system properties (Artemis's own {@code ${name}} syntax).
 */
public final class BrokerTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(jukibus\\.[a-zA-Z0-9.\\-]+)}");

    private final Path source;
    private final String xml;

    private BrokerTemplate(Path source, String xml) {
        this.source = source;
        this.xml = xml;
    }

    public static BrokerTemplate load(Path brokerConfigDir, String role) throws IOException {
        Path file = brokerConfigDir.resolve(role + ".xml");
        if (!Files.isRegularFile(file)) {
            throw new IOException("no broker configuration for role '" + role + "': " + file.toAbsolutePath()
                    + " does not exist (set jukibus.broker-config-dir)");
        }
        return new BrokerTemplate(file, Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Every placeholder the file uses, so callers can say which ones they cannot fill. */
    public TreeSet<String> placeholders() {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(xml);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The file with every placeholder replaced; an unfilled placeholder is an error, never left as is. */
    public String render(Map<String, String> values) {
        TreeSet<String> missing = placeholders();
        missing.removeAll(values.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalStateException(source + " uses placeholders the node does not provide: " + missing);
        }
        Matcher m = PLACEHOLDER.matcher(xml);
        StringBuilder out = new StringBuilder(xml.length() + 256);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(escapeXml(values.get(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String escapeXml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    public Path source() {
        return source;
    }
}
