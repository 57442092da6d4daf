package org.jukibus.operators;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing a registered operator may do on a node (権限, standard 第4の4(5)): {@code dlq.read}, {@code dlq.replay}
 * or {@code dlq.purge} on one flow's dead letters or on every flow's ({@code :*}); {@code status} (the node status
 * board at central); {@code provision} (the provision operations at a prefecture or central node); {@code management}
 * (Hawtio, and Jolokia on MBeans other than jukibus's own, which check their own permissions); {@code terminal:<task>}
 * (one task of the counter terminal, {@code org.jukibus.terminal}, or {@code terminal:*} for every task).
 *
 * @param operation the operation kind
 * @param flow      the flow (for {@code terminal}: the task), {@code *} for every one, or null for operations not about one
 */
public record Permission(String operation, String flow) {

    public static final String DLQ_READ = "dlq.read";
    public static final String DLQ_REPLAY = "dlq.replay";
    public static final String DLQ_PURGE = "dlq.purge";
    public static final String STATUS = "status";
    public static final String MANAGEMENT = "management";
    /** The provision operations (本人確認情報の提供, 第6の8): requesters, bulk approvals, disclosure, log erasure. */
    public static final String PROVISION = "provision";
    /** A task of the counter terminal (端末機): {@code terminal:card-check}, {@code terminal:*}. */
    public static final String TERMINAL = "terminal";
    /** Every flow. */
    public static final String ANY_FLOW = "*";

    private static final Pattern SYNTAX = Pattern.compile(
            "(dlq\\.read|dlq\\.replay|dlq\\.purge|terminal):(\\*|[a-z][a-z0-9-]{0,63})|(status|management|provision)");

    /** Reads {@code dlq.replay:transfer-in}, {@code dlq.read:*}, {@code terminal:card-check}, {@code status}, {@code management}. */
    public static Permission parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad permission '" + text + "': expected dlq.read|dlq.replay|dlq.purge"
                    + ":<flow or *>, terminal:<task or *>, status, management or provision");
        }
        return m.group(3) != null ? new Permission(m.group(3), null) : new Permission(m.group(1), m.group(2));
    }

    /** Whether this permission allows {@code wanted}; a wanted flow of {@code *} (every flow) needs {@code :*}. */
    public boolean allows(Permission wanted) {
        return operation.equals(wanted.operation)
                && (flow == null || flow.equals(ANY_FLOW) || flow.equals(wanted.flow));
    }

    @Override
    public String toString() {
        return flow == null ? operation : operation + ":" + flow;
    }
}
