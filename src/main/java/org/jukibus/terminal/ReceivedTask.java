package org.jukibus.terminal;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.flow.specialtransfer.SpecialTransferFlow;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 最初の転入通知・転出証明書情報の閲覧 (第6の5(5)): the received first transfer-in notices (at the old municipality) and
 * transfer-out certificate info (at the new one), listed by message id, sender and time from the transfer ledger —
 * no personal data in the list — and one of them, chosen by its exact message id, shown as a sheet with its schema's
 * Japanese labels ({@link PayloadSheet}) that prints without the terminal's menus (the layout's print style). Each
 * message read is an operation log entry naming the message.
 */
@Controller
@RequestMapping("/terminal/" + ReceivedTask.ID)
@TerminalTask(id = ReceivedTask.ID, title = "転出証明書情報・最初の転入通知の閲覧", section = "第6の5(5)", order = 20)
class ReceivedTask {

    static final String ID = "received";
    static final List<FlowDefinition> FLOWS = List.of(SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE_INFO,
            SpecialTransferFlow.FIRST_TRANSFER_IN);
    /** How many of the latest messages the list shows. */
    static final int LIST = 50;

    /** A received message as the list shows it. */
    record Received(FlowDefinition flow, String title, TransferLedger.Entry entry) {
    }

    private final TransferLedger ledger;
    private final TerminalInbox inbox;
    private final TerminalLog log;

    ReceivedTask(TransferLedger ledger, TerminalInbox inbox, TerminalLog log) {
        this.ledger = ledger;
        this.inbox = inbox;
        this.log = log;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("received", FLOWS.stream()
                .flatMap(f -> ledger.delivered(f.name(), LIST).stream().map(e -> new Received(f, PayloadSheet.titleOf(f.messageType()), e)))
                .sorted(Comparator.comparing((Received r) -> r.entry().recordedAt()).reversed()).limit(LIST).toList());
        return "terminal/received";
    }

    /** One message by its exact message id (第4の4(7): no other condition). */
    @GetMapping("/show")
    String show(@RequestParam String messageId, Model model) throws Exception {
        String id = messageId.trim();
        model.addAttribute("messageId", id);
        Optional<Received> found = ledger.ofMessage(id).stream()
                .filter(e -> e.outcome() == TransferLedger.Outcome.DELIVERED)
                .flatMap(e -> FLOWS.stream().filter(f -> f.name().equals(e.flow()))
                        .map(f -> new Received(f, PayloadSheet.titleOf(f.messageType()), e)))
                .findFirst();
        if (found.isEmpty()) {
            log.record(ID, "no received message " + id);
            model.addAttribute("problem", "メッセージID " + id + " の受信した最初の転入通知・転出証明書情報はありません。");
            return "terminal/received-message";
        }
        Received received = found.get();
        byte[] payload = inbox.outboxFile(received.flow().name(), received.entry().fileName());
        log.record(ID, payload == null ? "read (file no longer in the outbox)" : "read", received.flow().name(), id,
                received.flow().messageType());
        model.addAttribute("message", received);
        if (payload == null) {
            model.addAttribute("problem", "ファイル " + received.entry().fileName()
                    + " は既存住基システムが受け取り済みで、このノードにはもうありません。");
        } else {
            model.addAttribute("rows", PayloadSheet.ofType(received.flow().messageType(), payload));
        }
        return "terminal/received-message";
    }
}
