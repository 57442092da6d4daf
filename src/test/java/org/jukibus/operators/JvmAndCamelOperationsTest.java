package org.jukibus.operators;

import static org.assertj.core.api.Assertions.assertThat;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

/** What no operator may run through Jolokia outside the broker: sending, browsing, loading routes, dumping memory. */
class JvmAndCamelOperationsTest {

    static String refusal(String name, String operation) throws Exception {
        return JvmAndCamelOperations.refusal(new ObjectName(name), operation);
    }

    @Test
    void camel_sends_browses_and_route_loading_are_refused_reading_and_starting_routes_is_not() throws Exception {
        String context = "org.apache.camel:context=jukibus-131041,type=context,name=\"jukibus-131041\"";
        String dlq = "org.apache.camel:context=jukibus-131041,type=endpoints,name=\"jms://queue:jukibus.dlq\"";
        assertThat(refusal(context, "sendBody(java.lang.String,java.lang.Object)")).contains("approved programs");
        assertThat(refusal(context, "requestBodyAndHeaders")).isNotNull();
        assertThat(refusal(context, "addOrUpdateRoutesFromXml(java.lang.String)")).isNotNull();
        assertThat(refusal(context, "createEndpoint")).isNotNull();
        assertThat(refusal(dlq, "browseAllMessagesAsXml(java.lang.Boolean)")).contains("jukibus dlq show");
        assertThat(refusal(dlq, "browseMessageAsJSon")).isNotNull();
        assertThat(refusal("org.apache.camel:context=jukibus-131041,type=routes,name=\"forward-outbound\"", "updateRouteFromXml"))
                .isNotNull();

        assertThat(refusal(context, "getExchangesTotal")).isNull();
        assertThat(refusal("org.apache.camel:context=jukibus-131041,type=routes,name=\"forward-outbound\"", "start")).isNull();
        assertThat(refusal("org.apache.camel:context=jukibus-131041,type=routes,name=\"forward-outbound\"", "dumpRouteAsXml")).isNull();
    }

    @Test
    void heap_dumps_and_diagnostic_commands_are_refused() throws Exception {
        assertThat(refusal("com.sun.management:type=HotSpotDiagnostic", "dumpHeap(java.lang.String,boolean)")).contains("private keys");
        assertThat(refusal("com.sun.management:type=HotSpotDiagnostic", "setVMOption")).isNotNull();
        assertThat(refusal("com.sun.management:type=HotSpotDiagnostic", "getVMOption")).isNull();
        assertThat(refusal("com.sun.management:type=DiagnosticCommand", "gcHeapDump([Ljava.lang.String;)")).isNotNull();
        assertThat(refusal("java.lang:type=Memory", "gc")).isNull();
    }
}
