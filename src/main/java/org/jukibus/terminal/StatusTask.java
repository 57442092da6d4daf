package org.jukibus.terminal;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.flow.Flows;
import org.jukibus.flow.nondelivery.SentMessages;
import org.jukibus.management.DeadLetterQueue;
import org.jukibus.operators.Permission;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 自団体の送受信の状況 (the municipality's own traffic; 障害の早期発見, 第4の9(1)): what this node sent and what became
 * of it (delivery status: pending, overdue, delivered — a receipt or answer came back —, not delivered), today's
 * files of the transfer ledger (sent, handled, refused, received) per flow, and the dead letters per flow. Ids,
 * codes and counts only: the dead letters themselves (id, message id, reason, time, queue) are listed only for the flows whose
 * {@code dlq.read} permission the operator holds. One message is looked up by its exact id.
 */
@Controller
@RequestMapping("/terminal/" + StatusTask.ID)
@TerminalTask(id = StatusTask.ID, title = "自団体の送受信の状況", section = "第4の9(1)", order = 90)
class StatusTask {

    static final String ID = "status";
    /** How many of the latest sent messages the page lists. */
    static final int LATEST = 20;

    /** A flow's dead letters: how many, and (with {@code dlq.read} on the flow) which. */
    record DeadLetters(String flow, long count, List<Map<String, Object>> letters) {
    }

    private final SentMessages sent;
    private final TransferLedger ledger;
    private final DeadLetterQueue deadLetters;
    private final Flows flows;
    private final Clock clock;
    private final TerminalLog log;

    StatusTask(SentMessages sent, TransferLedger ledger, DeadLetterQueue deadLetters, Flows flows, Clock clock, TerminalLog log) {
        this.sent = sent;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.flows = flows;
        this.clock = clock;
        this.log = log;
    }

    @GetMapping
    String status(@RequestParam(required = false) String messageId, Model model) {
        TerminalOperator operator = TerminalOperator.current();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        model.addAttribute("states", SentMessages.State.values());
        model.addAttribute("sentCounts", sent.countsByFlow());
        model.addAttribute("latest", sent.latest(LATEST));
        model.addAttribute("today", today);
        model.addAttribute("files", fileCounts(ledger.day(today, null)));
        model.addAttribute("outcomes", TransferLedger.Outcome.values());
        model.addAttribute("deadLetters", flows.names().stream().sorted().map(f -> deadLetters(f, operator))
                .filter(d -> d.count() > 0).toList());
        if (messageId != null && !messageId.isBlank()) {
            String id = messageId.trim();
            model.addAttribute("messageId", id);
            model.addAttribute("found", sent.find(id));
            model.addAttribute("ledger", ledger.ofMessage(id));
            log.record(ID, "looked up message " + id);
        }
        return "terminal/status";
    }

    private DeadLetters deadLetters(String flow, TerminalOperator operator) {
        long count = deadLetters.count(flow);
        boolean mayRead = operator.registered().allows(new Permission(Permission.DLQ_READ, flow));
        return new DeadLetters(flow, count, count > 0 && mayRead ? deadLetters.list(flow) : null);
    }

    /** Per flow, how many of the day's ledger lines have each outcome. */
    private static Map<String, Map<TransferLedger.Outcome, Integer>> fileCounts(List<TransferLedger.Entry> day) {
        Map<String, Map<TransferLedger.Outcome, Integer>> counts = new TreeMap<>();
        day.forEach(e -> counts.computeIfAbsent(e.flow(), f -> new EnumMap<>(TransferLedger.Outcome.class))
                .merge(e.outcome(), 1, Integer::sum));
        return counts;
    }
}
