package org.jukibus.erasure;

import org.jukibus.core.Erasable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The municipal node's own records about persons besides identity records: the special transfer's (転入転出の特例,
 * 第6の5) transfer-out certificate info, answers and notices, the card register of cards that ended, and the
 * certificate-copy (第6の4) requests and replies. A row goes once its time is more than {@code jukibus.erasure.retention}
 * ago; rows that refer to it go with it. A request still waiting for its answer stays, and so does a resident card
 * whose last event is still ISSUED (the card is in use; its register is what card checks read).
 */
final class MunicipalRecordsErasure implements Erasable {

    /** In order: a row before the rows it refers to. Each statement takes the cut-off as every parameter. */
    private static final String[] STATEMENTS = {
            "delete from certificate_info_answer where answered_at < ?"
                    + " or certificate_id in (select id from transfer_out_certificate where registered_at < ?)",
            // a registration's household members (V140) go with it
            "delete from transfer_out_certificate_member where certificate_id in"
                    + " (select id from transfer_out_certificate where registered_at < ?)",
            "delete from transfer_out_certificate where registered_at < ?",
            "delete from certificate_info_received where received_at < ?"
                    + " or notice_message_id in (select message_id from first_transfer_in_sent where queued_at < ?)",
            "delete from first_transfer_in_sent where queued_at < ?",
            // a card's events go together, once its last one ended the card before the cut-off
            "delete from resident_card_event e where exists (select 1 from resident_card_event last where last.card_number = e.card_number"
                    + " and last.status <> 'ISSUED' and last.registered_at < ? and not exists (select 1 from resident_card_event later"
                    + " where later.card_number = last.card_number and later.registered_at > last.registered_at))",
            "delete from certificate_copy_sent where sent_at < ? and state <> 'PENDING'",
            "delete from certificate_copy_reply_received where received_at < ?",
            "delete from certificate_copy_received where received_at < ?",
    };

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Period retention;

    MunicipalRecordsErasure(JdbcTemplate jdbc, TransactionTemplate transactions, Period retention) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.retention = retention;
    }

    @Override
    public String what() {
        return "special-transfer and certificate-copy records";
    }

    @Override
    public int eraseAsOf(Instant asOf) {
        Timestamp cutoff = Timestamp.from(asOf.atZone(ZoneOffset.UTC).minus(retention).toInstant());
        Integer erased = transactions.execute(tx -> {
            int n = 0;
            for (String statement : STATEMENTS) {
                Object[] args = new Object[(int) statement.chars().filter(c -> c == '?').count()];
                java.util.Arrays.fill(args, cutoff);
                n += jdbc.update(statement, args);
            }
            return n;
        });
        return erased == null ? 0 : erased;
    }
}
