package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.demo.NetworkProvisioner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An operator's view of a node in a real browser: headless Chromium, holding the operator's card
 * (TLS client certificate), logs in with the operator's id and PIN to the node's management port and reads, from Hawtio's pages, the node's Camel routes and flow queues and
 * its dead-letter queue with the number of dead letters put there first; then, in Artemis's own console
 * ({@code /console/}), the node's queues with their message counts, the DLQ's actions without Delete, Purge or Send,
 * and the server refusing those changes anyway (purge, delete, send) while browsing is allowed and logged. Screenshots of each step
 * go to {@code target/hawtio-screenshots/}.
 */
@Tag("slow")
class HawtioBrowserIT {

    static final int DEAD_LETTERS = 3;
    static final Path SHOTS = Path.of("target", "hawtio-screenshots");
    static final Duration WAIT = Duration.ofSeconds(90);

    @Provisioned(value = {SHINJUKU, OSAKA}, started = OSAKA)
    static TestNetwork net;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < DEAD_LETTERS; i++) { // garbage put on the inbound queue as the node itself
            net.put(OSAKA, "jukibus.inbound.transfer-in", ("garbage " + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> DeadLetterAssert.count(net, OSAKA) == DEAD_LETTERS);
    }

    @Test
    void an_operator_sees_routes_flow_queues_and_the_dead_letter_count_in_hawtio() throws Exception {
        String base = net.managementUrl(OSAKA);
        String broker = "org.apache.activemq.artemis-folder-jukibus-" + OSAKA + "-folder-addresses-folder-";
        try (Chromium browser = Chromium.start(net.network.operatorCard(),
                org.jukibus.pki.SecureFiles.readPassword(net.network.operatorCardPasswordFile()),
                net.network.ca().directory().resolve(org.jukibus.pki.CertificateAuthority.CERT_FILE))) {
            // Hawtio is behind the login: the browser is sent to the form first
            browser.navigate(base + "/actuator/hawtio/");
            browser.waitFor("the login form", "location.pathname === '/login' && document.querySelector('input[name=password]') !== null",
                    WAIT);
            browser.screenshot(SHOTS.resolve("1-login.png"));
            assertThat(browser.text()).as("the login form in the operator's words").contains("Operator ID", "PIN")
                    .doesNotContain("Username", "Password");
            ObjectMapper json = new ObjectMapper();
            browser.eval("document.querySelector('input[name=username]').value = " + json.writeValueAsString(NetworkProvisioner.OPERATOR) + ";"
                    + "document.querySelector('input[name=password]').value = " + json.writeValueAsString(new String(net.operatorPin())) + ";"
                    + "document.querySelector('form').submit(); true");

            // Camel: the node's routes and the queues they read and write
            browser.waitFor("Hawtio's Camel page", "document.body.innerText.includes('transfer-in-delivery')", WAIT);
            browser.screenshot(SHOTS.resolve("2-camel-routes.png"));
            String camel = browser.text();
            assertThat(camel).contains("jukibus-" + OSAKA, "forward-outbound", "receipt-delivery", "transfer-in-delivery",
                    "transfer-in-intake", "jms://queue:jukibus.inbound.transfer-in", "jms://queue:jukibus.inbound.receipt",
                    "jms://queue:jukibus.outbound", "jms://queue:jukibus.dlq");

            // JMX: the node's Artemis broker and its flow queues
            browser.navigate(base + "/actuator/hawtio/jmx");
            browser.waitFor("the JMX tree", "document.querySelector('#input-search') !== null", WAIT);
            // every flow's inbound queue the broker has (the flows a municipal node receives)
            List<String> flowQueues = net.broker(OSAKA).getPostOffice().getAllBindings()
                    .map(b -> b.getUniqueName().toString()).filter(n -> n.startsWith("jukibus.inbound.")).toList();
            assertThat(flowQueues).contains("jukibus.inbound.transfer-in", "jukibus.inbound.receipt");
            search(browser, "jukibus.inbound");
            JsonNode queues = browser.waitFor("the flow queues in the tree", "(() => { const q = Array.from("
                    + "document.querySelectorAll('li.pf-v5-c-tree-view__list-item')).filter(li => li.id.startsWith('" + broker + "')"
                    + " && li.id.includes('-queues-folder-anycast-folder-')).map(li => li.querySelector('.pf-v5-c-tree-view__node-text').innerText);"
                    + " return q.length >= " + flowQueues.size() + " ? q : null; })()", WAIT);
            browser.screenshot(SHOTS.resolve("3-artemis-flow-queues.png"));
            List<String> names = new java.util.ArrayList<>();
            queues.forEach(q -> names.add(q.asText()));
            assertThat(names).containsExactlyInAnyOrderElementsOf(flowQueues);

            // the dead-letter queue and how many dead letters it holds
            search(browser, "jukibus.dlq");
            String dlqNode = broker + "jukibus.dlq-folder-queues-folder-anycast-folder-jukibus.dlq";
            browser.waitFor("the DLQ in the tree", "document.getElementById('" + dlqNode + "') !== null", WAIT);
            browser.eval("document.getElementById('" + dlqNode + "').querySelector('button').click(); true");
            String count = browser.waitFor("the DLQ's MessageCount", rowValue("MessageCount"), WAIT).asText();
            browser.eval("Array.from(document.querySelectorAll('tr')).find(tr => tr.innerText.trim().startsWith('MessageCount')).scrollIntoView(); true");
            browser.screenshot(SHOTS.resolve("4-dlq-message-count.png"));
            assertThat(browser.text()).contains("queue=\"jukibus.dlq\"", "broker=\"jukibus-" + OSAKA + "\"");
            assertThat(count).as("MessageCount of jukibus.dlq as Hawtio shows it").isEqualTo(String.valueOf(DEAD_LETTERS));

            // the node's dead-letter operations, runnable from Hawtio
            search(browser, "DeadLetters");
            String mbean = "org.jukibus-folder-" + OSAKA + "-folder-DeadLetters";
            browser.waitFor("the DeadLetters MBean", "document.getElementById('" + mbean + "') !== null", WAIT);
            browser.eval("document.getElementById('" + mbean + "').querySelector('button').click(); true");
            assertThat(browser.waitFor("the DeadLetters depth", rowValue("Depth"), WAIT).asText()).isEqualTo(String.valueOf(DEAD_LETTERS));
            browser.eval("Array.from(document.querySelectorAll('button, a')).find(e => e.innerText.trim() === 'Operations').click(); true");
            browser.waitFor("the dead-letter operations", "document.body.innerText.includes('purge(String, boolean)')", WAIT);
            browser.screenshot(SHOTS.resolve("5-dead-letter-operations.png"));
            assertThat(browser.text()).contains("list(String)", "show(String)", "replay(String)", "replayAll(String)",
                    "purge(String, boolean)");

            // Artemis's own console, same login: the node's queues with their message counts
            browser.navigate(base + "/console/artemis");
            browser.waitFor("the Artemis console's Queues tab", tab("Queues") + " !== undefined", WAIT);
            browser.eval(tab("Queues") + ".click(); true");
            JsonNode table = browser.waitFor("the queues table with jukibus.dlq and a flow's inbound queue", "(() => {"
                    + " const heads = Array.from(document.querySelectorAll('thead th')).map(th => th.innerText.trim());"
                    + " const name = heads.indexOf('Name'), count = heads.indexOf('Message Count');"
                    + " const rows = Array.from(document.querySelectorAll('tbody tr')).map(tr => Array.from(tr.querySelectorAll('td'))"
                    + ".map(td => td.innerText.trim())).filter(cells => cells.length > Math.max(name, count))"
                    + ".map(cells => ({name: cells[name], count: cells[count]}));"
                    + " return name >= 0 && count >= 0 && rows.some(r => r.name === 'jukibus.dlq')"
                    + " && rows.some(r => r.name === 'jukibus.inbound.transfer-in') ? rows : null; })()", WAIT);
            browser.screenshot(SHOTS.resolve("6-artemis-console-queues.png"));
            java.util.Map<String, String> counts = new java.util.HashMap<>();
            table.forEach(row -> counts.put(row.get("name").asText(), row.get("count").asText()));
            assertThat(counts).containsEntry("jukibus.dlq", String.valueOf(DEAD_LETTERS))
                    .containsEntry("jukibus.inbound.transfer-in", "0");
            assertThat(browser.text()).as("the broker the console found").contains("Broker: jukibus-" + OSAKA);

            // it offers on the DLQ only what the server allows: browsing (dlq.read), not deleting, purging or sending
            browser.eval("(() => { const row = Array.from(document.querySelectorAll('tbody tr')).find(tr => Array.from("
                    + "tr.querySelectorAll('td')).some(td => td.innerText.trim() === 'jukibus.dlq'));"
                    + " row.querySelector('td:last-child button').click(); return true; })()");
            JsonNode actions = browser.waitFor("the DLQ's actions", "(() => { const items = Array.from(document.querySelectorAll("
                    + "'[role=menuitem]')).map(i => i.innerText.trim()).filter(t => t); return items.length ? items : null; })()", WAIT);
            browser.screenshot(SHOTS.resolve("7-artemis-console-dlq-actions.png"));
            List<String> offered = new java.util.ArrayList<>();
            actions.forEach(a -> offered.add(a.asText()));
            assertThat(offered).contains("Browse Messages").doesNotContain("Delete", "Purge", "Send Message");

            // what the console offers that changes the broker, the server refuses, and logs, whatever the operator's permissions
            String dlq = "org.apache.activemq.artemis:broker=\"jukibus-" + OSAKA + "\",component=addresses,address=\"jukibus.dlq\","
                    + "subcomponent=queues,routing-type=\"anycast\",queue=\"jukibus.dlq\"";
            String brokerMBean = "org.apache.activemq.artemis:broker=\"jukibus-" + OSAKA + "\"";
            JsonNode purge = jolokia(browser, dlq, "removeAllMessages()");
            JsonNode delete = jolokia(browser, brokerMBean, "destroyQueue(java.lang.String)", "jukibus.inbound.transfer-in");
            JsonNode send = jolokia(browser, dlq, "sendMessage(java.util.Map,int,java.lang.String,boolean,java.lang.String,java.lang.String)",
                    java.util.Map.of(), 3, "hello", false, "", "");
            for (JsonNode refused : List.of(purge, delete, send)) {
                assertThat(refused.path("status").asInt()).as(refused.toString()).isEqualTo(403);
            }
            assertThat(DeadLetterAssert.count(net, OSAKA)).as("dead letters after the refused purge and send").isEqualTo(DEAD_LETTERS);
            assertThat(net.broker(OSAKA).locateQueue("jukibus.inbound.transfer-in")).as("the queue it refused to delete").isNotNull();
            assertThat(entries(AuditKind.PERMISSION_DENIED)).extracting(AuditEntry::detail).anySatisfy(d -> assertThat(d)
                            .matches("broker removeAllMessages(\\(\\))? on queue jukibus\\.dlq refused: .*dead-letter operations.*"))
                    .anySatisfy(d -> assertThat(d).matches("broker destroyQueue(\\(java\\.lang\\.String\\))? on broker jukibus-"
                            + OSAKA + " refused: .*"))
                    .anySatisfy(d -> assertThat(d).matches("broker sendMessage(\\(.*\\))? on queue jukibus\\.dlq refused: .*"));

            // browsing messages (the console's message view) needs dlq.read and is written to the operation log
            JsonNode browsed = jolokia(browser, dlq, "browse()");
            assertThat(browsed.path("status").asInt()).as(browsed.toString()).isEqualTo(200);
            assertThat(browsed.path("value")).hasSize(DEAD_LETTERS);
            JsonNode firstMessage = jolokia(browser, java.util.Map.of("type", "read", "mbean", dlq, "attribute", "FirstMessageAsJSON"));
            assertThat(firstMessage.path("status").asInt()).as("the attribute holding a message: " + firstMessage).isEqualTo(403);
            assertThat(entries(AuditKind.OPERATION)).anySatisfy(e -> {
                assertThat(e.actor()).isEqualTo("operator:" + NetworkProvisioner.OPERATOR);
                assertThat(e.detail()).matches("broker browse(\\(\\))? on queue jukibus\\.dlq");
            });
        }
    }

    /** A Tab of the Artemis console by its title, as JavaScript (undefined while it is not there). */
    private static String tab(String title) {
        return "Array.from(document.querySelectorAll('button[role=tab]')).find(b => b.innerText.trim() === '" + title + "')";
    }

    /**
     * Runs a broker MBean operation as the Artemis console does: a Jolokia exec through the console's own back end,
     * in the logged-in page (session cookie, XSRF header). Returns Jolokia's answer.
     */
    private static JsonNode jolokia(Chromium browser, String mbean, String operation, Object... arguments) throws Exception {
        return jolokia(browser, java.util.Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments", List.of(arguments)));
    }

    private static JsonNode jolokia(Chromium browser, java.util.Map<String, Object> body) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String request = json.writeValueAsString(body);
        return browser.eval("(async () => { const xsrf = decodeURIComponent((document.cookie.split('; ')"
                + ".find(c => c.startsWith('XSRF-TOKEN=')) || '=').split('=')[1]);"
                + " const r = await fetch('/console/jolokia/', {method: 'POST', credentials: 'same-origin',"
                + " headers: {'Content-Type': 'application/json', 'X-XSRF-TOKEN': xsrf}, body: " + json.writeValueAsString(request) + "});"
                + " return await r.json(); })()");
    }

    private static List<AuditEntry> entries(AuditKind kind) throws Exception {
        return HashChainLog.entries(net.node(OSAKA).home().resolve("audit")).stream().filter(e -> e.kind() == kind).toList();
    }

    /** Types into the JMX tree's search box (a React input: set through the native setter, then an input event). */
    private static void search(Chromium browser, String term) throws Exception {
        browser.eval("(() => { const box = document.querySelector('#input-search');"
                + " Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(box, " + new ObjectMapper().writeValueAsString(term) + ");"
                + " box.dispatchEvent(new Event('input', {bubbles: true})); return true; })()");
    }

    /** JavaScript reading the value cell of an attribute row in Hawtio's attribute table, or null. */
    private static String rowValue(String attribute) {
        return "(() => { const row = Array.from(document.querySelectorAll('tr')).map(tr => Array.from(tr.querySelectorAll('td'))"
                + ".map(td => td.innerText.trim())).find(cells => cells[0] === '" + attribute + "'); return row ? row[1] : null; })()";
    }
}
