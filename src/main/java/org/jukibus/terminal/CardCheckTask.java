package org.jukibus.terminal;

import java.util.UUID;

import org.jukibus.core.NodeSettings;
import org.jukibus.flow.Payloads;
import org.jukibus.flow.specialtransfer.CardCheckRequest;
import org.jukibus.flow.specialtransfer.CardCheckResult;
import org.jukibus.flow.specialtransfer.SpecialTransferFlow;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 住民基本台帳カードの保有の確認 (card-holding check, 第6の5(1) "端末機から検索"): the counter enters the exact
 * resident code of the person filing a card-holder transfer-out; the terminal drops a {@link CardCheckRequest} into
 * the card-check flow's inbox like a resident-record system would ({@link TerminalInbox}) and shows the
 * {@link CardCheckResult} the flow's handler answers. The only query condition is one whole resident code (第4の4(7)).
 */
@Controller
@RequestMapping("/terminal/" + CardCheckTask.ID)
@TerminalTask(id = CardCheckTask.ID, title = "住民基本台帳カードの保有の確認", section = "第6の5(1)", order = 10)
class CardCheckTask {

    static final String ID = "card-check";
    private static final String FLOW = SpecialTransferFlow.CARD_CHECK.name();

    private final String municipality;
    private final TerminalInbox inbox;
    private final TerminalLog log;

    CardCheckTask(NodeSettings settings, TerminalInbox inbox, TerminalLog log) {
        this.municipality = settings.code();
        this.inbox = inbox;
        this.log = log;
    }

    @GetMapping
    String form() {
        return "terminal/card-check";
    }

    @PostMapping
    String check(@RequestParam String residentCode, Model model) throws Exception {
        String checkId = "T" + UUID.randomUUID().toString().replace("-", "");
        TerminalOperator operator = TerminalOperator.current();
        TerminalInbox.Outcome outcome = inbox.submit(FLOW, new CardCheckRequest(checkId, municipality, residentCode.trim()), operator);
        model.addAttribute("residentCode", residentCode);
        if (!outcome.accepted()) {
            log.record(ID, "check " + checkId + " refused (" + outcome.code() + ")");
            model.addAttribute("outcome", outcome);
            return "terminal/card-check";
        }
        byte[] answer = inbox.outboxFile(FLOW, checkId + ".xml");
        if (answer == null) {
            throw new IllegalStateException("the card-check flow took check " + checkId + " but wrote no answer into legacy/outbox/" + FLOW + "/");
        }
        CardCheckResult result = Payloads.read(answer, CardCheckResult.class);
        log.record(ID, "check " + checkId + ": " + result.result());
        model.addAttribute("result", result);
        return "terminal/card-check";
    }
}
