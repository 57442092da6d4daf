package org.jukibus.terminal;

import java.util.Map;

import org.jukibus.core.NodeSettings;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.terminal.task.IdentityInfoEntry;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 本人確認情報の入力 (manual entry of identity information, 第6の6(1) 手入力): after a change of a resident record at the
 * counter, the person's identity information is sent to the municipality's prefecture through the
 * {@code identity-update} flow's own intake ({@link IdentityInfoEntry}): recorded in this node's store, reconciled
 * with the prefecture's update-count list as every update is.
 */
@Controller
@RequestMapping("/terminal/" + IdentityInfoTask.ID)
@TerminalTask(id = IdentityInfoTask.ID, title = "本人確認情報の入力", section = "第6の6(1)", order = 60)
class IdentityInfoTask {

    static final String ID = "identity-info";

    private final String municipality;
    private final NodeDirectory directory;
    private final EntryForms forms;

    IdentityInfoTask(NodeSettings settings, NodeDirectory directory, EntryForms forms) {
        this.municipality = settings.code();
        this.directory = directory;
        this.forms = forms;
    }

    @GetMapping
    String form(Model model) {
        EntryForms.blank(model, Map.of());
        return page(model);
    }

    @PostMapping
    String send(@RequestParam Map<String, String> values, Model model) throws Exception {
        forms.submit(ID, values, () -> IdentityInfoEntry.entry(values, municipality, prefecture()), model);
        return page(model);
    }

    /** This municipality's prefecture, the recipient (第6の6(1)), as the directory says. */
    private String prefecture() {
        return directory.byCode(municipality).map(NodeEntry::prefecture).orElse(null);
    }

    private String page(Model model) {
        model.addAttribute("prefecture", prefecture());
        model.addAttribute("sexes", EntryChoices.SEXES);
        model.addAttribute("reasons", EntryChoices.CHANGE_REASONS);
        return "terminal/identity-info";
    }
}
