package org.jukibus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.sql.DataSource;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Session;

import org.jukibus.erasure.CertainErasure;
import org.jukibus.evidence.EvidenceStore;
import org.jukibus.flow.Headers;
import org.jukibus.flow.ResidentCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Certain erasure (確実な消去, 第6の7): a person whose traces are past their retention is gone from everything two
 * municipal nodes keep, and one still inside it is still there. Shinjuku sends each person's transfer-in notice to
 * Osaka-shi (Shinjuku keeps the sent/ copy, Osaka-shi the outbox payload and the signed envelope as evidence, both the
 * ledger rows), Shinjuku holds identity and special-transfer records about them, Osaka-shi a dead letter carrying the
 * person. The old person's traces are made at the start, the recent one's 40 days later (node clocks moved); the
 * erasure runs as of 5 years and 20 days after the start. Then every file of both homes (zip and gzip opened) and
 * every row of both stores, as text, are searched for the resident codes.
 */
class CertainErasureIT {

    static final String SHINJUKU = "131041";
    static final String OSAKA = "271004";
    static final String OLD = ResidentCode.of(7300000001L);
    static final String RECENT = ResidentCode.of(7300000002L);

    @TempDir
    static Path root;
    static TestNetwork net;

    @BeforeAll
    static void startNetwork() throws Exception {
        net = TestNetwork.provision(root, "13", "27", SHINJUKU, OSAKA).start();
    }

