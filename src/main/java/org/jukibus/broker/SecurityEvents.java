package org.jukibus.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused logins and denied permissions on a node's broker. Today they are logged at WARN with a
 * fixed prefix; intrusion detection (rate-limited alerts to central) hooks in here.
 */
public class SecurityEvents {

    private static final Logger log = LoggerFactory.getLogger("jukibus.security");

    public void loginRefused(String remote, String why) {
        log.warn("SECURITY login refused from {}: {}", remote, why);
    }

    public void permissionDenied(String user, String permission, String address) {
        log.warn("SECURITY {} denied to '{}' on address {}", permission, user, address);
    }
}
