package org.jukibus.operators;

import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * What an operator may do to the node's Artemis broker through Jolokia (Hawtio's JMX tab, Artemis's own console at
 * {@code /console/}), by the broker MBean operation's name. Reading what the broker is (queues, addresses, counts,
 * consumers, connections) is {@link Kind#READ}. Reading messages is {@link Kind#BROWSE}: their headers may carry
 * resident-related ids, so it needs {@code dlq.read} for the queue's flow and is written to the operation log. Every
 * other operation changes the broker (deleting, purging, creating, sending, moving, retrying, pausing, resetting,
 * closing) and is {@link Kind#REFUSED} for every operator: the broker knows neither flows nor the operation log, so the
 * node's own dead-letter operations ({@code org.jukibus:type=DeadLetters}, {@code jukibus dlq}) do that instead, per
 * flow and logged.
 */
public final class BrokerOperations {

    /** The domain of Artemis's MBeans ({@code org.apache.activemq.artemis:broker="jukibus-<code>",...}). */
    public static final String DOMAIN = "org.apache.activemq.artemis";

    /** A flow's inbound queue; every other queue (outbound, dead letters, receipts) holds every flow's messages. */
    private static final String INBOUND = "jukibus.inbound.";

    /**
     * Reads messages (Artemis 2.40's control interfaces): a queue's browse, listMessages, listScheduledMessages,
     * listDeliveringMessages (also as JSON), getFirstMessageAsJSON (an attribute too); the broker's prepared transactions
     * with their messages. Named one by one: getNumberOfMessages or getMaxPageReadMessages are counts and settings.
     */
    private static final Pattern BROWSE = Pattern.compile("browse|getFirstMessageAsJSON"
            + "|list(Scheduled|Delivering)?Messages(AsJSON)?|listPreparedTransactionDetails(AsJSON|AsHTML)");
    /** Reads the broker's state: getters, lists (of queues, consumers, counters ...), counts, flags. */
    private static final Pattern READ = Pattern.compile("(get|list|count|is)[A-Z]\\w*");

    /** How an operation is treated. */
    public enum Kind { READ, BROWSE, REFUSED }

    private BrokerOperations() {
    }

    /** Whether {@code name} is one of the broker's MBeans. */
    public static boolean isBroker(ObjectName name) {
        return name != null && DOMAIN.equals(name.getDomain());
    }

    /** How reading an attribute is treated: as its getter ({@code FirstMessageAsJSON} holds a message). */
    public static Kind attributeKind(String attribute) {
        return kind("get" + attribute) == Kind.BROWSE ? Kind.BROWSE : Kind.READ;
    }

    /**
     * @param operation the operation's name as Jolokia gives it, with or without its signature
     *                  ({@code listMessages(java.lang.String)})
     */
    public static Kind kind(String operation) {
        String bare = operation == null ? "" : operation.replaceFirst("\\(.*$", "").trim();
        if (BROWSE.matcher(bare).matches()) {
            return Kind.BROWSE;
        }
        return READ.matcher(bare).matches() ? Kind.READ : Kind.REFUSED;
    }

    /** The flow whose messages a queue MBean holds, or {@link Permission#ANY_FLOW} (a broker-wide or shared queue). */
    public static String flow(ObjectName name) {
        String queue = name == null ? null : unquoted(name.getKeyProperty("queue"));
        return queue != null && queue.startsWith(INBOUND) && queue.length() > INBOUND.length()
                ? queue.substring(INBOUND.length()) : Permission.ANY_FLOW;
    }

    /** The queue (or address, or the broker) an MBean stands for, for the operation log. */
    public static String target(ObjectName name) {
        for (String key : new String[] {"queue", "address", "broker"}) {
            String value = name.getKeyProperty(key);
            if (value != null) {
                return key + " " + unquoted(value);
            }
        }
        return name.getCanonicalName();
    }

    /** Artemis quotes the values of its MBean names ({@code queue="jukibus.dlq"}). */
    private static String unquoted(String value) {
        return value != null && value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }
}
