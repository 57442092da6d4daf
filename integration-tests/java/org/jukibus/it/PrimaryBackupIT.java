package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.jukibus.flow.ResidentCode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Primary/backup pair of a prefecture node (第4の9(2)), each server its own JVM: Tokyo's primary server
 * (directory primary endpoint) is live, its backup server (backup endpoint, same home and store) waits on
 * standby. Shinjuku streams transfer-out confirmations (receipted) to Tokyo; half-way the primary is killed
 * (SIGKILL); the backup takes over and Shinjuku's lines move to the backup endpoint. Afterwards every
 * confirmation is noted exactly once in the prefecture's store and every receipt came back once.
 *
 * <p>{@code -Djukibus.failover.confirmations=N} changes the stream (default 500).
 */
@Tag("slow")
class PrimaryBackupIT {

    static final int CONFIRMATIONS = Integer.getInteger("jukibus.failover.confirmations", 500);
    static final String PREFECTURE_STARTED = org.jukibus.logging.NodeReadyLog.marker(Codes.TOKYO_PREF, "prefecture");

    @RegisterExtension
    final ProcessNetwork net = new ProcessNetwork(TOKYO_PREF, SHINJUKU);

    @Test
    void the_backup_server_takes_over_when_the_primary_is_killed_and_every_confirmation_is_noted_once() throws Exception {
        net.node(TOKYO_PREF).properties().put("jukibus.ha.mode", "primary");
        Path primaryConfig = net.config(TOKYO_PREF);
        Path backupConfig = primaryConfig.resolveSibling("node-backup.properties");
        Files.writeString(backupConfig, Files.readString(primaryConfig, StandardCharsets.UTF_8)
                .replace("jukibus.ha.mode=primary", "jukibus.ha.mode=backup"), StandardCharsets.UTF_8);

        NodeProcess primary = net.start(TOKYO_PREF, primaryConfig, "primary", PREFECTURE_STARTED);
        primary.awaitStarted(Duration.ofSeconds(120));
        NodeProcess backup = net.start(TOKYO_PREF, backupConfig, "backup", PREFECTURE_STARTED);
        await().atMost(Duration.ofSeconds(60)).until(() -> backup.log().contains("on standby"));
        net.start(SHINJUKU).awaitStarted(Duration.ofSeconds(120));
        seedIdentityRecords();

        Path inbox = net.inbox(SHINJUKU, "transfer-out");
        Files.createDirectories(inbox);
        long killedAt = 0;
        long notedAtKill = 0;
        int dropped = 0;
        while (dropped < CONFIRMATIONS) {
            while (OutboxTally.count(inbox) > 100) {
                Thread.sleep(50);
            }
            for (int i = 0; i < 25 && dropped < CONFIRMATIONS; i++) {
                drop(inbox, dropped++);
            }
            if (killedAt == 0 && noted() >= CONFIRMATIONS / 3) {
                notedAtKill = noted();
                primary.kill();
                killedAt = System.nanoTime();
                System.out.printf("PrimaryBackupIT: primary killed at %d dropped / %d noted%n", dropped, notedAtKill);
            }
        }
        if (killedAt == 0) { // the legacy side was quicker than the prefecture: kill while the rest is on its way
            await().atMost(Duration.ofMinutes(5)).until(() -> noted() >= CONFIRMATIONS / 3);
            notedAtKill = noted();
            primary.kill();
            killedAt = System.nanoTime();
            System.out.printf("PrimaryBackupIT: primary killed after the last drop, %d noted%n", notedAtKill);
        }
        assertThat(notedAtKill).as("the primary was killed during the stream").isLessThan(CONFIRMATIONS);
        backup.awaitStarted(Duration.ofSeconds(180));
        long backupStarted = System.nanoTime();
        long notedBefore = notedAtKill;
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> noted() > notedBefore);
        long firstNotedByBackup = System.nanoTime();

