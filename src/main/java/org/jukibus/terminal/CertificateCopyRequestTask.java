package org.jukibus.terminal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jukibus.core.NodeRole;
import org.jukibus.core.NodeSettings;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.terminal.task.CertificateCopyDesk;
import org.jukibus.terminal.task.CertificateCopyRequestEntry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 住民票の写しの交付の請求 at the issuing municipality (交付地市町村, 第6の4(1)(2)): the counter enters a request for a
 * copy of a residence record held by another municipality; it is sent to the home municipality through the
 * {@code certificate-copy-request} flow's own intake ({@link CertificateCopyRequestEntry}). The page lists the requests
 * sent; once the home municipality has answered, the copy with its blank certification (認証文, 第6の4(3)), or the
 * refusal notice, opens for printing.
 */
@Controller
@RequestMapping("/terminal/" + CertificateCopyRequestTask.ID)
@TerminalTask(id = CertificateCopyRequestTask.ID, title = "住民票の写しの交付の請求", section = "第6の4(1)(2)", order = 40)
class CertificateCopyRequestTask {

    static final String ID = "certificate-copy-request";
    /** The counter's day is a Japanese day. */
    private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

    private final String municipality;
    private final NodeDirectory directory;
    private final CertificateCopyDesk desk;
    private final EntryForms forms;
    private final TerminalLog log;
    private final Clock clock;

    CertificateCopyRequestTask(NodeSettings settings, NodeDirectory directory, CertificateCopyDesk desk, EntryForms forms,
                               TerminalLog log, Clock clock) {
        this.municipality = settings.code();
        this.directory = directory;
        this.desk = desk;
        this.forms = forms;
        this.log = log;
        this.clock = clock;
    }

    @GetMapping
    String form(Model model) {
        EntryForms.blank(model, Map.of("requestDate", LocalDate.now(clock.withZone(JAPAN)).toString(), "copies", "1",
                "identityCheck", "resident-card", "scope", "requester"));
        return page(model);
    }

    @PostMapping
    String send(@RequestParam Map<String, String> values, Model model) throws Exception {
        forms.submit(ID, values, () -> CertificateCopyRequestEntry.entry(values, municipality), model);
        return page(model);
    }

    /** The printable copy of the answer to a request this node sent (an HTML page laid out for A4). */
    @GetMapping("/copy/{messageId}")
    ResponseEntity<byte[]> copy(@PathVariable String messageId) throws Exception {
        var copy = desk.printableCopy(messageId);
        if (copy.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        log.record(ID, "opened the printable copy answering message " + messageId);
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .body(copy.get());
    }

    private String page(Model model) {
        model.addAttribute("sent", desk.sentRequests());
        // the choices of the home municipality's code: the other municipalities of the directory (the intake checks it again)
        Map<String, String> municipalities = new LinkedHashMap<>();
        directory.all().stream().filter(e -> e.role() == NodeRole.MUNICIPAL && !e.code().equals(municipality))
                .forEach(e -> municipalities.put(e.code(), e.name()));
        model.addAttribute("municipalities", municipalities);
        model.addAttribute("sexes", EntryChoices.SEXES);
        model.addAttribute("identityChecks", EntryChoices.IDENTITY_CHECKS);
        model.addAttribute("scopes", EntryChoices.SCOPES);
        return "terminal/certificate-copy-request";
    }
}
