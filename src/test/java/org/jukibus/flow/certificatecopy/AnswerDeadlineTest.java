package org.jukibus.flow.certificatecopy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

import javax.sql.DataSource;

import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.jukibus.calendar.CalendarFile;
import org.jukibus.clock.NodeClock;
import org.jukibus.flow.LegacyInput;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The certificate-copy answer timeout counts operating time of the node's calendar: a request sent on Friday
 * 2027-01-08 at 17:00 with a 30-minute timeout and a 17:15 closing waits over the weekend and 成人の日 (Monday) and is
 * overdue on Tuesday at 08:45.
 */
class AnswerDeadlineTest {

    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final Instant FRIDAY_1700 = Instant.parse("2027-01-08T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void a_request_sent_before_the_weekend_and_a_holiday_is_overdue_after_30_operating_minutes() throws Exception {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        SentRequests sent = new SentRequests(new JdbcTemplate(store));
        Path calendar = dir.resolve("calendar.yaml");
        Files.copy(Path.of("docs/calendar-2027.yaml"), calendar);
        NodeClock clock = new NodeClock(Clock.fixed(FRIDAY_1700, TOKYO), Duration.ZERO);
        RequestHandler handler = new RequestHandler(sent, new ReceivedRequests(new JdbcTemplate(store)), Duration.ofMinutes(30),
                new CalendarFile(calendar, TOKYO), clock);

        handler.queued(new LegacyInput(CertificateCopyFlow.REQUEST, "request.xml",
                SecureXml.parse(Files.readAllBytes(Path.of("docs/samples/certificate-copy-request.xml"))), "m-friday", "271004"));

        Instant tuesday0845 = LocalDateTime.parse("2027-01-12T08:45").atZone(TOKYO).toInstant();
        assertThat(sent.byMessageId("m-friday").orElseThrow().deadline()).isEqualTo(tuesday0845);
        assertThat(sent.overdue(LocalDateTime.parse("2027-01-11T17:00").atZone(TOKYO).toInstant())).as("on the holiday").isEmpty();
        assertThat(sent.overdue(tuesday0845)).extracting(SentRequests.SentRequest::messageId).containsExactly("m-friday");
    }
}
