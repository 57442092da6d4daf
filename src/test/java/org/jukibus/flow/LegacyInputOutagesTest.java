package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jukibus.adapter.file.DuplicateFileException;
import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.WaitingFiles;
import org.jukibus.audit.OperationLogUnwritable;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jms.UncategorizedJmsException;

/** Which failed legacy inputs wait in their drop folder (an outage a later try cures) and which are refused. */
class LegacyInputOutagesTest {

    private final LegacyInputOutages outages = new LegacyInputOutages();

    @Test
    void the_store_down_and_the_operation_log_unwritable_wait_with_their_cause() {
        Exchange storeDown = failed(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLException("Connection to 127.0.0.1:5432 refused", "08001")));
        assertThat(outages.waits(storeDown)).isTrue();
        assertThat(storeDown.getProperty(WaitingFiles.WAITS, String.class)).startsWith("CannotGetJdbcConnectionException: ");

        Exchange logFull = failed(new OperationLogUnwritable("the operation log stopped", new IOException("No space left on device")));
        assertThat(outages.waits(logFull)).isTrue();
        assertThat(logFull.getProperty(WaitingFiles.WAITS, String.class)).startsWith("AUDIT_UNWRITABLE: ");

        Exchange folderWaits = failed(new WaitingFiles.FolderWaiting("transfer-in waits for the node: store down"));
        assertThat(outages.waits(folderWaits)).isTrue();
    }

    @Test
    void a_fault_of_the_file_or_a_bug_is_refused() {
        Exchange schema = failed(new LegacyInputException(ErrorCode.SCHEMA, "NoticeId is missing"));
        assertThat(outages.waits(schema)).isFalse();
        assertThat(schema.getProperty(WaitingFiles.WAITS)).isNull();
        assertThat(outages.waits(failed(new DuplicateFileException("DUPLICATE: sent before")))).isFalse();
        assertThat(outages.waits(failed(new IllegalStateException("a bug")))).isFalse();
        assertThat(outages.waits(failed(new UncategorizedJmsException("refused", new jakarta.jms.JMSException("AMQ229017: queue not found")))))
                .as("a broker refusal that is no disk bound").isFalse();
    }

    @Test
    void a_file_part_of_which_was_sent_is_refused_with_its_report_not_left_waiting() {
        Exchange partlySent = failed(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection"));
        partlySent.setProperty(org.jukibus.adapter.file.ErrorReports.SENT, java.util.Map.of("m-1", "message m-1 to 271004"));
        assertThat(outages.waits(partlySent)).as("a file in the inbox has never been sent").isFalse();
        assertThat(partlySent.getProperty(WaitingFiles.WAITS)).isNull();
    }

    private static Exchange failed(Exception failure) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setException(failure);
        return exchange;
    }
}
