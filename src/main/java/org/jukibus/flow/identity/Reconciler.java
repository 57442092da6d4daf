package org.jukibus.flow.identity;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a receiver's update-count list (更新件数リスト) with what this node sent in the update it
 * confirms: OK only when the receiver got as many records as were sent and recorded, per change
 * reason, every one of them. Anything else (a refused record, a count that differs) is a MISMATCH
 * whose detail says what differs, by change reason and item number, never by person.
 */
public final class Reconciler {

    /** The outcome and, for a mismatch, what differs. */
    public record Result(Outcome outcome, String detail) {
    }

    private Reconciler() {
    }

    public static Result compare(SentUpdates.Sent sent, UpdateCountList list) {
        List<String> differences = new ArrayList<>();
        if (list.received() != sent.recordCount()) {
            differences.add("received " + list.received() + " of " + sent.recordCount() + " records sent");
        }
        Set<ChangeReason> reasons = EnumSet.noneOf(ChangeReason.class);
        reasons.addAll(sent.counts().keySet());
        list.counts().forEach(c -> reasons.add(c.changeReason()));
        Map<ChangeReason, UpdateCountList.Count> confirmed = new java.util.EnumMap<>(ChangeReason.class);
        list.counts().forEach(c -> confirmed.put(c.changeReason(), c));
        for (ChangeReason reason : reasons) {
            int sentCount = sent.counts().getOrDefault(reason, 0);
            UpdateCountList.Count c = confirmed.get(reason);
            int recorded = c == null ? 0 : c.recorded();
            int refused = c == null ? 0 : c.refused();
            if (recorded != sentCount || refused != 0) {
                differences.add(reason + ": sent " + sentCount + ", recorded " + recorded + ", refused " + refused);
            }
        }
        for (UpdateCountList.Refusal r : list.refusals()) {
            differences.add("item " + r.itemNumber() + " (" + r.changeReason() + ") refused: " + r.reason() + " — " + r.detail());
        }
        if (differences.isEmpty()) {
            return new Result(Outcome.OK, "all " + sent.recordCount() + " records recorded by " + list.sender());
        }
        return new Result(Outcome.MISMATCH, list.sender() + " did not record what was sent: " + String.join("; ", differences));
    }
}
