package org.jukibus.operators;

import static org.assertj.core.api.Assertions.assertThat;

import javax.management.ObjectName;

import org.jukibus.operators.BrokerOperations.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which broker MBean operations Artemis's console and Hawtio's JMX tab may run through Jolokia. */
class BrokerOperationsTest {

    @ParameterizedTest
    @ValueSource(strings = {"listQueues(java.lang.String,int,int)", "listAddresses", "countMessages()",
            "countMessages(java.lang.String)", "listMessageCounter", "listMessageCounterHistoryAsJSON",
            "getFirstMessageAge", "isPaused", "listConsumersAsJSON", "listNetworkTopology", "getAddressSettingsAsJSON",
            "getNumberOfMessages", "getMaxPageReadMessages", "getPrefetchPageMessages", "listMessageCounterAsHTML"})
    void what_the_broker_is_can_be_read(String operation) {
        assertThat(BrokerOperations.kind(operation)).isEqualTo(Kind.READ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"browse", "browse(int,int,java.lang.String)", "listMessages(java.lang.String)",
            "listMessagesAsJSON", "getFirstMessageAsJSON()", "listScheduledMessagesAsJSON", "listDeliveringMessages",
            "listDeliveringMessagesAsJSON", "listPreparedTransactionDetailsAsJSON", "listPreparedTransactionDetailsAsHTML"})
    void reading_messages_is_browsing(String operation) {
        assertThat(BrokerOperations.kind(operation)).isEqualTo(Kind.BROWSE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deleteQueue", "destroyQueue(java.lang.String,boolean)", "deleteAddress", "createQueue",
            "createAddress", "removeMessages", "removeAllMessages", "removeMessage", "sendMessage", "moveMessages",
            "moveMessage", "retryMessages", "retryMessage", "pause", "resume", "resetMessageCounter",
            "closeConnectionsForAddress", "expireMessages", "changeMessagePriority", "forceFailover", ""})
    void every_change_to_the_broker_is_refused(String operation) {
        assertThat(BrokerOperations.kind(operation)).isEqualTo(Kind.REFUSED);
    }

    @Test
    void the_attribute_holding_the_first_message_is_browsing_and_counts_are_not() {
        assertThat(BrokerOperations.attributeKind("FirstMessageAsJSON")).isEqualTo(Kind.BROWSE);
        assertThat(BrokerOperations.attributeKind("MessageCount")).isEqualTo(Kind.READ);
        assertThat(BrokerOperations.attributeKind("NumberOfMessages")).isEqualTo(Kind.READ);
        assertThat(BrokerOperations.attributeKind("Paused")).isEqualTo(Kind.READ);
    }

    @Test
    void an_inbound_queue_belongs_to_its_flow_and_every_other_queue_to_every_flow() throws Exception {
        assertThat(BrokerOperations.flow(queue("jukibus.inbound.transfer-in"))).isEqualTo("transfer-in");
        assertThat(BrokerOperations.flow(queue("jukibus.dlq"))).isEqualTo(Permission.ANY_FLOW);
        assertThat(BrokerOperations.flow(queue("jukibus.outbound"))).isEqualTo(Permission.ANY_FLOW);
        assertThat(BrokerOperations.flow(new ObjectName("org.apache.activemq.artemis:broker=\"jukibus-27100\"")))
                .isEqualTo(Permission.ANY_FLOW);
        assertThat(BrokerOperations.target(queue("jukibus.dlq"))).isEqualTo("queue jukibus.dlq");
    }

    @Test
    void only_artemis_mbeans_are_the_broker() throws Exception {
        assertThat(BrokerOperations.isBroker(queue("jukibus.dlq"))).isTrue();
        assertThat(BrokerOperations.isBroker(new ObjectName("org.jukibus:node=27100,type=DeadLetters"))).isFalse();
        assertThat(BrokerOperations.isBroker(null)).isFalse();
    }

    private static ObjectName queue(String name) throws Exception {
        return new ObjectName("org.apache.activemq.artemis:broker=\"jukibus-27100\",component=addresses,address=\""
                + name + "\",subcomponent=queues,routing-type=\"anycast\",queue=\"" + name + "\"");
    }
}
