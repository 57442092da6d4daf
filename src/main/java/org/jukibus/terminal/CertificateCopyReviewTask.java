package org.jukibus.terminal;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

import org.jukibus.core.NodeSettings;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.certificatecopy.CertificateCopyRequest;
import org.jukibus.terminal.task.CertificateCopyAnswerEntry;
import org.jukibus.terminal.task.CertificateCopyDesk;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * 住民票の写しの交付の請求の審査と回答 at the home municipality (住所地市町村, 第6の4(2)(3)): the requests received and
 * not answered yet; one opened shows what was asked (as delivered), and the counter answers it with the residence
 * record's items for the copy or with a refusal. The answer goes back to the issuing municipality through the
 * {@code certificate-copy-reply} flow's own intake ({@link CertificateCopyAnswerEntry}), which checks it answers that
 * open request, once, and shows no more than was asked.
 */
@Controller
@RequestMapping("/terminal/" + CertificateCopyReviewTask.ID)
@TerminalTask(id = CertificateCopyReviewTask.ID, title = "住民票の写しの請求の審査・回答", section = "第6の4(2)(3)", order = 45)
class CertificateCopyReviewTask {

    static final String ID = "certificate-copy-review";
    private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

    private final String municipality;
    private final NodeDirectory directory;
    private final CertificateCopyDesk desk;
    private final EntryForms forms;
    private final TerminalLog log;
    private final Clock clock;

    CertificateCopyReviewTask(NodeSettings settings, NodeDirectory directory, CertificateCopyDesk desk, EntryForms forms,
                              TerminalLog log, Clock clock) {
        this.municipality = settings.code();
        this.directory = directory;
        this.desk = desk;
        this.forms = forms;
        this.log = log;
        this.clock = clock;
    }

    @GetMapping
    String open(Model model) {
        model.addAttribute("open", desk.openRequests());
        model.addAttribute("names", names());
        return "terminal/certificate-copy-review";
    }

    @GetMapping("/{issuing}/{messageId}")
    String review(@PathVariable String issuing, @PathVariable String messageId, Model model) throws Exception {
        CertificateCopyDesk.Review review = reviewOf(issuing, messageId);
        log.record(ID, "opened request " + review.request().requestId() + " (message " + messageId + " from " + issuing + ")");
        EntryForms.blank(model, prefilled(review));
        return page(review, model);
    }

    @PostMapping("/{issuing}/{messageId}")
    String answer(@PathVariable String issuing, @PathVariable String messageId, @RequestParam Map<String, String> values,
                  Model model) throws Exception {
        CertificateCopyDesk.Review review = reviewOf(issuing, messageId);
        forms.submit(ID, values, () -> CertificateCopyAnswerEntry.entry(values, municipality, review.request()), model);
        return page(review, model);
    }

    private CertificateCopyDesk.Review reviewOf(String issuing, String messageId) throws Exception {
        return desk.review(issuing, messageId).orElseThrow(() -> new ResponseStatusException(
                org.springframework.http.HttpStatus.NOT_FOUND, "no request " + messageId + " from " + issuing + " at this node"));
    }

    /** The answer form starts from the request: the requester as the first person, the record as of today. */
    private Map<String, String> prefilled(CertificateCopyDesk.Review review) {
        Map<String, String> values = new HashMap<>();
        values.put("answer", CertificateCopyAnswerEntry.CERTIFICATE);
        values.put("asOf", LocalDate.now(clock.withZone(JAPAN)).toString());
        CertificateCopyRequest delivered = review.delivered();
        if (delivered != null) {
            CertificateCopyRequest.Requester r = delivered.requester();
            values.put("address", r.address());
            values.put("person1.name", r.name());
            values.put("person1.nameKana", r.nameKana());
            values.put("person1.birthDate", r.birthDate());
            values.put("person1.sex", r.sex());
        }
        return values;
    }

    private String page(CertificateCopyDesk.Review review, Model model) {
        model.addAttribute("review", review);
        model.addAttribute("names", names());
        model.addAttribute("personRows", CertificateCopyAnswerEntry.PERSON_ROWS);
        model.addAttribute("sexes", EntryChoices.SEXES);
        model.addAttribute("identityChecks", EntryChoices.IDENTITY_CHECKS);
        model.addAttribute("scopes", EntryChoices.SCOPES);
        model.addAttribute("reasons", EntryChoices.REFUSAL_REASONS);
        return "terminal/certificate-copy-answer";
    }

    /** Municipality names by code, for the lists. */
    private Map<String, String> names() {
        Map<String, String> names = new HashMap<>();
        directory.all().forEach(e -> names.put(e.code(), e.name()));
        return names;
    }
}
