package org.jukibus.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Map;

import javax.sql.DataSource;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.core.NodeRole;
import org.jukibus.store.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every legacy file with personal data goes after the retention: kept answers and reports that stand alone too. */
class LegacyFilesErasureTest {

    static final Instant KEPT_AT = Instant.parse("2021-03-01T10:00:00Z");
    static final Instant AS_OF = Instant.parse("2026-12-06T00:00:00Z"); // more than 5 years later

    @TempDir
    Path legacy;

    @Test
    void a_kept_file_its_report_and_lone_reports_are_erased_after_the_retention_and_newer_ones_stay() throws Exception {
        DataSource store = TestStores.fresh(NodeRole.MUNICIPAL);
        Clock then = Clock.fixed(KEPT_AT, ZoneOffset.UTC);
        ErrorReports reports = new ErrorReports(legacy, then, new TransferLedger(store, then));
        Path kept = reports.keep("certificate-copy", "late-answer.xml",
                "<Answer><ResidentCode>60000000020</ResidentCode></Answer>".getBytes(StandardCharsets.UTF_8),
                ErrorCode.FAILED, "the answer came after the request timed out");
        Path timeout = reports.reportAs("certificate-copy", "R-1.xml.timeout", ErrorCode.FAILED,
                Map.of("problem", "no answer from 271004 for 60000000020"));
        Files.setLastModifiedTime(timeout, FileTime.from(KEPT_AT));
        Path recent = reports.reportAs("certificate-copy", "R-2.xml.timeout", ErrorCode.FAILED, Map.of("problem", "no answer"));
        Files.setLastModifiedTime(recent, FileTime.from(AS_OF.minusSeconds(86_400)));

        int erased = new LegacyFilesErasure(legacy, new JdbcTemplate(store), Period.ofYears(5)).eraseAsOf(AS_OF);

        assertThat(kept).doesNotExist();
        assertThat(kept.resolveSibling("late-answer.xml.error")).doesNotExist();
        assertThat(timeout).doesNotExist();
        assertThat(recent).as("last written a day ago").exists();
        assertThat(erased).isEqualTo(2);
        assertThat(new JdbcTemplate(store).queryForObject("select count(*) from transfer_ledger", Integer.class)).isZero();
    }
}
