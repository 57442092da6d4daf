package org.jukibus.erasure;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import org.jukibus.core.Erasable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the bus records about the messages it handled, which nothing else purges: the identity updates sent, their
 * counts and reconciliation outcomes (更新件数リスト, 第6の6), the identity updates received with the update-count list
 * made for each, the change info handed to the certification authority ({@code ca_delivery}, liaison) and central's
 * node status history ({@code node_status_event}). A row goes once its time is more than
 * {@code jukibus.erasure.retention} (5 years) ago, as the other records of the node do: none of these is needed
 * after the outage window for delivery (a redelivered update is refused as a replay or EXPIRED by then), they are
 * kept for the operator and the auditor. A change-info message the authority has not yet accepted, and an identity
 * update sent that is not reconciled, stay however old they are (they still wait). Each table only where the node's role has it.
 */
final class MessageRecordsErasure implements Erasable {

    /** A table and, in order, the statements that erase its rows (a row before the rows it refers to). */
    private record Table(String name, List<String> statements) {
    }

    /**
     * An identity update sent that was reconciled (its update-count list matched or an operator settled it): one
     * still unreconciled (MISSING, a mismatch waiting for the operator) stays however old it is, as a change info
     * the authority has not accepted does.
     */
    private static final String RECONCILED_BEFORE =
            "select message_id from identity_update_sent where sent_at < ? and reconciled_at is not null";

    private static final List<Table> TABLES = List.of(
            new Table("identity_update_sent", List.of(
                    "delete from identity_reconciliation where message_id in (" + RECONCILED_BEFORE + ")",
                    "delete from identity_update_sent_count where message_id in (" + RECONCILED_BEFORE + ")",
                    "delete from identity_update_sent where sent_at < ? and reconciled_at is not null")),
            new Table("identity_update_received", List.of("delete from identity_update_received where received_at < ?")),
            new Table("ca_delivery", List.of("delete from ca_delivery where delivered_at < ?")),
            new Table("node_status_event", List.of("delete from node_status_event where recorded_at < ?")));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Period retention;

    MessageRecordsErasure(JdbcTemplate jdbc, TransactionTemplate transactions, Period retention) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.retention = retention;
    }

    @Override
    public String what() {
        return "message records (identity updates, change info to the authority, node status history)";
    }

    @Override
    public int eraseAsOf(Instant asOf) {
        Timestamp cutoff = Timestamp.from(asOf.atZone(ZoneOffset.UTC).minus(retention).toInstant());
        Integer erased = transactions.execute(tx -> {
            int n = 0;
            for (Table table : TABLES) {
                if (Boolean.TRUE.equals(jdbc.queryForObject("select to_regclass(?) is not null", Boolean.class, table.name()))) {
                    for (String statement : table.statements()) {
                        Object[] args = new Object[(int) statement.chars().filter(c -> c == '?').count()];
                        Arrays.fill(args, cutoff);
                        n += jdbc.update(statement, args);
                    }
                }
            }
            return n;
        });
        return erased == null ? 0 : erased;
    }
}
