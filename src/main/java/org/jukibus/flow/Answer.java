package org.jukibus.flow;

import org.w3c.dom.Document;

/**
 * A message a node makes itself rather than from a legacy file: mostly one it sends back for one
 * it received, with the received message's id as correlation id; also one it sends on its own
 * (a heartbeat, an alert: no correlation id). Sealed to {@code recipient} and sent on {@code flow}
 * ({@link Answers#sealAll}).
 *
 * @param flow          the flow the message travels on
 * @param recipient     the node it goes to (usually the received message's sender)
 * @param messageId     its id; for an answer derived from the received message's (see {@link MessageIds#answerOf})
 * @param correlationId the id of the message it answers, or null
 * @param payload       the payload, valid against the flow's schema
 */
public record Answer(FlowDefinition flow, String recipient, String messageId, String correlationId, Document payload) {

    /** An answer to {@code received} on {@code flow}, back to its sender. */
    public static Answer to(Delivered received, FlowDefinition flow, Document payload) {
        String id = received.header().messageId();
        return new Answer(flow, received.header().sender(), MessageIds.answerOf(flow.name(), received.header().sender(), id), id, payload);
    }
}
