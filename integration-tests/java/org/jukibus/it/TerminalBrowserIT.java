package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.demo.NetworkProvisioner;
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
 * The counter terminal (端末機) in a real browser: headless Chromium holding an operator card logs in to Shinjuku's
 * (131041) and Osaka-shi's (271004) terminals with the card and PIN and does each read-only task end to end. A
 * screenshot of every screen goes to {@code docs/terminal/} (docs/terminal.md shows them). A wrong PIN and an operator
 * without the task's permission are refused, and the operation log names the operator of every action.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TerminalBrowserIT {

    static final Path SHOTS = Path.of("docs", "terminal");
    static final Duration WAIT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();
    /** An operator registered at Shinjuku with the status page only. */
    static final String COUNTER = "counter";
    static final String COUNTER_PIN = "8642";
    static final String NAME = "住基 一郎";

    @TempDir
    static Path root;
    @Provisioned({SHINJUKU, OSAKA})
    static TestNetwork net;
    static OperatorCards cards;

    @BeforeAll
    static void start() throws Exception {
        cards = new OperatorCards(root);
        Instant now = Instant.now();
        cards.register(net, SHINJUKU, cards.issue(net.network.ca(), COUNTER, now.minusSeconds(60), now.plus(Duration.ofDays(30))),
                COUNTER_PIN, "terminal:status");
        net.start(SHINJUKU, OSAKA);
        handle(SHINJUKU, "resident-card", "card-1.xml",
                SpecialTransferFiles.residentCard(SHINJUKU, RESIDENT, "C0000001", "ISSUED", "2024-04-01"));
    }

    @Test
    @Order(1)
    void a_wrong_pin_is_refused_and_the_right_one_opens_the_terminal() throws Exception {
        try (Chromium browser = operatorBrowser()) {
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal");
            login(browser, NetworkProvisioner.OPERATOR, "0000");
            browser.waitFor("the refusal", "location.search.includes('error') && document.body.innerText.includes('Login refused')", WAIT);
            browser.screenshot(SHOTS.resolve("0-wrong-pin.png"));
            assertThat(entries(SHINJUKU, AuditKind.OPERATOR_LOGIN_REFUSED)).extracting(AuditEntry::detail)
                    .anyMatch(d -> d.startsWith("wrong PIN for operator " + NetworkProvisioner.OPERATOR));

            login(browser, NetworkProvisioner.OPERATOR, new String(net.operatorPin()));
            browser.waitFor("the terminal's menu", "location.pathname === '/terminal' && document.body.innerText.includes('業務の選択')", WAIT);
            browser.screenshot(SHOTS.resolve("1-menu.png"));
            assertThat(browser.text()).contains("端末機", "ノード " + SHINJUKU, "運用担当者", "住民基本台帳カードの保有の確認", "terminal:card-check");
        }
    }

    @Test
    @Order(2)
    void the_card_holding_check_answers_from_the_card_register() throws Exception {
        try (Chromium browser = loggedIn(SHINJUKU)) {
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal/card-check");
            browser.screenshot(SHOTS.resolve("2-card-check-form.png"));
            type(browser, "residentCode", RESIDENT);
            browser.eval("document.querySelector('main form button').click(); true");
            browser.waitFor("the answer", "document.getElementById('result')", WAIT);
            browser.screenshot(SHOTS.resolve("3-card-check-result.png"));
            assertThat(browser.text()).contains("有効な住民基本台帳カードを保有しています", "HOLDS_CARD", RESIDENT, "C0000001", "2024-04-01");

            // a code whose check digit is wrong is refused by the flow's own intake, with its reason
            type(browser, "residentCode", "70000000008");
            browser.eval("document.querySelector('main form button').click(); true");
            browser.waitFor("the refusal", "document.querySelector('.refused')", WAIT);
            browser.screenshot(SHOTS.resolve("4-card-check-refused.png"));
            assertThat(browser.text()).contains("受け付けられませんでした", "INVALID_RESIDENT_CODE");

            // the same post without the form's CSRF token, as another site would send it, is refused
            assertThat(browser.eval("fetch('/terminal/card-check', {method: 'POST', headers: {'Content-Type':"
                    + " 'application/x-www-form-urlencoded'}, body: 'residentCode=" + RESIDENT + "'}).then(r => r.status)").asInt())
                    .isEqualTo(403);
        }
        List<AuditEntry> done = entries(SHINJUKU, AuditKind.OPERATION);
        assertThat(done).filteredOn(e -> e.detail().startsWith("terminal card-check: "))
                .extracting(AuditEntry::actor).containsOnly("operator:" + NetworkProvisioner.OPERATOR).hasSize(2);
        assertThat(done).extracting(AuditEntry::detail).noneMatch(d -> d.contains(RESIDENT));
        assertThat(entries(SHINJUKU, AuditKind.LOCAL_INPUT_HANDLED)).filteredOn(e -> "card-check".equals(e.flow()))
                .extracting(AuditEntry::actor).containsExactly("legacy-operator:" + NetworkProvisioner.OPERATOR);
    }

    @Test
    @Order(3)
    void received_certificate_info_and_first_transfer_in_notices_are_listed_read_and_printable() throws Exception {
        handle(SHINJUKU, "transfer-out-certificate", "reg-1.xml",
                SpecialTransferFiles.certificate("REG-1", RESIDENT, NAME, "大阪府大阪市北区中之島一丁目3番20号", SHINJUKU, OSAKA));
        handle(OSAKA, "first-transfer-in", "n-1.xml", SpecialTransferFiles.firstTransferIn("N-1", RESIDENT, NAME, "1975-06-15", OSAKA, SHINJUKU));
        await().atMost(WAIT).until(() -> net.deliveredIds(OSAKA, "transfer-out-certificate-info").size() == 1);
        String notice = net.deliveredIds(SHINJUKU, "first-transfer-in").get(0);
        String info = net.deliveredIds(OSAKA, "transfer-out-certificate-info").get(0);

        // the old municipality (Shinjuku) reads the notice Osaka-shi sent
        try (Chromium browser = loggedIn(SHINJUKU)) {
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal/received");
            assertThat(browser.text()).contains("最初の転入届を受けた旨の通知", OSAKA, notice).doesNotContain(NAME, RESIDENT);
            browser.eval("document.querySelector('#received a').click(); true");
            browser.waitFor("the notice", "document.getElementById('sheet')", WAIT);
            assertThat(browser.text()).contains(notice, NAME, RESIDENT, "N-1");
        }
        // the new municipality (Osaka-shi) reads and prints the certificate info Shinjuku answered with
        try (Chromium browser = loggedIn(OSAKA)) {
            browser.navigate(net.managementUrl(OSAKA) + "/terminal/received");
            browser.screenshot(SHOTS.resolve("5-received-list.png"));
            assertThat(browser.text()).contains("転出証明書情報の通知", SHINJUKU, info).doesNotContain(NAME, RESIDENT);
            type(browser, "messageId", info);
            browser.eval("document.querySelector('main form button').click(); true");
            browser.waitFor("the certificate info", "document.getElementById('sheet')", WAIT);
            browser.screenshot(SHOTS.resolve("6-certificate-info.png"));
            assertThat(browser.text()).contains("転出証明書情報の通知", "メッセージID", info, "送信元", SHINJUKU,
                    "住民票コード", RESIDENT, "氏名", NAME, "男女の別", "1 (男)", "転出先(転出後の住所)", "大阪府大阪市北区中之島一丁目3番20号",
                    "登録の整理番号", "REG-1", "FOUND");
            browser.call("Emulation.setEmulatedMedia", java.util.Map.of("media", "print"));
            browser.screenshot(SHOTS.resolve("7-certificate-info-print.png"));
            assertThat(browser.eval("getComputedStyle(document.querySelector('header')).display").asText())
                    .as("the printout leaves out the terminal's header and menu").isEqualTo("none");
            browser.call("Emulation.setEmulatedMedia", java.util.Map.of("media", ""));

            browser.navigate(net.managementUrl(OSAKA) + "/terminal/received/show?messageId=" + notice);
            assertThat(browser.text()).as("only what this node received, by its exact id").contains("ありません").doesNotContain(NAME);
        }
        assertThat(entries(OSAKA, AuditKind.OPERATION)).filteredOn(e -> e.detail().equals("terminal received: read"))
                .extracting(AuditEntry::actor, AuditEntry::messageId, AuditEntry::flow)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("operator:" + NetworkProvisioner.OPERATOR, info,
                        "transfer-out-certificate-info"));
    }

    @Test
    @Order(4)
    void the_status_page_shows_the_municipalitys_own_traffic() throws Exception {
        net.put(OSAKA, "jukibus.inbound.transfer-in", "garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> DeadLetterAssert.count(net, OSAKA) == 1);
        String notice = net.deliveredIds(SHINJUKU, "first-transfer-in").get(0);
        try (Chromium browser = loggedIn(OSAKA)) {
            browser.navigate(net.managementUrl(OSAKA) + "/terminal/status");
            browser.screenshot(SHOTS.resolve("8-status.png"));
            List<String> sent = new java.util.ArrayList<>();
            browser.eval("Array.from(document.querySelectorAll('#sent tr')).map(r => Array.from(r.cells).map(c => c.innerText.trim()).join('|'))")
                    .forEach(row -> sent.add(row.asText()));
            assertThat(sent).as("the notice Osaka-shi sent was answered: delivered")
                    .contains("業務|PENDING|OVERDUE|DELIVERED|NOT_DELIVERED", "first-transfer-in|0|0|1|0");
            assertThat(browser.text()).contains("transfer-in: 1 件", "MALFORMED", notice);
            type(browser, "messageId", notice);
            browser.eval("document.querySelector('main form button').click(); true");
            browser.waitFor("the lookup", "document.getElementById('lookup')", WAIT);
            assertThat(browser.eval("document.getElementById('lookup').innerText").asText())
                    .contains(notice, "first-transfer-in", SHINJUKU, "DELIVERED", "n-1.xml", "QUEUED").doesNotContain(NAME, RESIDENT);
        }
    }

    @Test
    @Order(9)
    void an_operator_without_the_tasks_permission_is_refused() throws Exception {
        net.put(SHINJUKU, "jukibus.inbound.transfer-in", "garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> DeadLetterAssert.count(net, SHINJUKU) == 1);
        try (Chromium browser = Chromium.start(cards.p12(COUNTER), SecureFiles.readPassword(cards.passwordFile(COUNTER)), rootCa())) {
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal");
            login(browser, COUNTER, COUNTER_PIN);
            browser.waitFor("the terminal's menu", "location.pathname === '/terminal' && document.body.innerText.includes('業務の選択')", WAIT);
            assertThat(browser.text()).doesNotContain("住民基本台帳カードの保有の確認");
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal/status");
            assertThat(browser.text()).as("dead letters counted, not listed without dlq.read")
                    .contains("transfer-in: 1 件", "一覧の表示には権限 dlq.read:transfer-in が必要です").doesNotContain("MALFORMED");
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal/card-check");
            browser.waitFor("the refusal", "document.body.innerText.includes('権限がありません')", WAIT);
            browser.screenshot(SHOTS.resolve("9-permission-refused.png"));
            assertThat(browser.text()).contains("operator " + COUNTER + " does not have the permission terminal:card-check");
        }
        assertThat(entries(SHINJUKU, AuditKind.PERMISSION_DENIED)).extracting(AuditEntry::actor, AuditEntry::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("operator:" + COUNTER, "missing permission terminal:card-check"));
    }

    // --- helpers ---

    /** Chromium holding the provisioned operator's card. */
    static Chromium operatorBrowser() throws Exception {
        return Chromium.start(net.network.operatorCard(), SecureFiles.readPassword(net.network.operatorCardPasswordFile()), rootCa());
    }

    /** Chromium holding the provisioned operator's card, logged in to the node's terminal. */
    static Chromium loggedIn(String code) throws Exception {
        Chromium browser = operatorBrowser();
        browser.navigate(net.managementUrl(code) + "/terminal");
        login(browser, NetworkProvisioner.OPERATOR, new String(net.operatorPin()));
        browser.waitFor("the terminal's menu", "location.pathname === '/terminal' && document.body.innerText.includes('業務の選択')", WAIT);
        return browser;
    }

    static Path rootCa() {
        return net.network.ca().directory().resolve(CertificateAuthority.CERT_FILE);
    }

    /** Fills the management port's login form (the browser presents the card) and sends it. */
    static void login(Chromium browser, String operator, String pin) throws Exception {
        browser.waitFor("the login form", "location.pathname === '/login' && document.querySelector('input[name=password]') !== null", WAIT);
        type(browser, "username", operator);
        type(browser, "password", pin);
        browser.eval("document.querySelector('form').submit(); true");
    }

    static void type(Chromium browser, String id, String value) throws Exception {
        browser.eval("document.getElementById(" + JSON.writeValueAsString(id) + ").value = " + JSON.writeValueAsString(value) + "; true");
    }

    /** Drops a legacy input and waits until the node has handled it (not refused). */
    static void handle(String code, String flow, String file, byte[] content) throws Exception {
        net.drop(code, flow, file, content);
        Path report = net.node(code).legacyRoot().resolve("error").resolve(flow).resolve(file + ".error");
        await().atMost(WAIT).until(() -> Files.exists(report)
                || net.files(code, "sent", flow).stream().anyMatch(p -> p.getFileName().toString().equals(file)));
        assertThat(report).as("%s refused", file).doesNotExist();
    }

    static List<AuditEntry> entries(String code, AuditKind kind) throws Exception {
        return HashChainLog.entries(net.node(code).home().resolve("audit")).stream().filter(e -> e.kind() == kind).toList();
    }
}
