package org.jukibus.flow;

import java.util.List;

import org.w3c.dom.Document;
import org.jukibus.adapter.file.ErrorCode;

/**
 * The part of a flow that is more than "seal, forward, open, put in the legacy outbox": checks
 * that need a store (a reply must answer a request this node received), what to record once an
 * input is queued, what to do with a delivered payload other than hand it to the legacy system,
 * and which messages to send back. A flow without a handler of its own gets the defaults.
 * <p>
 * Every method runs inside the shared pipelines of {@code routes/common/flow-templates.yaml};
 * a handler never talks to the broker or the legacy folders except through what it is given.
 */
public interface FlowHandler {

    /** The flows (by name) this handler serves. */
    List<String> flows();

    /**
     * Checks a legacy input beyond its schema and the sender/recipient rules, before it is sealed.
     *
     * @return the id of the message this input answers (the envelope's correlation id), or null
     * @throws LegacyInputException to refuse the file, with a message the legacy operator can act on
     */
    default String check(LegacyInput input) throws LegacyInputException {
        return null;
    }

    /**
     * The payloads a legacy input is sent as, for flows whose routes use the {@code legacy-batch-intake}
     * template: by default the one payload it is. A flow whose legacy files may hold more than one
     * message should carry (a batch of identity updates) returns several, in order; each is sealed as
     * its own message, with an id derived from the file's ({@link MessageIds#partOf}), and
     * {@link #queued} is called for each. Called after {@link #check} passed for the whole input.
     */
    default List<Document> split(LegacyInput input) throws Exception {
        return List.of(input.payload());
    }

    /** Called once the sealed input sits in the outbound queue (again, after a crash: be idempotent). */
    default void queued(LegacyInput input) throws Exception {
    }

    /**
     * Delivers a verified payload on this node: by default into {@code legacy/outbox/<flow>/}. Runs
     * once per message; be idempotent all the same (a crash before the broker commits repeats it).
     */
    default void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        outbox.write(message);
    }

    /**
     * Whether delivering the same message again, at any later time, changes nothing (what {@link #deliver} keeps is keyed
     * by the message and only ever takes a later one) and its {@link #answers} keep their ids: then the node does not
     * record its deliveries as seen ({@link SeenMessages}, kept two outage windows), and a replay is delivered again
     * to no effect instead of refused. Only for flows whose volume makes those rows count (central's heartbeats: some
     * 2.6 million a day); false by default.
     */
    default boolean replayChangesNothing() {
        return false;
    }

    /**
     * The messages this node sends back for a delivered one (besides the receipt). Called on every
     * delivery attempt, including a redelivery after a crash, so the answers must be the same each
     * time: their message ids are derived from the delivered message's, and the brokers drop a copy.
     */
    default List<Answer> answers(Delivered message) throws Exception {
        return List.of();
    }

    /**
     * Handles a legacy input of a flow that stays on this node (a registration, a query at the
     * counter): store it, answer it into {@code legacy/outbox/<flow>/}.
     */
    default void local(LegacyInput input, LegacyOutbox outbox) throws Exception {
        throw new LegacyInputException(ErrorCode.NO_LOCAL_INPUT, "the " + input.flow().name() + " flow does not take local input");
    }
}
