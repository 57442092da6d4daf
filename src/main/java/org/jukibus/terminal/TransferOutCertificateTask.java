package org.jukibus.terminal;

import java.util.Map;

import org.jukibus.core.NodeSettings;
import org.jukibus.terminal.task.TransferOutCertificateEntry;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 転出証明書情報の入力 (manual entry of transfer-out certificate info, 第6の5(2) 手入力): the old municipality's counter
 * registers a card holder's transfer-out with the household members moving along; the registration is what a first
 * transfer-in notice for the holder is answered with (第6の5(4)). Through the {@code transfer-out-certificate} flow's
 * own intake ({@link TransferOutCertificateEntry}).
 */
@Controller
@RequestMapping("/terminal/" + TransferOutCertificateTask.ID)
@TerminalTask(id = TransferOutCertificateTask.ID, title = "転出証明書情報の入力", section = "第6の5(2)", order = 20)
class TransferOutCertificateTask {

    static final String ID = "transfer-out-certificate";

    private final String municipality;
    private final EntryForms forms;

    TransferOutCertificateTask(NodeSettings settings, EntryForms forms) {
        this.municipality = settings.code();
        this.forms = forms;
    }

    @GetMapping
    String form(Model model) {
        EntryForms.blank(model, Map.of());
        return page(model);
    }

    @PostMapping
    String register(@RequestParam Map<String, String> values, Model model) throws Exception {
        forms.submit(ID, values, () -> TransferOutCertificateEntry.entry(values, municipality), model);
        return page(model);
    }

    private String page(Model model) {
        model.addAttribute("memberRows", TransferOutCertificateEntry.MEMBER_ROWS);
        model.addAttribute("sexes", EntryChoices.SEXES);
        return "terminal/transfer-out-certificate";
    }
}
