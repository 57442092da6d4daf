package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Issue 14 B: a message without an authenticated producer is refused, never taken as a pass of the producer check. */
class InboundDeliveryTest {

    /** Nothing past the producer check is reached: the collaborators are not needed. */
    private final InboundDelivery delivery = new InboundDelivery(null, null, null, null, null, null, null, null);

    @Test
    void a_message_naming_no_validated_producer_is_refused_with_its_reason() {
        for (String producer : new String[] {null, "", " "}) {
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.setProperty(Headers.FLOW, "transfer-in");
            exchange.getIn().setBody(new byte[] {'<', 'x', '/', '>'});
            if (producer != null) {
                exchange.getIn().setHeader(Headers.VALIDATED_USER, producer);
            }

            assertThatThrownBy(() -> delivery.open(exchange)).isInstanceOfSatisfying(PermanentFailure.class,
                    e -> org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(InboundDelivery.PRODUCER_UNKNOWN))
                    .hasMessageContaining("transfer-in").hasMessageContaining(Headers.VALIDATED_USER);
        }
    }
}
