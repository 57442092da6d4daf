package org.jukibus.flow.certificatecopy;

import org.jukibus.flow.Delivered;
import org.jukibus.flow.PermanentFailure;

/**
 * The municipalities a delivered payload names must be the envelope's signer and this node: a peer
 * may not speak for another municipality inside a payload it signed itself.
 */
final class Parties {

    private Parties() {
    }

    static void require(Delivered message, String senderInPayload, String recipientInPayload) throws PermanentFailure {
        if (!message.header().sender().equals(senderInPayload) || !message.header().recipient().equals(recipientInPayload)) {
            throw new PermanentFailure("PARTY_MISMATCH", "the " + message.flow().messageType() + " names " + senderInPayload
                    + " → " + recipientInPayload + " but the envelope came from " + message.header().sender()
                    + " to " + message.header().recipient());
        }
    }
}
