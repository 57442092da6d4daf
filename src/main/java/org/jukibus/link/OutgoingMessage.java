package org.jukibus.link;

import java.util.Map;

/**
 * One message for a peer's broker: its body, the address on the peer, the duplicate id that makes the peer's broker
 * drop a second copy, and the properties it carries.
 */
public record OutgoingMessage(String address, byte[] body, String duplicateId, Map<String, String> properties) {
}
