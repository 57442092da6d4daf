package org.jukibus.flow.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.PermanentFailure;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The receiver's side of 第6の6(2)–(4), on prefecture and central nodes: an identity update is recorded
 * in the node's store (one store transaction per message, batch statements), each record it must not
 * take refused with a reason, and answered with the signed update-count list (更新件数リスト). A
 * delegating prefecture (委任都道府県, {@code jukibus.identity.delegating}) sends the records it recorded on
 * to central as an update of its own, noted as sent for its own reconciliation. Handler of the
 * {@code identity-update} flow on prefecture and central nodes.
 * <p>
 * Refused records (in the list, the rest of the update is recorded):
 * <ul>
 *   <li>{@code OTHER_PREFECTURE}: the record's municipality lies in another prefecture than the sender's;</li>
 *   <li>{@code NOT_SENDER}: at a prefecture, the record's municipality is not the municipality that sent it;</li>
 *   <li>{@link IdentityStore#OUT_OF_ORDER}: older than the person's current record.</li>
 * </ul>
 * Refused updates (dead-letter queue): {@code WRONG_PREFECTURE} (a municipality of another prefecture),
 * {@code NOT_A_PREFECTURE} (at central, a sender that is no prefecture); before this handler, the shared
 * delivery checks of every flow refuse {@code PARTY_MISMATCH} and {@code INVALID_RESIDENT_CODE}.
 * A redelivered update records nothing again: the update-count list saved with its records
 * ({@link ReceivedUpdates}) answers it again, with the same message ids. An update is named by its message id
 * together with its verified sender, so another sender's update with the same id is recorded and answered on its own.
 */
public final class IdentityRecorder implements FlowHandler {

    public static final String OTHER_PREFECTURE = "OTHER_PREFECTURE";
    public static final String NOT_SENDER = "NOT_SENDER";
    public static final String WRONG_PREFECTURE = "WRONG_PREFECTURE";
    public static final String NOT_A_PREFECTURE = "NOT_A_PREFECTURE";

    private static final Logger log = LoggerFactory.getLogger(IdentityRecorder.class);

    private final String self;
    private final NodeRole role;
    private final NodeDirectory directory;
    private final IdentityStore store;
    private final ReceivedUpdates received;
    /** Where a delegating prefecture notes what it forwards; null at central or a prefecture that does not delegate. */
    private final SentUpdates forwarded;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public IdentityRecorder(String self, NodeRole role, NodeDirectory directory, IdentityStore store,
                            ReceivedUpdates received, SentUpdates forwarded, TransactionTemplate transactions, Clock clock) {
        this.self = self;
        this.role = role;
        this.directory = directory;
        this.store = store;
        this.received = received;
        this.forwarded = forwarded;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public List<String> flows() {
        return List.of(IdentityFlow.UPDATE_NAME);
    }

    @Override
    public void deliver(Delivered message, LegacyOutbox outbox) throws Exception {
        String messageId = message.header().messageId();
        String sender = message.header().sender();
        String senderPrefecture = requireSender(messageId, sender);
        IdentityUpdate update = IdentityUpdate.of(message.parsed());
        Instant now = clock.instant();

        List<UpdateCountList.Refusal> refusals = new ArrayList<>();
        List<IdentityStore.Item> items = new ArrayList<>(update.records().size());
        for (int i = 0; i < update.records().size(); i++) {
            IdentityRecord r = update.records().get(i);
            String refusal = refusal(r, sender, senderPrefecture);
            if (refusal != null) {
                refusals.add(new UpdateCountList.Refusal(i + 1, r.changeReason(), refusal, refusalDetail(refusal, r, sender)));
            } else {
                items.add(new IdentityStore.Item(i + 1, r));
            }
        }
        String outcome = transactions.execute(tx -> {
            if (received.find(sender, messageId).isPresent()) {
                return "was recorded before: nothing recorded again";
            }
            List<UpdateCountList.Refusal> all = new ArrayList<>(refusals);
            all.addAll(store.record(sender, messageId, items, now));
            all.sort(Comparator.comparingInt(UpdateCountList.Refusal::itemNumber));
            UpdateCountList list = countList(sender, messageId, update.records(), all);
            int recorded = update.records().size() - all.size();
            String forwardId = forwarded != null && recorded > 0 ? MessageIds.answerOf(IdentityFlow.UPDATE_NAME, sender, messageId) : null;
            received.save(messageId, sender, now, list, bytes(list), forwardId);
            if (forwardId != null) {
                forwarded.record(forwardId, central().code(), store.recordsOf(sender, messageId), now);
            }
            return recorded + " of " + update.records().size() + " records recorded, " + all.size() + " refused"
                    + (forwardId != null ? ", forwarded to central as " + forwardId : "");
        });
        log.info("identity update {} from {}: {}", messageId, sender, outcome);
    }

    /** The update-count list back to the sender and, at a delegating prefecture, the update to central: the same every time. */
    @Override
    public List<Answer> answers(Delivered message) throws Exception {
        String messageId = message.header().messageId();
        String sender = message.header().sender();
        ReceivedUpdates.Received done = received.find(sender, messageId).orElseThrow(() -> new IllegalStateException(
                "identity update " + messageId + " from " + sender + " was delivered but has no update-count list"));
        List<Answer> answers = new ArrayList<>(2);
        answers.add(Answer.to(message, IdentityFlow.COUNT_LIST, SecureXml.parse(done.countList())));
        if (done.forwardMessageId() != null) {
            String central = central().code();
            IdentityUpdate forward = new IdentityUpdate(self, central, store.recordsOf(sender, messageId));
            // no correlation id: central never saw the municipality's update
            answers.add(new Answer(IdentityFlow.UPDATE, central, done.forwardMessageId(), null, Payloads.document(forward)));
        }
        return answers;
    }

    /** The sender must be a municipality of this prefecture (at a prefecture) or a prefecture (at central); returns its prefecture. */
    private String requireSender(String messageId, String sender) throws PermanentFailure {
        NodeEntry entry = directory.byCode(sender).orElse(null);
        if (role == NodeRole.PREFECTURE) {
            String prefecture = entry == null ? null : entry.prefecture();
            if (entry == null || entry.role() != NodeRole.MUNICIPAL || !self.equals(prefecture)) {
                throw new PermanentFailure(WRONG_PREFECTURE, "identity update " + messageId + " from " + sender
                        + ", a municipality of prefecture " + prefecture + ", not of " + self);
            }
            return self;
        }
        if (entry == null || entry.role() != NodeRole.PREFECTURE) {
            throw new PermanentFailure(NOT_A_PREFECTURE, "identity update " + messageId + " from " + sender
                    + ", which is no prefecture: central takes identity updates from delegating prefectures only");
        }
        return sender;
    }

    private String refusal(IdentityRecord r, String sender, String senderPrefecture) {
        if (!r.municipality().startsWith(senderPrefecture)) {
            return OTHER_PREFECTURE;
        }
        if (role == NodeRole.PREFECTURE && !r.municipality().equals(sender)) {
            return NOT_SENDER;
        }
        return null;
    }

    private String refusalDetail(String refusal, IdentityRecord r, String sender) {
        return OTHER_PREFECTURE.equals(refusal)
                ? "its municipality " + r.municipality() + " does not lie in prefecture " + (role == NodeRole.PREFECTURE ? self : sender)
                : "its municipality " + r.municipality() + " is not the sender " + sender;
    }

    private UpdateCountList countList(String sender, String messageId, List<IdentityRecord> records,
                                      List<UpdateCountList.Refusal> refusals) {
        Map<ChangeReason, int[]> counts = new EnumMap<>(ChangeReason.class);
        records.forEach(r -> counts.computeIfAbsent(r.changeReason(), k -> new int[2])[0]++);
        refusals.forEach(r -> {
            int[] c = counts.get(r.changeReason());
            c[0]--;
            c[1]++;
        });
        List<UpdateCountList.Count> list = new ArrayList<>();
        counts.forEach((reason, c) -> list.add(new UpdateCountList.Count(reason, c[0], c[1])));
        return new UpdateCountList(self, sender, messageId, records.size(), list, refusals);
    }

    private static byte[] bytes(UpdateCountList list) {
        try {
            return Payloads.bytes(list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the update-count list of " + list.updateMessageId(), e);
        }
    }

    private NodeEntry central() {
        return directory.withRole(NodeRole.CENTRAL).stream().findFirst().orElseThrow(() -> new IllegalStateException(
                "the directory lists no central node: a delegating prefecture cannot forward identity updates"));
    }
}
