package org.jukibus.flow;

/** Message headers (JMS properties) jukibus sets; valid Java identifiers as JMS requires. */
public final class Headers {
    /** The flow a message belongs to: an exchange property inside a route, a header on a dead letter. */
    public static final String FLOW = "JukibusFlow";
    public static final String MESSAGE_ID = "JukibusMessageId";
    public static final String TYPE = "JukibusType";
    public static final String SENDER = "JukibusSender";
    public static final String RECIPIENT = "JukibusRecipient";
    public static final String ADDRESS = "JukibusAddress";
    /**
     * On an outbound message: when its envelope was sealed (ISO-8601, the sender's clock), so the
     * forwarder can expire it at the end of the outage window without opening the envelope. On a dead letter whose
     * envelope verified: its created-at, by which a replay would be refused EXPIRED.
     */
    public static final String CREATED_AT = "JukibusCreatedAt";
    /**
     * On a dead letter whose envelope verified: {@link #CREATED_AT} in epoch milliseconds, which a selector can compare
     * (flow.nondelivery.OwedNotices takes only the owed dead letters past the receiver window, in one pass).
     */
    public static final String CREATED_AT_MILLIS = "JukibusCreatedAtMillis";
    public static final String REJECT_REASON = "JukibusRejectReason";
    public static final String REJECT_DETAIL = "JukibusRejectDetail";
    public static final String REJECTED_AT = "JukibusRejectedAt";
    /** On a dead letter: {@link #REJECTED_AT} in epoch milliseconds, which a selector can compare (erasure.DeadLetterErasure). */
    public static final String REJECTED_AT_MILLIS = "JukibusRejectedAtMillis";
    /**
     * On a dead letter: who the broker authenticated as the producer of the message that failed ({@link #VALIDATED_USER}
     * at dead-lettering; the dead letter's own is this node's). Set by this node only (a peer's is dropped). A dead
     * letter made before it existed has none: who put it here is not known.
     */
    public static final String PRODUCER = "JukibusProducer";
    /**
     * On a dead letter refused with no verified header attributed to its signer ({@link UnopenedDeadLetters}): {@code true}. Its bytes prove
     * nothing of anyone, and it is erased after {@code jukibus.erasure.unopened-retention} (erasure.DeadLetterErasure).
     */
    public static final String UNOPENED = "JukibusUnopened";
    /**
     * On a dead letter kept as a record only, past its producer's bytes ({@link UnopenedDeadLetters}): the SHA-256 of
     * the body it arrived with, and that body's size; its own body is empty.
     */
    public static final String NOT_KEPT_SHA256 = "JukibusNotKeptSha256";
    public static final String NOT_KEPT_BYTES = "JukibusNotKeptBytes";
    /** Exchange property: false when a dead letter is counted and not kept ({@link UnopenedDeadLetters}). */
    public static final String DEAD_LETTER_KEPT = "JukibusDeadLetterKept";
    /** On a dead letter: the queue it failed on, where a replay puts it back. */
    public static final String DEAD_LETTERED_FROM = "JukibusDeadLetteredFrom";
    /** On a dead letter whose operation log line (MESSAGE_DEAD_LETTERED) could not be written: why (DeadLetters). */
    public static final String OPERATION_LOG_MISSING = "JukibusOperationLogMissing";
    public static final String ALREADY_DELIVERED = "JukibusAlreadyDelivered";
    /**
     * On a message this node replayed from its dead-letter queue: the dead letter it was made from. Kept when it is
     * dead-lettered again, so the replay chain shows in {@code jukibus dlq list} (set by this node only).
     */
    public static final String REPLAY_OF = "JukibusReplayOf";
    /**
     * On a dead letter of another node's message: what its sender was told ({@code TOLD}: a NonDelivery notice went
     * back in the transaction that dead-lettered it, or later) or is owed ({@code OWED}: it failed in a way that is not
     * final, or its notice could not be made; flow.nondelivery.OwedNotices tells it once a replay can no longer deliver
     * it, or when it is purged). {@code NONE}: looked at, nothing is owed (another copy was delivered; an unmarked dead
     * letter whose sender is not authenticated, why in {@link #SENDER_NOT_TOLD}). Absent: nothing is owed (its sender is not authenticated, or
     * the flow is not tracked), or a dead letter made before this mark, which the owed-notice round looks at once.
     * Set by this node only; kept when a replay fails again, like {@link #REPLAY_OF}.
     */
    public static final String SENDER_NOTICE = "JukibusSenderNotice";
    /** On a dead letter whose sender was told: when (this node's clock). */
    public static final String SENDER_TOLD_AT = "JukibusSenderToldAt";
    /**
     * On a dead letter whose sender is owed a notice that cannot be made (it left the directory, its certificate was
     * revoked): why, as the owed-notice round found it. Set once with an ERROR and an operation log line
     * (SENDER_NOT_TOLD), then tried again once a week without either, until it is told or purged. On a dead letter marked
     * NONE by the owed-notice round: why nothing is owed.
     */
    public static final String SENDER_NOT_TOLD = "JukibusSenderNotTold";
    /** On a dead letter with {@link #SENDER_NOT_TOLD}: when its notice was last tried (epoch milliseconds, node clock). */
    public static final String SENDER_NOT_TOLD_AT_MILLIS = "JukibusSenderNotToldAtMillis";
    /**
     * On a message this node queued for a peer: how long it is worth sending (a duration, e.g. {@code 5m}) from its
     * created-at; older, the forwarder drops it instead of sending it late (a heartbeat). Not a broker time to live:
     * what expires in the broker goes to the dead-letter queue.
     */
    public static final String TIME_TO_LIVE = "JukibusTimeToLive";
    /**
     * Exchange property a scheduled sender's "make" sets when this tick has nothing to send and nothing to record:
     * the scheduled-send route stops there (flow-templates.yaml), rather than seal, split and record nothing five
     * times a second while the node is idle (receipt batches).
     */
    public static final String NOTHING_TO_SEND = "JukibusNothingToSend";
    /**
     * On a message this node queued for a peer without an envelope, because it could not seal it (an answer whose
     * recipient the directory does not list, or lists with a revoked certificate): the dead-letter reason the forwarder
     * refuses it with, {@code UNKNOWN_RECIPIENT} or {@code RECIPIENT_REVOKED} ({@link Answers}, {@link PeerForwarder}).
     * Its payload is kept ({@link SentPayloads}) for {@code jukibus dlq resend}, which seals it once the directory lists
     * the recipient.
     */
    public static final String NOT_SEALED = "JukibusNotSealed";
    /**
     * On an envelope that was parked while its peer was down ({@link ParkedEnvelopes}): when it was first put on the
     * outbound queue (epoch millis), so that its age survives the copies to the parking queue and back.
     */
    public static final String QUEUED_AT_MILLIS = "JukibusQueuedAtMillis";
    /**
     * On a parked envelope: why the recipient's broker refused it (its last refusal, bounded: the text is the peer's).
     * Only the refused envelopes of a peer are held back from the parking check ({@link ParkedEnvelopes#refusedBy});
     * not carried back to the outbound queue.
     */
    public static final String PEER_REFUSAL = "JukibusPeerRefusal";
    /** Artemis duplicate detection id: a second message with the same id is dropped by the broker. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /**
     * Who the broker authenticated as the producer: Artemis stores it as {@code _AMQ_VALIDATED_USER}
     * ({@code populate-validated-user} in broker.xml) and shows it to JMS consumers as this property.
     */
    public static final String VALIDATED_USER = "JMSXUserID";

    private Headers() {
    }
}
