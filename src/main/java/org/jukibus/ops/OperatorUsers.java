package org.jukibus.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The operators who may log in to a node's management port, from {@code jukibus.management.users}
 * (name to bcrypt hash). Only hashes are accepted: a value that is not a bcrypt hash stops the
 * node, so a clear-text password in a config file is caught at once rather than silently working.
 */
public final class OperatorUsers {

    /** The role every operator has; Hawtio, Jolokia and the actuator require it. */
    public static final String ROLE = "OPERATOR";

    private static final Logger log = LoggerFactory.getLogger(OperatorUsers.class);
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private OperatorUsers() {
    }

    public static InMemoryUserDetailsManager from(Map<String, String> users) {
        List<String> problems = new ArrayList<>();
        List<UserDetails> details = new ArrayList<>();
        users.forEach((name, value) -> {
            String hash = value == null ? "" : value.trim();
            if (hash.startsWith("{bcrypt}")) {
                hash = hash.substring("{bcrypt}".length());
            }
            if (!BCRYPT.matcher(hash).matches()) {
                problems.add("jukibus.management.users." + name + " is not a bcrypt hash (make one with"
                        + " `jukibus operator hash-password`)");
            } else {
                details.add(User.withUsername(name).password(hash).roles(ROLE).build());
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("management users are misconfigured:\n  - " + String.join("\n  - ", problems));
        }
        if (details.isEmpty()) {
            log.warn("no operator configured (jukibus.management.users): the management port refuses every login");
        }
        return new InMemoryUserDetailsManager(details);
    }

    public static BCryptPasswordEncoder encoder() {
        return new BCryptPasswordEncoder();
    }

    /** A bcrypt hash of a password, as {@code jukibus.management.users.<name>} expects it. */
    public static String hash(CharSequence password) {
        return encoder().encode(password);
    }
}
