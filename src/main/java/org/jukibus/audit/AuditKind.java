package org.jukibus.audit;

/** What an entry of the operation log records. */
public enum AuditKind {
    /** A legacy input was sealed and stored in this node's outbound queue. */
    MESSAGE_QUEUED,
    /** An envelope was stored by its recipient's broker (sent over a link). */
    MESSAGE_FORWARDED,
    /** An envelope for this node was verified, decrypted and handed to its flow (by default the legacy outbox). */
    MESSAGE_DELIVERED,
    /** A message failed for good and went to the dead-letter queue; the detail names the reason. */
    MESSAGE_DEAD_LETTERED,
    /**
     * A dead letter's sender is owed a non-delivery notice that cannot be made (it left the directory, its certificate
     * was revoked); recorded once per dead letter, which stays owed and says why in {@code jukibus dlq list}.
     */
    SENDER_NOT_TOLD,
    /** A message this node sent has no receipt or answer after {@code jukibus.receipts.overdue-after} (a warning). */
    RECEIPT_OVERDUE,
    /**
     * A message this node sent never had a receipt or answer, two outage windows after it was queued: reported to the
     * legacy system as not delivered ({@code UNANSWERED}) before its status is forgotten.
     */
    MESSAGE_UNANSWERED,
    /**
     * A message this node sent of a flow nobody answers (an update-count list, certificate info, change info, a
     * provision report) had no non-delivery notice two outage windows after it was queued: its delivery status is
     * forgotten (a notice after that is dead-lettered UNSOLICITED). No file: the legacy system of such a flow is told of a failure only.
     */
    MESSAGE_NO_FAILURE_REPORTED,
    /**
     * A legacy input of a flow that stays on this node was handled (a registration, a query at the counter). Only
     * the flow: such inputs can be small enough (a resident code) for a digest to give them away; the file and its
     * digest are in the transfer ledger.
     */
    LOCAL_INPUT_HANDLED,
    /**
     * Identity information was provided to a requester (本人確認情報の提供, 第6の8): the actor is {@code requester:<id>},
     * the detail names the purpose, the query id and how many persons; never who (that is in the node's provision log).
     */
    IDENTITY_PROVIDED,
    /** A query on the provision channel was refused; the detail names the error code and, when known, the requester. */
    PROVISION_REFUSED,
    /** An operator's action on the node (dead-letter replay or purge …); the actor names the operator. */
    OPERATION,
    /**
     * An identity update this node sent was not confirmed as sent (更新件数リスト, 第6の6): the receiver's
     * update-count list differs from what was sent (MISMATCH), or did not come by the cut-off (MISSING);
     * the detail says which.
     */
    RECONCILIATION_ALERT,
    /** Identity records past their retention were erased (本人確認情報の消去, 第6の7); the detail gives the count. */
    RECORDS_ERASED,
    /** An operator logged in with card and PIN (操作者の識別); the actor names the operator, the detail the card. */
    OPERATOR_LOGIN,
    /** A login refused: unknown, invalid or revoked card, wrong PIN, locked operator; the detail says which. */
    OPERATOR_LOGIN_REFUSED,
    /** An operator was locked after too many consecutive wrong PINs (standard 第4の4(8)). */
    OPERATOR_LOCKED,
    /** The responsible officer's signed unlock ended an operator's lock; the actor names the officer. */
    OPERATOR_UNLOCKED,
    /** An unlock the node did not accept (not signed by the officer, for another node, older than the lock). */
    OPERATOR_UNLOCK_REFUSED,
    /** An operator asked for an operation without the permission; the detail names the missing permission. */
    PERMISSION_DENIED,
    /** The operators' registration file is not acceptable (unsigned, changed, another officer's): nobody may log in. */
    OPERATORS_REFUSED,
    /** The node started (its routes run). */
    NODE_STARTED,
    /** The node stopped. */
    NODE_STOPPED,
    /** The node's clock was moved (its offset file changed); the detail gives the offset before and after. */
    CLOCK_MOVED,
    /**
     * The node started with its clock behind its operation log's last entry because {@code jukibus.audit.accept-clock-behind}
     * was set; the detail names both times (the entries' times go backwards from here).
     */
    CLOCK_BEHIND_ACCEPTED,
    /** The routes and broker configuration the node loads matched the officer's signed manifest; digest = the manifest's SHA-256. */
    ROUTES_APPROVED,
    /** The node refused to start: its routes or broker configuration are not what the officer approved. */
    ROUTES_REFUSED,
    /** The node started with {@code jukibus.approval.required=false}: its routes were not checked (development only). */
    APPROVAL_DISABLED,
    /** A program file this node runs that the last approved manifest it ran did not list (登録). */
    PROGRAM_REGISTERED,
    /** A program file this node runs whose approved content changed since the last approved manifest it ran. */
    PROGRAM_CHANGED,
    /** A program file the last approved manifest listed that this node no longer runs (抹消). */
    PROGRAM_REMOVED,
    /** The node found the end of its log torn by a crash (an entry never acknowledged) and cut it off. */
    LOG_RECOVERED,
    /** The node's signature over the chain head (the hash of the entry before): see {@link HashChainLog#seal()}. */
    SEAL
}
