package org.jukibus.terminal.task;

/**
 * Which of the shared intake routes of {@code routes/common/flow-templates.yaml} a flow's input goes through: the
 * same one its drop folder's template calls (legacy-intake, legacy-batch-intake, legacy-local).
 */
public enum EntryRoute {
    /** Checked, sealed and sent as one message ({@code legacy-intake}). */
    SEND("direct:legacy-send"),
    /** Checked as a whole, split by the flow and sent as one or more messages ({@code legacy-batch-intake}). */
    SEND_PARTS("direct:legacy-send-parts"),
    /** Handled on this node: a registration ({@code legacy-local}). */
    HANDLE("direct:legacy-handle");

    private final String endpoint;

    EntryRoute(String endpoint) {
        this.endpoint = endpoint;
    }

    public String endpoint() {
        return endpoint;
    }
}
