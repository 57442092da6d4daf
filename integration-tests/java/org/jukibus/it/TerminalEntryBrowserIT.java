package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.flow.specialtransfer.CertificateRegister;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.SecureFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal's data-entry tasks (手入力) in a real browser, across two municipalities and Tokyo's prefecture:
 * headless Chromium holding the operator card logs in with card and PIN, fills each form, is told of a wrong field on
 * the form (nothing sent), sends it right, and the test checks what arrived at the other node: the transfer-out
 * certificate info answered to Osaka-shi's first transfer-in, the certificate-copy request at Osaka-shi, reviewed and
 * answered there, the answer and its printable copy back at Shinjuku, the identity information at the prefecture. A
 * screenshot of each screen goes to {@code docs/terminal/} (docs/terminal.md). An operator without the task's
 * permission is refused; the operation log names the operator of every action and holds no personal data.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TerminalEntryBrowserIT {

    static final Path SHOTS = Path.of("docs", "terminal");
    static final Duration WAIT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();
    /** An operator registered at Shinjuku with the card check only. */
    static final String CHECKER = "checker";
    static final String CHECKER_PIN = "7531";
    static final String OPERATOR = NetworkProvisioner.OPERATOR;

    static final String HOLDER = resident(7100000001L);
    static final String CHILD = resident(7100000002L);
    static final String HOLDER_NAME = "住基花子";
    static final String CHILD_NAME = "住基一郎";

    @TempDir
    static Path root;
    @Provisioned({TOKYO_PREF, SHINJUKU, OSAKA})
    static TestNetwork net;

    static OperatorCards cards;

    @BeforeAll
    static void start() throws Exception {
        cards = new OperatorCards(root);
        Instant now = Instant.now();
        cards.register(net, SHINJUKU, cards.issue(net.network.ca(), CHECKER, now.minusSeconds(60), now.plus(Duration.ofDays(30))),
                CHECKER_PIN, "terminal:card-check");
        net.start(TOKYO_PREF, SHINJUKU, OSAKA);
    }

    @Test
    @Order(1)
    void transfer_out_certificate_info_entered_at_the_counter_answers_the_first_transfer_in() throws Exception {
        try (Chromium browser = loggedIn(SHINJUKU)) {
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal/transfer-out-certificate");
            browser.waitFor("the form", "document.getElementById('registrationId')", WAIT);
            Map<String, String> form = transferOut();
            String wrong = CHILD.substring(0, 10) + ((CHILD.charAt(10) - '0' + 1) % 10);
            form.put("member1.residentCode", wrong);
            fill(browser, form);
            shot(browser, "10-transfer-out-certificate-form.png");

            submit(browser);
            browser.waitFor("the refusal", "document.getElementById('refusal')", WAIT);
            shot(browser, "11-transfer-out-certificate-refused.png");
            assertThat(browser.text()).contains("受け付けられませんでした", "INVALID_RESIDENT_CODE", "member1.residentCode");
            assertThat(browser.eval("document.getElementById('member1.residentCode').classList.contains('wrong')").asBoolean()).isTrue();
            assertThat(register(SHINJUKU).latest(HOLDER)).as("nothing registered").isEmpty();

            fill(browser, Map.of("member1.residentCode", CHILD));
            submit(browser);
            browser.waitFor("the registration", "document.getElementById('submitted')", WAIT);
            shot(browser, "12-transfer-out-certificate-registered.png");
            assertThat(browser.text()).contains("このノードに登録しました", "transfer-out-certificate");
        }
        assertThat(register(SHINJUKU).latest(HOLDER).orElseThrow().certificate().householdMembers())
                .singleElement().satisfies(m -> assertThat(m.name()).isEqualTo(CHILD_NAME));

        // Osaka-shi's resident-record system notifies the first transfer-in of the holder and the child
        net.drop(OSAKA, "first-transfer-in", "n-term.xml", SpecialTransferFiles.with(
                SpecialTransferFiles.firstTransferIn("N-TERM-1", HOLDER, HOLDER_NAME, "1985-04-01", OSAKA, SHINJUKU),
                "FirstTransferInNotice", SpecialTransferFiles.askedMember(CHILD, CHILD_NAME, "子")));
        String info = arrival(OSAKA, "transfer-out-certificate-info", "<NoticeId>N-TERM-1</NoticeId>");
        assertThat(info).contains("<Status>FOUND</Status>", "<RegistrationId>T-TERM-1</RegistrationId>",
                "<Name>" + HOLDER_NAME + "</Name>", "<ResidentCode>" + CHILD + "</ResidentCode>", "<Name>" + CHILD_NAME + "</Name>");

        assertThat(operations(SHINJUKU, "transfer-out-certificate")).extracting(AuditEntry::detail)
                .anyMatch(d -> d.contains("entry refused (INVALID_RESIDENT_CODE)"))
                .anyMatch(d -> d.contains("handled on this node"));
        assertThat(entries(SHINJUKU, AuditKind.LOCAL_INPUT_HANDLED)).filteredOn(e -> "transfer-out-certificate".equals(e.flow()))
                .extracting(AuditEntry::actor).containsExactly("legacy-operator:" + OPERATOR);
    }

    @Test
    @Order(2)
    void a_certificate_copy_request_goes_to_the_home_municipality_is_answered_there_and_printed_here() throws Exception {
        String messageId;
        try (Chromium shinjuku = loggedIn(SHINJUKU)) {
            shinjuku.navigate(net.managementUrl(SHINJUKU) + "/terminal/certificate-copy-request");
            shinjuku.waitFor("the form", "document.getElementById('requestId')", WAIT);
            fill(shinjuku, request());
            shot(shinjuku, "20-certificate-copy-request-form.png");
            submit(shinjuku);
            shinjuku.waitFor("the request sent", "document.getElementById('submitted')", WAIT);
            shot(shinjuku, "21-certificate-copy-request-sent.png");
            messageId = shinjuku.eval("document.getElementById('submitted-message-id').innerText").asText();
            assertThat(shinjuku.text()).contains("送信しました", "R-TERM-1", "回答待ち");
        }
        await().atMost(WAIT).until(() -> net.deliveredIds(OSAKA, "certificate-copy-request").contains(messageId));

        try (Chromium osaka = loggedIn(OSAKA)) {
            osaka.navigate(net.managementUrl(OSAKA) + "/terminal/certificate-copy-review");
            osaka.waitFor("the open request", "document.getElementById('open') && document.body.innerText.includes('R-TERM-1')", WAIT);
            shot(osaka, "22-certificate-copy-review-list.png");
            osaka.eval("document.querySelector('#open a').click(); true");
            osaka.waitFor("the request", "document.getElementById('request')", WAIT);
            assertThat(osaka.text()).contains("R-TERM-1", HOLDER_NAME, "新宿区", "請求者本人のみ");
            // the requester was asked for alone, without the relationship: the reply handler refuses more
            fill(osaka, Map.of("answer", "certificate", "person1.relationship", "世帯主", "person1.becameResidentDate", "2010-04-01"));
            shot(osaka, "23-certificate-copy-review.png");
            submit(osaka);
            osaka.waitFor("the refusal", "document.getElementById('refusal')", WAIT);
            shot(osaka, "24-certificate-copy-answer-refused.png");
            assertThat(osaka.text()).contains("FLOW_RULE", "did not ask for the household head and relationship");

            fill(osaka, Map.of("person1.relationship", ""));
            submit(osaka);
            osaka.waitFor("the answer sent", "document.getElementById('submitted')", WAIT);
            shot(osaka, "25-certificate-copy-answered.png");
            osaka.navigate(net.managementUrl(OSAKA) + "/terminal/certificate-copy-review");
            osaka.waitFor("the list", "document.getElementById('none')", WAIT);
        }

        try (Chromium shinjuku = loggedIn(SHINJUKU)) {
            String page = net.managementUrl(SHINJUKU) + "/terminal/certificate-copy-request";
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).until(() -> {
                shinjuku.navigate(page);
                return shinjuku.eval("document.querySelector('#sent a.print') !== null").asBoolean();
            });
            shot(shinjuku, "26-certificate-copy-answered-list.png");
            shinjuku.navigate(page + "/copy/" + messageId);
            shinjuku.waitFor("the copy", "document.body.innerText.includes('相違ないことを証明する')", WAIT);
            shot(shinjuku, "27-certificate-copy-printable.png");
            assertThat(shinjuku.text()).contains("住民票の写し", HOLDER_NAME, "大阪市", "認証者");
        }
        assertThat(operations(OSAKA, "certificate-copy-review")).extracting(AuditEntry::detail)
                .anyMatch(d -> d.startsWith("terminal certificate-copy-review: opened request R-TERM-1"))
                .anyMatch(d -> d.contains("entry refused (FLOW_RULE)")).anyMatch(d -> d.contains("sent as message"));
        assertThat(operations(SHINJUKU, "certificate-copy-request")).extracting(AuditEntry::detail)
                .anyMatch(d -> d.contains("sent as message " + messageId))
                .anyMatch(d -> d.contains("opened the printable copy answering message " + messageId));
        assertThat(entries(SHINJUKU, AuditKind.MESSAGE_QUEUED)).filteredOn(e -> messageId.equals(e.messageId()))
                .extracting(AuditEntry::actor).containsExactly("legacy-operator:" + OPERATOR);
    }

    @Test
    @Order(3)
    void identity_information_entered_at_the_counter_reaches_the_prefecture() throws Exception {
        try (Chromium browser = loggedIn(SHINJUKU)) {
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal/identity-info");
            browser.waitFor("the form", "document.getElementById('residentCode')", WAIT);
            Map<String, String> form = identity();
            form.put("changeDate", "2026-11-31");
            fill(browser, form);
            shot(browser, "30-identity-info-form.png");
            submit(browser);
            browser.waitFor("the refusal", "document.getElementById('refusal')", WAIT);
            shot(browser, "31-identity-info-refused.png");
            assertThat(browser.text()).contains("SCHEMA", "changeDate");

            fill(browser, Map.of("changeDate", "2026-11-30"));
            submit(browser);
            browser.waitFor("the update sent", "document.getElementById('submitted')", WAIT);
            shot(browser, "32-identity-info-sent.png");
        }
        await().atMost(WAIT).until(() -> !IdentityRecords.store(net, TOKYO_PREF).queryForList(
                "select name from identity_record where resident_code = ? and superseded_at is null", String.class, HOLDER).isEmpty());
        assertThat(IdentityRecords.store(net, TOKYO_PREF).queryForObject(
                "select name from identity_record where resident_code = ? and superseded_at is null", String.class, HOLDER))
                .isEqualTo(HOLDER_NAME);
        assertThat(operations(SHINJUKU, "identity-info")).extracting(AuditEntry::detail)
                .anyMatch(d -> d.contains("entry refused (SCHEMA)")).anyMatch(d -> d.contains("sent as message"));
    }

    @Test
    @Order(9)
    void an_operator_without_the_tasks_permission_is_refused_and_no_action_names_a_resident() throws Exception {
        try (Chromium checker = Chromium.start(cards.p12(CHECKER), SecureFiles.readPassword(cards.passwordFile(CHECKER)), rootCa())) {
            checker.navigate(net.managementUrl(SHINJUKU) + "/terminal");
            TerminalBrowserIT.login(checker, CHECKER, CHECKER_PIN);
            checker.waitFor("the terminal's menu", "location.pathname === '/terminal' && document.body.innerText.includes('業務の選択')", WAIT);
            assertThat(checker.text()).doesNotContain("住民票の写しの交付の請求").doesNotContain("転出証明書情報の入力");
            checker.navigate(net.managementUrl(SHINJUKU) + "/terminal/certificate-copy-request");
            checker.waitFor("the refusal", "document.body.innerText.includes('権限がありません')", WAIT);
            shot(checker, "19-entry-permission-refused.png");
            assertThat(checker.text()).contains("operator " + CHECKER + " does not have the permission terminal:certificate-copy-request");
        }
        assertThat(entries(SHINJUKU, AuditKind.PERMISSION_DENIED)).extracting(AuditEntry::actor, AuditEntry::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("operator:" + CHECKER, "missing permission terminal:certificate-copy-request"));

        for (String node : List.of(SHINJUKU, OSAKA)) {
            assertThat(entries(node, AuditKind.OPERATION)).filteredOn(e -> e.detail().startsWith("terminal "))
                    .allSatisfy(e -> assertThat(e.actor()).isEqualTo("operator:" + OPERATOR))
                    .extracting(AuditEntry::detail).noneMatch(d -> d.contains(HOLDER) || d.contains(CHILD)
                            || d.contains(HOLDER_NAME) || d.contains(CHILD_NAME));
        }
    }

    // --- the forms ---

    static Map<String, String> transferOut() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("registrationId", "T-TERM-1");
        form.put("residentCode", HOLDER);
        form.put("name", HOLDER_NAME);
        form.put("nameKana", "ジュウキハナコ");
        form.put("birthDate", "1985-04-01");
        form.put("sex", "2");
        form.put("address", "東京都新宿区歌舞伎町一丁目4番1号");
        form.put("householdHead", HOLDER_NAME);
        form.put("relationship", "世帯主");
        form.put("plannedTransferOutDate", "2026-12-20");
        form.put("newAddress", "大阪府大阪市北区中之島一丁目3番20号");
        form.put("cardNumber", "JK00012345");
        form.put("plannedNewMunicipality", OSAKA);
        form.put("member1.residentCode", CHILD);
        form.put("member1.name", CHILD_NAME);
        form.put("member1.birthDate", "2015-05-05");
        form.put("member1.sex", "1");
        form.put("member1.relationship", "子");
        return form;
    }

    static Map<String, String> request() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("requestId", "R-TERM-1");
        form.put("homeMunicipality", OSAKA);
        form.put("name", HOLDER_NAME);
        form.put("nameKana", "ジュウキハナコ");
        form.put("birthDate", "1985-04-01");
        form.put("sex", "2");
        form.put("address", "大阪府大阪市北区中之島一丁目3番20号");
        form.put("identityCheck", "resident-card");
        form.put("scope", "requester");
        form.put("copies", "1");
        return form;
    }

    static Map<String, String> identity() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("residentCode", HOLDER);
        form.put("name", HOLDER_NAME);
        form.put("birthDate", "1985-04-01");
        form.put("sex", "2");
        form.put("address", "東京都新宿区西新宿二丁目8番1号");
        form.put("changeReason", "TRANSFER_IN");
        return form;
    }

    // --- helpers ---

    /** Chromium holding the provisioned operator's card, logged in to the node's terminal. */
    static Chromium loggedIn(String code) throws Exception {
        Chromium browser = Chromium.start(net.network.operatorCard(), SecureFiles.readPassword(net.network.operatorCardPasswordFile()),
                rootCa());
        browser.navigate(net.managementUrl(code) + "/terminal");
        TerminalBrowserIT.login(browser, OPERATOR, new String(net.operatorPin()));
        browser.waitFor("the terminal's menu", "location.pathname === '/terminal' && document.body.innerText.includes('業務の選択')", WAIT);
        return browser;
    }

    static Path rootCa() {
        return net.network.ca().directory().resolve(CertificateAuthority.CERT_FILE);
    }

    /** Sets the form's fields by name: text and selects get the value, a radio group the one of that value. */
    static void fill(Chromium browser, Map<String, String> values) throws Exception {
        browser.eval("""
                Object.entries(%s).forEach(([name, value]) => {
                  const fields = document.getElementsByName(name);
                  if (fields.length === 0) throw new Error('no field ' + name);
                  if (fields[0].type === 'radio') { fields.forEach(f => f.checked = (f.value === value)); }
                  else if (fields[0].type === 'checkbox') { fields[0].checked = (value === 'true'); }
                  else { fields[0].value = value; }
                }); true""".formatted(JSON.writeValueAsString(values)));
    }

    /** Sends the page's form and waits for the page that answers it (the old page is marked, the new one is not). */
    static void submit(Chromium browser) throws Exception {
        browser.eval("window.jukibusSent = true; document.querySelector('main form button[type=submit]').click(); true");
        browser.waitFor("the answer to the form", "!window.jukibusSent && document.readyState === 'complete'", WAIT);
    }

    /** A screenshot of the whole page, however long the form. */
    static void shot(Chromium browser, String name) throws Exception {
        int height = browser.eval("Math.max(document.documentElement.scrollHeight, 600)").asInt();
        JsonNode shot = browser.call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", 1600, "height", height, "scale", 1)));
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name), Base64.getDecoder().decode(shot.path("data").asText()));
    }

    static CertificateRegister register(String code) {
        return net.context(code).getBean(CertificateRegister.class);
    }

    /** The file of a node's legacy outbox for a flow holding {@code text}, once it arrives. */
    static String arrival(String code, String flow, String text) throws Exception {
        String[] found = new String[1];
        await().atMost(WAIT).until(() -> {
            for (Path f : net.files(code, "outbox", flow)) {
                String content = Files.readString(f, StandardCharsets.UTF_8);
                if (content.contains(text)) {
                    found[0] = content;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    static List<AuditEntry> operations(String code, String task) throws Exception {
        return entries(code, AuditKind.OPERATION).stream().filter(e -> e.detail().startsWith("terminal " + task + ": ")).toList();
    }

    static List<AuditEntry> entries(String code, AuditKind kind) throws Exception {
        return HashChainLog.entries(net.node(code).home().resolve("audit")).stream().filter(e -> e.kind() == kind).toList();
    }
}
