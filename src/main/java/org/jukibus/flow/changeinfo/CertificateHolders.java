package org.jukibus.flow.changeinfo;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The liaison node's register of certificate holders (電子証明書の発行を受けている者, 第1の5), tables
 * {@code certificate_holder} and {@code certificate_holder_feed}: who holds a certificate of the
 * designated certification authority, as its feed said ({@link HolderFeed}). 異動等情報 is information
 * about holders only (第6の8(6)), so change info of anyone else is withheld here: counted, not sent.
 */
public final class CertificateHolders {

    /** One change of the feed, in the order of {@code seq}. */
    public record Change(long seq, String residentCode, boolean holder) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public CertificateHolders(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The feed's last change applied. */
    public long lastSeq() {
        return jdbc.queryForObject("select last_seq from certificate_holder_feed", Long.class);
    }

    /**
     * Applies changes of the feed, in one transaction; a change at or before the last one applied (a page
     * read twice) is skipped, so applying is idempotent.
     */
    public void apply(List<Change> changes) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        transactions.executeWithoutResult(status -> {
            long last = jdbc.queryForObject("select last_seq from certificate_holder_feed for update", Long.class);
            for (Change c : changes) {
                if (c.seq() <= last) {
                    continue;
                }
                if (c.holder()) {
                    jdbc.update("""
                            insert into certificate_holder (resident_code, since_seq, recorded_at) values (?, ?, ?)
                            on conflict (resident_code) do nothing""", c.residentCode(), c.seq(), now);
                } else {
                    jdbc.update("delete from certificate_holder where resident_code = ?", c.residentCode());
                }
                last = c.seq();
            }
            jdbc.update("update certificate_holder_feed set last_seq = ?, refreshed_at = ?", last, now);
        });
    }

    public boolean holds(String residentCode) {
        Integer n = jdbc.queryForObject("select count(*) from certificate_holder where resident_code = ?", Integer.class,
                residentCode);
        return n != null && n > 0;
    }

    /**
     * Takes the changes of residents who hold no certificate out of a change info (a copy of it is
     * changed; the message as received stays as it is).
     *
     * @return the change info to hand on, with the number of changes withheld
     */
    public Filtered holdersOnly(Document changeInfo) {
        NodeList changes = changeInfo.getDocumentElement().getElementsByTagNameNS(ChangeInfo.NS, "Change");
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < changes.getLength(); i++) {
            Element change = (Element) changes.item(i);
            if (holds(change.getElementsByTagNameNS(ChangeInfo.NS, "ResidentCode").item(0).getTextContent().trim())) {
                positions.add(i);
            }
        }
        return select(changeInfo, positions);
    }

    /** The changes at {@code positions} (a selection made before, see {@link Filtered#positions}), the others taken out. */
    public static Filtered select(Document changeInfo, List<Integer> positions) {
        Document copy = (Document) changeInfo.cloneNode(true);
        NodeList changes = copy.getDocumentElement().getElementsByTagNameNS(ChangeInfo.NS, "Change");
        int total = changes.getLength(); // a live list: read before anything is taken out
        List<Element> withheld = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (!positions.contains(i)) {
                withheld.add((Element) changes.item(i));
            }
        }
        withheld.forEach(c -> c.getParentNode().removeChild(c));
        return new Filtered(copy, total - withheld.size(), withheld.size(), List.copyOf(positions));
    }

    /**
     * A change info with holders' changes only.
     *
     * @param payload  what to hand on (valid only when {@code sent > 0}: a change info holds at least one change)
     * @param sent     the changes left
     * @param withheld  the changes of non-holders taken out
     * @param positions the positions of the changes left in the message, to send the same ones on a retry
     */
    public record Filtered(Document payload, int sent, int withheld, List<Integer> positions) {
    }
}
