package org.jukibus.flow;

/**
 * Told of every answer a node seals ({@link Answers}), so that its receipt or non-delivery notice finds it
 * later; the delivery status (flow.nondelivery.DeliveryStatus) is the one implementation. An interface here
 * so that the common flow code does not depend on one flow's package.
 */
public interface AnswerRecorder {

    /** {@code envelope}: the sealed bytes, whose SHA-256 its receipt must name. */
    void sealed(Answer answer, byte[] envelope);
}
