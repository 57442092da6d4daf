package org.jukibus.adapter.file;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.junit.jupiter.api.Test;
import org.springframework.jms.UncategorizedJmsException;

class ErrorReportsTest {

    /** A send refused at the broker's disk bound reached the .error report as "Uncategorized exception ...". */
    @Test
    void a_failed_local_send_is_reported_with_the_brokers_reason_not_springs_wrapper() {
        JMSException jms = new JMSException("refused");
        jms.initCause(new ActiveMQAddressFullException("the broker's disk is at its bound, send refused"));
        RuntimeException wrapped = new RuntimeException("route failed", new UncategorizedJmsException(jms));

        assertThat(ErrorReports.problemOf(new UncategorizedJmsException(jms))).contains("disk is at its bound");
        assertThat(ErrorReports.problemOf(wrapped)).contains("disk is at its bound");
        assertThat(ErrorReports.problemOf(new IllegalStateException("schema"))).isEqualTo("schema");
    }
}
