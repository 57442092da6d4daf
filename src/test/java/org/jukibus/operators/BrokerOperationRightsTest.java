package org.jukibus.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.SecurityContextHolder;

/** What Hawtio's and Artemis's consoles are told the logged-in operator may invoke on the broker. */
class BrokerOperationRightsTest {

    static final String DLQ = queue("jukibus.dlq");
    static final String TRANSFER_IN = queue("jukibus.inbound.transfer-in");
    static final String BROKER = "org.apache.activemq.artemis:broker=\"jukibus-271004\"";

    final BrokerOperationRights rights = new BrokerOperationRights();

    @AfterEach
    void logOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void browsing_is_offered_for_the_flows_the_operator_may_read_and_changes_to_nobody() throws Exception {
        logIn("management", "dlq.read:transfer-in", "dlq.replay:*", "dlq.purge:*");
        assertThat(rights.canInvoke(TRANSFER_IN, "browse(int,int,java.lang.String)")).isTrue();
        assertThat(rights.canInvoke(DLQ, "browse(int,int,java.lang.String)")).as("the DLQ: dlq.read:*").isFalse();
        assertThat(rights.canInvoke(DLQ, "countMessages()")).isTrue();
        assertThat(rights.canInvoke(DLQ, "removeAllMessages()")).as("even with dlq.purge:*").isFalse();
        assertThat(rights.canInvoke(DLQ, "retryMessages()")).as("even with dlq.replay:*").isFalse();
        assertThat(rights.canInvoke(BROKER, "destroyQueue(java.lang.String)")).isFalse();
        assertThat(rights.canInvoke(BROKER, "listQueues(java.lang.String,int,int)")).isTrue();
        assertThat(rights.canInvoke("org.jukibus:node=271004,type=DeadLetters", "purge(java.lang.String,boolean)"))
                .as("jukibus's MBeans check per flow when run").isTrue();
        assertThat(rights.canInvoke(DLQ)).isTrue();
    }

    @Test
    void the_bulk_answer_has_a_row_per_operation() throws Exception {
        logIn("management", "dlq.read:*");
        TabularData answer = rights.canInvoke(Map.of(DLQ, List.of("browse(int,int,java.lang.String)", "removeAllMessages()",
                "sendMessage(java.util.Map,int,java.lang.String,boolean,java.lang.String,java.lang.String,boolean)")));
        assertThat(answer.values()).hasSize(3);
        assertThat(row(answer, "browse(int,int,java.lang.String)").get("CanInvoke")).isEqualTo(true);
        assertThat(row(answer, "removeAllMessages()").get("CanInvoke")).isEqualTo(false);
        assertThat(row(answer, "sendMessage(java.util.Map,int,java.lang.String,boolean,java.lang.String,java.lang.String,boolean)")
                .get("CanInvoke")).isEqualTo(false);
    }

    private static CompositeData row(TabularData answer, String method) {
        return answer.get(new Object[] {DLQ, method});
    }

    private static void logIn(String... permissions) {
        Set<Permission> granted = new java.util.HashSet<>();
        for (String p : permissions) {
            granted.add(Permission.parse(p));
        }
        RegisteredOperator operator = new RegisteredOperator("watcher", "監視担当者", "00", Pins.hash("1234".toCharArray()), granted);
        SecurityContextHolder.getContext().setAuthentication(new OperatorAuthentication(operator, null));
    }

    private static String queue(String name) {
        return "org.apache.activemq.artemis:broker=\"jukibus-271004\",component=addresses,address=\"" + name
                + "\",subcomponent=queues,routing-type=\"anycast\",queue=\"" + name + "\"";
    }
}
