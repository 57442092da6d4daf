package org.jukibus.flow;

import org.w3c.dom.Document;

/**
 * A message a node sends back for one it received: sealed to {@code recipient} and sent on
 * {@code flow}, with the received message's id as correlation id.
 *
 * @param flow          the flow the answer travels on
 * @param recipient     the node it goes to (usually the received message's sender)
 * @param messageId     its id, derived from the received message's (see {@link MessageIds#answerOf})
 * @param correlationId the id of the message it answers
 * @param payload       the answer, valid against the flow's schema
 */
public record Answer(FlowDefinition flow, String recipient, String messageId, String correlationId, Document payload) {

    /** An answer to {@code received} on {@code flow}, back to its sender. */
    public static Answer to(Delivered received, FlowDefinition flow, Document payload) {
        String id = received.header().messageId();
        return new Answer(flow, received.header().sender(), MessageIds.answerOf(flow.name(), id), id, payload);
    }
}
