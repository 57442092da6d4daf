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
        }
        List<AuditEntry> done = entries(SHINJUKU, AuditKind.OPERATION);
        assertThat(done).filteredOn(e -> e.detail().startsWith("terminal card-check: "))
                .extracting(AuditEntry::actor).containsOnly("operator:" + NetworkProvisioner.OPERATOR).hasSize(2);
        assertThat(done).extracting(AuditEntry::detail).noneMatch(d -> d.contains(RESIDENT));
        assertThat(entries(SHINJUKU, AuditKind.LOCAL_INPUT_HANDLED)).filteredOn(e -> "card-check".equals(e.flow()))
                .extracting(AuditEntry::actor).containsExactly("legacy-operator:" + NetworkProvisioner.OPERATOR);
    }

    @Test
    @Order(9)
    void an_operator_without_the_tasks_permission_is_refused() throws Exception {
        try (Chromium browser = Chromium.start(cards.p12(COUNTER), SecureFiles.readPassword(cards.passwordFile(COUNTER)), rootCa())) {
            browser.navigate(net.managementUrl(SHINJUKU) + "/terminal");
            login(browser, COUNTER, COUNTER_PIN);
            browser.waitFor("the terminal's menu", "location.pathname === '/terminal' && document.body.innerText.includes('業務の選択')", WAIT);
            assertThat(browser.text()).doesNotContain("住民基本台帳カードの保有の確認");
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
