package org.jukibus.link;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.ActiveMQConnectionTimedOutException;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionRolledBackException;
import org.junit.jupiter.api.Test;

/**
 * A batch's message the peer's broker refused fails alone; one whose line broke takes the line down with it (the
 * next attempt opens a fresh one).
 */
class PeerLinkTest {

    @Test
    void a_refused_or_rolled_back_transaction_is_not_a_broken_line_a_lost_or_silent_connection_is() {
        assertThat(PeerLink.lineBroke(jms(new ActiveMQTransactionRolledBackException("duplicate")))).isFalse();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQDuplicateIdException()))).isFalse();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQSecurityException("not allowed")))).isFalse();
        assertThat(PeerLink.lineBroke(new JMSException("no cause"))).isFalse();

        assertThat(PeerLink.lineBroke(jms(new ActiveMQNotConnectedException("gone")))).isTrue();
        assertThat(PeerLink.lineBroke(jms(new ActiveMQConnectionTimedOutException("no answer")))).isTrue();
    }

    private static JMSException jms(Exception cause) {
        JMSException e = new JMSException(cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
