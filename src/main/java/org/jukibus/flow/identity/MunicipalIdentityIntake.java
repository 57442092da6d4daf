package org.jukibus.flow.identity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.Payloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import org.w3c.dom.Document;

/**
 * The municipality's side of 第6の6(1): an identity update file from the legacy system (one record or a
 * batch) is checked, split into messages of at most {@code jukibus.identity.batch-size} records, and
 * each message's records are recorded in the municipal node's own store (history kept) and noted as
 * sent, for the reconciliation with the prefecture's update-count list. Sending is immediate (the
 * {@code legacy-batch-intake} route); the cut-off only bounds when the confirmation must be back.
 * Handler of the {@code identity-update} flow on municipal nodes.
 */
public final class MunicipalIdentityIntake implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(MunicipalIdentityIntake.class);

    private final String self;
    private final int batchSize;
    private final IdentityStore store;
    private final SentUpdates sent;
    private final TransactionTemplate transactions;
    private final Clock clock;

    /** @param batchSize at least 1 ({@link IdentityProperties} checks it) */
    public MunicipalIdentityIntake(String self, int batchSize, IdentityStore store, SentUpdates sent,
                                   TransactionTemplate transactions, Clock clock) {
        this.self = self;
        this.batchSize = batchSize;
        this.store = store;
        this.sent = sent;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(IdentityFlow.UPDATE_NAME);
    }

    /** Every record must be this municipality's own (the schema checked the rest). */
    @Override
    public String check(LegacyInput input) throws LegacyInputException {
        List<IdentityRecord> records = Payloads.read(input.payload(), IdentityUpdate.class).records();
        for (int i = 0; i < records.size(); i++) {
            if (!self.equals(records.get(i).municipality())) {
                throw new LegacyInputException(ErrorCode.WRONG_SENDER, "Record " + (i + 1) + ": Municipality is " + records.get(i).municipality()
                        + " but this municipality is " + self + " (a municipality sends only the records it made)");
            }
        }
        return null;
    }

    @Override
    public List<Document> split(LegacyInput input) throws Exception {
        IdentityUpdate whole = Payloads.read(input.payload(), IdentityUpdate.class);
        if (whole.records().size() <= batchSize) {
            return List.of(input.payload());
        }
        List<Document> parts = new ArrayList<>();
        for (int from = 0; from < whole.records().size(); from += batchSize) {
            List<IdentityRecord> chunk = whole.records().subList(from, Math.min(from + batchSize, whole.records().size()));
            parts.add(Payloads.document(new IdentityUpdate(whole.sender(), whole.recipient(), chunk)));
        }
        log.info("identity update file {} ({} records) is sent as {} messages of at most {}", input.fileName(),
                whole.records().size(), parts.size(), batchSize);
        return parts;
    }

    /** Records the message's records and notes it as sent, in one store transaction; again after a crash: nothing twice. */
    @Override
    public void queued(LegacyInput part) throws Exception {
        List<IdentityRecord> records = Payloads.read(part.payload(), IdentityUpdate.class).records();
        List<IdentityStore.Item> items = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            items.add(new IdentityStore.Item(i + 1, records.get(i)));
        }
        transactions.executeWithoutResult(tx -> {
            if (!store.holds(self, part.messageId())) {
                List<UpdateCountList.Refusal> refused = store.record(self, part.messageId(), items, clock.instant());
                refused.forEach(r -> log.warn("identity update {} item {} ({}) not recorded at {}: {} — {}; the prefecture "
                        + "will most likely refuse it too", part.messageId(), r.itemNumber(), r.changeReason(), self,
                        r.reason(), r.detail()));
            }
            sent.record(part.messageId(), part.recipient(), records, clock.instant());
        });
        log.info("identity update {} to {}: {} records recorded and sent", part.messageId(), part.recipient(), records.size());
    }
}