        Path receipts = net.outbox(SHINJUKU, "receipt");
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() ->
                noted() >= CONFIRMATIONS && OutboxTally.count(receipts) >= CONFIRMATIONS);
        long drained = System.nanoTime();
        Thread.sleep(3000); // a second copy of anything would show now

        Map<String, Long> notes = notes();
        OutboxTally receiptTally = OutboxTally.of(receipts, OutboxTally.RECEIVED_MESSAGE_ID, null);
        long refused = OutboxTally.count(net.errors(SHINJUKU, "transfer-out"));
        long lost = CONFIRMATIONS - notes.get("residents");
        System.out.printf("""
                === PrimaryBackupIT: %d transfer-out confirmations %s -> prefecture %s (primary/backup pair) ===
                primary killed at  %d confirmations noted
                takeover           backup started its routes %.1f s after the kill, noted its first confirmation %.1f s after the kill
                prefecture store   %d notes, %d distinct confirmations, %d distinct residents: lost %d, duplicated %d
                receipts           back %d, distinct %d, duplicated %d
                input refused      %d
                drain after the takeover %.0f s
                """, CONFIRMATIONS, SHINJUKU, TOKYO_PREF, notedAtKill,
                (backupStarted - killedAt) / 1e9, (firstNotedByBackup - killedAt) / 1e9,
                notes.get("rows"), notes.get("confirmations"), notes.get("residents"), lost, notes.get("rows") - notes.get("confirmations"),
                receiptTally.files(), receiptTally.distinct(), receiptTally.duplicated(), refused, (drained - backupStarted) / 1e9);

        assertThat(primary.alive()).isFalse();
        assertThat(backup.alive()).as("the backup server runs the node now").isTrue();
        assertThat(backup.log()).contains("is live").contains(PREFECTURE_STARTED);
        assertThat(notes.get("rows")).as("notes").isEqualTo(CONFIRMATIONS);
        assertThat(notes.get("confirmations")).as("distinct confirmations noted").isEqualTo(CONFIRMATIONS);
        assertThat(notes.get("residents")).as("residents noted").isEqualTo(CONFIRMATIONS);
        assertThat(receiptTally.distinct()).as("receipts").isEqualTo(CONFIRMATIONS);
        assertThat(receiptTally.duplicated()).as("duplicated receipts").isZero();
        assertThat(refused).as("refused input files").isZero();
        assertThat(OutboxTally.count(inbox)).as("inbox left").isZero();
    }

    /** One identity record per resident the stream confirms, as the identity-info flow (issue #4) would have brought them. */
    private void seedIdentityRecords() throws Exception {
        try (Connection c = net.net().store.superuser("node_" + TOKYO_PREF);
             PreparedStatement ps = c.prepareStatement("""
                     insert into identity_record (resident_code, name, name_kana, birth_date, sex, address, change_reason,
                                                  change_date, municipality_code, recorded_at)
                     values (?, '住基 花子', 'ジュウキ ハナコ', date '1985-04-01', '2', '旧住所 一丁目1番1号', 'TRANSFER_IN',
                             date '2020-04-01', ?, now())""")) {
            for (int i = 0; i < CONFIRMATIONS; i++) {
                ps.setString(1, resident(i));
                ps.setString(2, SHINJUKU);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private long noted() throws Exception {
        return notes().get("rows");
    }

    private Map<String, Long> notes() throws Exception {
        try (Connection c = net.net().store.superuser("node_" + TOKYO_PREF); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), count(distinct confirmation_message_id), count(distinct resident_code) "
                     + "from transfer_out_annotation")) {
            rs.next();
            return Map.of("rows", rs.getLong(1), "confirmations", rs.getLong(2), "residents", rs.getLong(3));
        }
    }

    private static String resident(int i) {
        return ResidentCode.of(6000000000L + i);
    }

    private static void drop(Path inbox, int i) throws IOException {
        String sample = Files.readString(Path.of("docs/samples/transfer-out-confirmation.xml"), StandardCharsets.UTF_8);
        Path tmp = inbox.resolve("C-" + i + ".part");
        Files.writeString(tmp, sample.replace("<ResidentCode>12345678903</ResidentCode>", "<ResidentCode>" + resident(i) + "</ResidentCode>"),
                StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve("C-" + i + ".xml"));
    }
}
