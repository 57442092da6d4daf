package org.jukibus.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

import org.jukibus.pki.SecureFiles;

import picocli.CommandLine.Option;

/**
 * How an operator command reaches a node's management port and logs in ({@code --node},
 * {@code --user}, {@code --password-file} or {@code $JUKIBUS_OPERATOR_PASSWORD}): a picocli mixin
 * of {@code jukibus dlq} and {@code jukibus status}.
 */
public class OperatorLogin {

    public static final String PASSWORD_ENV = "JUKIBUS_OPERATOR_PASSWORD";

    /** Environment lookup; replaceable in tests. */
    static Function<String, String> environment = System::getenv;

    @Option(names = "--node", required = true, paramLabel = "URL",
            description = "The node's management URL, e.g. http://127.0.0.1:8081")
    String node;
    @Option(names = "--user", defaultValue = "operator", description = "Operator user (default: ${DEFAULT-VALUE}).")
    String user;
    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the operator's password (else $" + PASSWORD_ENV + ").")
    Path passwordFile;

    /** The management URL given. */
    public String node() {
        return node;
    }

    /** The operator's user name. */
    public String user() {
        return user;
    }

    /** Jolokia on the node, logged in as the operator. */
    public JolokiaClient client() throws IOException {
        char[] password;
        if (passwordFile != null) {
            password = SecureFiles.readPassword(passwordFile);
        } else {
            String env = environment.apply(PASSWORD_ENV);
            if (env == null || env.isEmpty()) {
                throw new IllegalArgumentException("no operator password: give --password-file <file> or set " + PASSWORD_ENV);
            }
            password = env.toCharArray();
        }
        try {
            return new JolokiaClient(node, user, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
