package org.jukibus.management;

import java.io.Console;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

import org.jukibus.cli.NodeAddress;
import org.jukibus.operators.OperatorCard;
import org.jukibus.pki.SecureFiles;

import picocli.CommandLine.Option;

/**
 * How an operator command reaches a node's management port and logs in with the operator's card and PIN
 * ({@code --node}, {@code --operator-card}, {@code --card-password-file}, then {@code --pin-file},
 * {@code $JUKIBUS_OPERATOR_PIN} or the terminal's prompt): a picocli mixin of {@code jukibus dlq} and
 * {@code jukibus status}.
 */
public class OperatorLogin {

    public static final String PIN_ENV = "JUKIBUS_OPERATOR_PIN";

    /** Environment lookup; replaceable in tests. */
    static Function<String, String> environment = System::getenv;

    @Option(names = "--node", required = true, paramLabel = "HOST:PORT", converter = NodeAddress.class,
            description = "The node's management port: host:port (e.g. 127.0.0.1:8081) or https://host:port")
    URI node;
    @Option(names = "--operator-card", required = true, paramLabel = "P12",
            description = "Your operator card (jukibus pki issue-operator): the TLS client certificate.")
    Path card;
    @Option(names = "--card-password-file", required = true, paramLabel = "FILE", description = "File with the card's password.")
    Path cardPasswordFile;
    @Option(names = "--pin-file", paramLabel = "FILE",
            description = "File whose first line is your PIN (else $" + PIN_ENV + ", else asked for on the terminal).")
    Path pinFile;

    /** The management URL given. */
    public String node() {
        return node.toString();
    }

    /** Jolokia on the node, logged in as the card's operator. */
    public JolokiaClient client() throws IOException {
        OperatorCard opened = card();
        char[] pin = pin();
        try {
            return new JolokiaClient(node.toString(), opened, pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    /** The operator's card, opened with its password. */
    public OperatorCard card() throws IOException {
        char[] cardPassword = SecureFiles.readPassword(cardPasswordFile);
        try {
            return OperatorCard.open(card, cardPassword);
        } finally {
            Arrays.fill(cardPassword, '\0');
        }
    }

    /** The operator's PIN (the caller clears it after use). */
    public char[] pin() throws IOException {
        if (pinFile != null) {
            return SecureFiles.readPassword(pinFile);
        }
        String env = environment.apply(PIN_ENV);
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no PIN: give --pin-file <file>, set " + PIN_ENV + " or run in a terminal");
        }
        return console.readPassword("PIN: ");
    }
}
