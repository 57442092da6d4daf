package org.jukibus.flow;

import org.jukibus.core.NodeRole;

/**
 * What distinguishes one notification flow from another; everything else (intake, sealing,
 * forwarding, delivery, receipts, dead letters) is the same code for every flow.
 *
 * @param name             the flow's id in folders, queues and routes, e.g. {@code transfer-in}
 * @param messageType      the envelope type and payload root element, e.g. {@code TransferInNotice}
 * @param senderElement    payload element naming the sending node's code (must be this node)
 * @param recipientElement payload element naming the recipient node's code
 * @param recipientRole    the role the recipient must have in the directory
 * @param receipt          whether the recipient answers with a signed receipt
 * @param businessKey      what makes two legacy input files the same message (a second is refused as DUPLICATE);
 *                         documented per flow in docs/legacy-files.md
 * @param monitoring       whether the flow carries monitoring traffic (heartbeats, node-status alerts): about nodes,
 *                         never about a resident, and every minute from every node, so a delivery of it is neither
 *                         kept as evidence nor written to the operation log (at central that would be millions of
 *                         files and lines a day, kept for years)
 */
public record FlowDefinition(String name, String messageType, String senderElement, String recipientElement,
                             NodeRole recipientRole, boolean receipt, BusinessKey businessKey, boolean monitoring) {

    /** A flow of business messages: each delivery kept as evidence and written to the operation log. */
    public FlowDefinition(String name, String messageType, String senderElement, String recipientElement,
                          NodeRole recipientRole, boolean receipt, BusinessKey businessKey) {
        this(name, messageType, senderElement, recipientElement, recipientRole, receipt, businessKey, false);
    }

    /** A flow whose legacy inputs (if it takes any) are told apart by their whole content ({@link BusinessKey#CONTENT}). */
    public FlowDefinition(String name, String messageType, String senderElement, String recipientElement,
                          NodeRole recipientRole, boolean receipt) {
        this(name, messageType, senderElement, recipientElement, recipientRole, receipt, BusinessKey.CONTENT);
    }

    /** The address on the recipient's broker that this flow's messages go to. */
    public String inboundAddress() {
        return INBOUND_PREFIX + name;
    }

    private static final String INBOUND_PREFIX = "jukibus.inbound.";

    /** The flow whose inbound address this is, or null. */
    public static String flowOfAddress(String address) {
        return address != null && address.startsWith(INBOUND_PREFIX) ? address.substring(INBOUND_PREFIX.length()) : null;
    }
}
