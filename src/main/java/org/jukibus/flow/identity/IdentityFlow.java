package org.jukibus.flow.identity;

import java.util.List;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.FlowPackage;

import org.jukibus.flow.BusinessKey;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.core.NodeRole;

/**
 * The two flows of 本人確認情報の通知及び記録 (identity updates, standard 第6の6). No receipts: the
 * update-count list is the receiver's signed confirmation.
 */
public final class IdentityFlow extends FlowPackage {

    /** Flow name of the identity update: municipality → its prefecture, delegating prefecture → central. */
    public static final String UPDATE_NAME = "identity-update";
    /** Flow name of the update-count list: back to the update's sender. */
    public static final String COUNT_LIST_NAME = "update-count-list";
    /** Legacy outbox folder of the reconciliation reports: {@code legacy/outbox/identity-update-reconciliation/}. */
    public static final String RECONCILIATION_FOLDER = "identity-update-reconciliation";

    /**
     * The identity update. Legacy files come only from municipalities (to their prefecture, hence the
     * recipient role); a delegating prefecture's node makes the updates it sends to central itself.
     * A batch has no id: it is keyed by its content, and a record that changes is a new change (a
     * CORRECTION record supersedes the one before at the prefecture).
     */
    public static final FlowDefinition UPDATE = new FlowDefinition(UPDATE_NAME, IdentityUpdate.TYPE,
            "Sender", "Recipient", NodeRole.PREFECTURE, false, BusinessKey.CONTENT);

    /** The update-count list; never from a legacy file (no recipient role). */
    public static final FlowDefinition COUNT_LIST = new FlowDefinition(COUNT_LIST_NAME, UpdateCountList.TYPE,
            "Sender", "Recipient", null, false);

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public IdentityFlow() {
        super(List.of(UPDATE, COUNT_LIST),
                List.of(PayloadType.of("IdentityUpdate", "identity-update.xsd", "urn:jukibus:identity-update:1"),
                        PayloadType.of("UpdateCountList", "update-count-list.xsd", "urn:jukibus:update-count-list:1")),
                List.of(IdentityConfiguration.class));
    }
}