    @AfterAll
    static void stopNetwork() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void after_erasure_as_of_a_later_time_no_file_or_row_of_either_node_names_the_expired_person() throws Exception {
        String oldMessage = leaveTraces("NOLD", OLD);
        net.moveClock(Duration.ofDays(40));
        String recentMessage = leaveTraces("NRECENT", RECENT);
        for (String code : List.of(SHINJUKU, OSAKA)) {
            assertThat(traces(code, OLD)).as("before erasure, at " + code).isNotEmpty();
        }

        net.moveClock(Duration.ofDays(5 * 365 + 1 + 20));
        for (String code : List.of(SHINJUKU, OSAKA)) {
            Map<String, Integer> counts = net.context(code).getBean(CertainErasure.class).erase();
            assertThat(counts).as(code).containsKeys("legacy files", "dead letters", "evidence envelopes");
        }

        for (String code : List.of(SHINJUKU, OSAKA)) {
            assertThat(traces(code, OLD)).as("the expired person at " + code).isEmpty();
            assertThat(traces(code, RECENT)).as("the person inside retention at " + code).isNotEmpty();
        }
        Path evidence = net.node(OSAKA).home().resolve(EvidenceStore.FOLDER);
        assertThat(EvidenceStore.find(evidence, oldMessage)).isEmpty();
        assertThat(EvidenceStore.find(evidence, recentMessage)).hasSize(1);
        // the recent envelope still verifies five years on, with the CRL and directory of its day
        java.io.StringWriter out = new java.io.StringWriter();
        int exit = new picocli.CommandLine(new org.jukibus.Jukibus()).setOut(new java.io.PrintWriter(out)).setErr(new java.io.PrintWriter(out))
                .execute("evidence", "verify", recentMessage, "--home", net.node(OSAKA).home().toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("verified: message " + recentMessage).contains("signed by " + SHINJUKU);
        exit = new picocli.CommandLine(new org.jukibus.Jukibus()).setOut(new java.io.PrintWriter(out)).setErr(new java.io.PrintWriter(out))
                .execute("evidence", "verify", oldMessage, "--home", net.node(OSAKA).home().toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("NOT_KEPT");
    }

    /** Every trace of a person the two nodes get; returns the id of the transfer-in notice as Osaka-shi received it. */
    private static String leaveTraces(String noticeId, String residentCode) throws Exception {
        Instant now = net.context(SHINJUKU).getBean(Clock.class).instant();
        net.drop(SHINJUKU, "transfer-in", noticeId + ".xml", Notices.transferIn(noticeId, residentCode, SHINJUKU, OSAKA));
        await().atMost(Duration.ofSeconds(90)).until(() -> outboxFile(OSAKA, "transfer-in", residentCode) != null);
        String messageId = outboxFile(OSAKA, "transfer-in", residentCode).getFileName().toString()
                .replaceAll("^[0-9]+-(.+)\\.xml$", "$1");
        await().atMost(Duration.ofSeconds(60)).until(() -> net.files(SHINJUKU, "outbox", "receipt").stream()
                .anyMatch(f -> read(f).contains(messageId)));
        Timestamp at = Timestamp.from(now);
        JdbcTemplate shinjuku = store(SHINJUKU);
        shinjuku.update("""
                insert into identity_record (resident_code, name, birth_date, sex, address, change_reason, change_date,
                                             municipality_code, recorded_at)
                values (?, '住基 太郎', date '1980-01-15', '1', '新住所 一丁目1番1号', 'TRANSFER_OUT', date '2020-04-01', ?, ?)""",
                residentCode, SHINJUKU, at);
        shinjuku.update("""
                insert into transfer_out_certificate (registration_id, resident_code, name, birth_date, sex, address, household_head,
                    relationship, planned_transfer_out_date, new_address, card_number, old_municipality, registered_at, source_file)
                values (?, ?, '住基 太郎', date '1980-01-15', '1', '住所', '住基 太郎', '本人', date '2020-04-01', '新住所', ?, ?, ?, 'f.xml')""",
                "R" + residentCode, residentCode, "C" + residentCode, SHINJUKU, at);
        // a household member of the registration (V140) refers to it: the member goes with the registration, and the
        // member row carries the person's code too, so the search below proves it is gone
        shinjuku.update("""
                insert into transfer_out_certificate_member (certificate_id, position, resident_code, name, birth_date, sex, relationship)
                select id, 1, ?, '住基 太郎', date '1980-01-15', '1', '本人' from transfer_out_certificate where registration_id = ?""",
                residentCode, "R" + residentCode);
        for (String status : List.of("ISSUED", "RETURNED")) {
            shinjuku.update("""
                    insert into resident_card_event (resident_code, card_number, status, status_date, registered_at, source_file)
                    values (?, ?, ?, date '2020-04-01', ?, 'card.xml')""", residentCode, "C" + residentCode, status,
                    Timestamp.from(now.plusSeconds(status.equals("ISSUED") ? 0 : 1)));
        }
        shinjuku.update("insert into first_transfer_in_sent (message_id, notice_id, resident_code, old_municipality, queued_at)"
                + " values (?, ?, ?, ?, ?)", java.util.UUID.randomUUID().toString(), "F" + noticeId, residentCode, OSAKA, at);
        deadLetter(OSAKA, residentCode, now);
        return messageId;
    }

    /** A dead letter carrying the person in clear, as a delivery that failed after opening leaves one. */
    private static void deadLetter(String code, String residentCode, Instant at) throws Exception {
        try (Connection c = net.local(code).createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(Notices.transferIn("D" + residentCode, residentCode, SHINJUKU, OSAKA));
            m.setStringProperty(Headers.FLOW, "transfer-in");
            m.setStringProperty(Headers.REJECT_REASON, "DELIVERY_FAILED");
            m.setStringProperty(Headers.REJECTED_AT, at.toString());
            m.setLongProperty(Headers.REJECTED_AT_MILLIS, at.toEpochMilli());
            s.createProducer(s.createQueue("jukibus.dlq")).send(m);
        }
    }

    private static Path outboxFile(String code, String flow, String residentCode) throws IOException {
        return net.files(code, "outbox", flow).stream().filter(f -> read(f).contains(residentCode)).findFirst().orElse(null);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // moved away while we looked
        }
    }

    private static JdbcTemplate store(String code) {
        return new JdbcTemplate(net.context(code).getBean(DataSource.class));
    }

    /** Where the resident code is found: files of the node's home (archives opened) and rows of its store (as text). */
    private static List<String> traces(String code, String residentCode) throws IOException {
        List<String> found = new ArrayList<>();
        byte[] utf8 = residentCode.getBytes(StandardCharsets.UTF_8);
        byte[] utf16 = residentCode.getBytes(StandardCharsets.UTF_16LE);
        try (Stream<Path> files = Files.walk(net.node(code).home())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException e) {
                    continue; // a temp file renamed while we looked
                }
                for (byte[] readable : opened(file.getFileName().toString(), content)) {
                    if (indexOf(readable, utf8) >= 0 || indexOf(readable, utf16) >= 0) {
                        found.add(file.toString());
                    }
                }
            }
        }
        JdbcTemplate store = store(code);
        for (String table : store.queryForList("select table_name from information_schema.tables where table_schema = current_schema()"
                + " and table_type = 'BASE TABLE'", String.class)) {
            Integer rows = store.queryForObject("select count(*) from \"" + table + "\" t where t::text like ?", Integer.class,
                    "%" + residentCode + "%");
            if (rows != null && rows > 0) {
                found.add("store table " + table + " (" + rows + " rows)");
            }
        }
        // binary columns (payloads kept as bytes) searched as bytes, not as their hex text
        for (Map<String, Object> column : store.queryForList("select table_name, column_name from information_schema.columns"
                + " where table_schema = current_schema() and data_type = 'bytea'")) {
            Integer rows = store.queryForObject("select count(*) from \"" + column.get("table_name") + "\" where position(? in \""
                    + column.get("column_name") + "\") > 0", Integer.class, (Object) utf8);
            if (rows != null && rows > 0) {
                found.add("store column " + column.get("table_name") + "." + column.get("column_name") + " (" + rows + " rows)");
            }
        }
        return found;
    }

    /** The file's bytes, and those of what it holds if it is a zip or gzip archive. */
    private static List<byte[]> opened(String name, byte[] content) throws IOException {
        List<byte[]> all = new ArrayList<>(List.of(content));
        if (content.length > 2 && content[0] == 0x1f && (content[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(content))) {
                all.add(in.readAllBytes());
            }
        } else if (content.length > 4 && content[0] == 'P' && content[1] == 'K') {
            try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(content))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    ByteArrayOutputStream entry = new ByteArrayOutputStream();
                    zip.transferTo(entry);
                    all.addAll(opened(e.getName(), entry.toByteArray()));
                }
            }
        }
        return all;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
