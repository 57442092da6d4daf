package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jukibus.flow.certificatecopy.SentRequests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 住民票の写しの交付の特例 (standard 第6の4) across a real network: Shinjuku and Bunkyo issue copies for
 * residents of Osaka-shi (another prefecture) and of each other. A request reaches the home municipality's
 * outbox, its reply reaches the issuing counter with a printable copy; refusals, timeouts, late answers and
 * bad input end in the legacy error folders with a report, nothing lost; and the prefecture and central
 * brokers never see any of it (第3の3(3)). The last test, ordered last, proves that for all the traffic.
 */
@Tag("slow")
// order is inherent: the last test proves that prefecture and central never carried any of the traffic the others sent
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CertificateCopyIT {

    static final String REQUEST = "certificate-copy-request";
    static final String REPLY = "certificate-copy-reply";

    @TempDir
    static Path root;
    @Provisioned({TOKYO_PREF, OSAKA_PREF, SHINJUKU, BUNKYO, OSAKA})
    static TestNetwork net;
    /** Every request and reply envelope id the tests saw, for the proof that prefecture and central never carried them. */
    static final List<String> messageIds = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // Bunkyo waits only briefly for answers, so that its requests time out within the test
        net.node(BUNKYO).properties().put("jukibus.certificate-copy.answer-timeout", "2s");
        net.node(BUNKYO).properties().put("jukibus.certificate-copy.check-interval", "200ms");
        net.start();
    }

    @Test
    @Order(1)
    void a_certificate_reaches_the_counter_as_the_reply_and_a_printable_copy() throws Exception {
        net.drop(SHINJUKU, REQUEST, "R-CERT-1.xml", CertificateCopies.request("R-CERT-1", SHINJUKU, OSAKA));
        String requestId = awaitDelivered(OSAKA, REQUEST, SHINJUKU, "R-CERT-1");
        awaitReceipt(SHINJUKU, requestId);

        net.drop(OSAKA, REPLY, "R-CERT-1.xml", CertificateCopies.certificate("R-CERT-1", OSAKA, SHINJUKU, false));
        String replyId = awaitDelivered(SHINJUKU, REPLY, OSAKA, "R-CERT-1");
        awaitReceipt(OSAKA, replyId);

        Path html = outbox(SHINJUKU, REPLY).resolve(OSAKA + "-" + replyId + ".html");
        assertThat(html).exists();
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).contains("<html lang=\"ja\">").contains("<meta charset=\"UTF-8\">").contains("住民票の写し")
                .contains(CertificateCopies.REQUESTER).contains(CertificateCopies.HOUSEHOLD_HEAD).contains("R-CERT-1")
                .contains("新宿区(131041)").contains("大阪市(271004)").contains("相違ないことを証明する");
        assertThat(sent(SHINJUKU).byMessageId(requestId)).get()
                .returns(SentRequests.State.ANSWERED, SentRequests.SentRequest::state)
                .returns(replyId, SentRequests.SentRequest::replyMessageId);
        assertNothingAmiss(SHINJUKU, OSAKA);
        printsToPdf(html);
    }

    @Test
    @Order(2)
    void a_refusal_reaches_the_counter_as_a_printable_notice() throws Exception {
        net.drop(SHINJUKU, REQUEST, "R-REF-1.xml", CertificateCopies.request("R-REF-1", SHINJUKU, BUNKYO));
        awaitDelivered(BUNKYO, REQUEST, SHINJUKU, "R-REF-1");

        net.drop(BUNKYO, REPLY, "R-REF-1.xml", CertificateCopies.refusal("R-REF-1", BUNKYO, SHINJUKU, "該当する住民票がありません"));
        String replyId = awaitDelivered(SHINJUKU, REPLY, BUNKYO, "R-REF-1");

        String page = Files.readString(outbox(SHINJUKU, REPLY).resolve(BUNKYO + "-" + replyId + ".html"), StandardCharsets.UTF_8);
        assertThat(page).contains("交付できない旨の通知").contains("該当する住民票がない").contains("該当する住民票がありません")
                .contains("文京区(131059)").doesNotContain("相違ないことを証明する");
        assertNothingAmiss(SHINJUKU, BUNKYO);
    }

    @Test
    @Order(3)
    void a_request_without_an_answer_in_time_is_reported_and_the_late_answer_is_kept_not_printed() throws Exception {
        net.drop(BUNKYO, REQUEST, "R-LATE-1.xml", CertificateCopies.request("R-LATE-1", BUNKYO, OSAKA));
        String requestId = awaitDelivered(OSAKA, REQUEST, BUNKYO, "R-LATE-1");

        Path timeout = errors(BUNKYO, REQUEST).resolve("R-LATE-1-" + requestId + ".timeout");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(timeout));
        assertThat(Files.readString(timeout, StandardCharsets.UTF_8)).contains("request: R-LATE-1")
                .contains("home-municipality: 271004 大阪市").contains("no answer came from the home municipality 271004 in time");
        // the report is written first, then the request is marked (a crash in between repeats the report, never loses it)
        await().atMost(Duration.ofSeconds(10)).until(() -> sent(BUNKYO).byMessageId(requestId).orElseThrow().state()
                == SentRequests.State.TIMED_OUT);

        // the home municipality does not know about the issuing side's deadline: its answer goes out
        net.drop(OSAKA, REPLY, "R-LATE-1.xml", CertificateCopies.certificate("R-LATE-1", OSAKA, BUNKYO, false));
        Path folder = errors(BUNKYO, REPLY);
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(BUNKYO, "error", REPLY).size() == 2);
        Path kept = net.files(BUNKYO, "error", REPLY).stream().filter(f -> f.toString().endsWith(".xml")).findFirst().orElseThrow();
        String replyId = kept.getFileName().toString().replaceAll("^" + OSAKA + "-(.+)\\.xml$", "$1");
        messageIds.add(replyId);
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).contains("<RequestId>R-LATE-1</RequestId>")
                .contains(CertificateCopies.REQUESTER);
        assertThat(Files.readString(folder.resolve(kept.getFileName() + ".error"), StandardCharsets.UTF_8))
                .contains("arrived after the request timed out at").contains("R-LATE-1");
        assertThat(net.files(BUNKYO, "outbox", REPLY)).as("a late answer is not printed").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> sent(BUNKYO).replyOutcome(replyId, OSAKA).isPresent()); // recorded after the files
        assertThat(sent(BUNKYO).replyOutcome(replyId, OSAKA)).contains(SentRequests.Outcome.LATE);
        awaitReceipt(OSAKA, replyId); // delivered (to the error folder), not dead-lettered
        assertThat(net.browse(BUNKYO, "jukibus.dlq")).isEmpty();

        // the request id is free again once its request is closed
        net.drop(BUNKYO, REQUEST, "R-LATE-1-again.xml", CertificateCopies.request("R-LATE-1", BUNKYO, OSAKA, "2026-11-26"));
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(OSAKA, "outbox", REQUEST).stream()
                .filter(f -> content(f).contains("<RequestId>R-LATE-1</RequestId>")).count() == 2);
        assertThat(net.files(BUNKYO, "error", REQUEST).stream().filter(f -> f.toString().endsWith(".error"))).isEmpty();
    }

    @Test
    @Order(4)
    void a_second_request_with_a_pending_request_id_is_refused() throws Exception {
        net.drop(SHINJUKU, REQUEST, "R-DUP-1.xml", CertificateCopies.request("R-DUP-1", SHINJUKU, OSAKA));
        await().atMost(Duration.ofSeconds(30)).until(() -> !net.files(SHINJUKU, "sent", REQUEST).stream()
                .filter(f -> f.getFileName().toString().equals("R-DUP-1.xml")).toList().isEmpty());

        net.drop(SHINJUKU, REQUEST, "R-DUP-1-again.xml", CertificateCopies.request("R-DUP-1", SHINJUKU, OSAKA, "2026-11-26"));

        assertThat(net.awaitRejected(SHINJUKU, REQUEST, "R-DUP-1-again.xml"))
                .contains("duplicate request: request R-DUP-1 to 271004").contains("is still waiting for its answer");
        awaitDelivered(OSAKA, REQUEST, SHINJUKU, "R-DUP-1");
    }

    @ParameterizedTest(name = "{0}")
    @Order(5)
    @CsvSource(delimiter = '|', value = {
            "missing-name     | <Name>住基 花子</Name>                          | ''                                              | Name",
            "wrong-issuing    | <IssuingMunicipality>131041</IssuingMunicipality> | <IssuingMunicipality>131016</IssuingMunicipality> | IssuingMunicipality is 131016 but this node is 131041",
            "unknown-home     | <HomeMunicipality>271004</HomeMunicipality>       | <HomeMunicipality>999997</HomeMunicipality>       | HomeMunicipality 999997 is not in the node directory",
            "prefecture-home  | <HomeMunicipality>271004</HomeMunicipality>       | <HomeMunicipality>27</HomeMunicipality>           | HomeMunicipality",
            "home-is-itself   | <HomeMunicipality>271004</HomeMunicipality>       | <HomeMunicipality>131041</HomeMunicipality>       | HomeMunicipality 131041 is this node itself",
            "domicile         | <ResidentCode>false</ResidentCode>                | <ResidentCode>false</ResidentCode><Domicile>true</Domicile> | Domicile",
    })
    void a_bad_request_is_refused_with_a_report(String name, String from, String to, String problem) throws Exception {
        String xml = new String(CertificateCopies.request("R-BAD-" + name, SHINJUKU, OSAKA), StandardCharsets.UTF_8);
        assertThat(xml).contains(from);
        String file = "bad-" + name + ".xml";

        net.drop(SHINJUKU, REQUEST, file, xml.replace(from, to).getBytes(StandardCharsets.UTF_8));

        assertThat(net.awaitRejected(SHINJUKU, REQUEST, file)).contains("file: " + file).contains(problem);
        assertThat(sent(SHINJUKU).pending("R-BAD-" + name)).isEmpty();
    }

    @Test
    @Order(6)
    void a_reply_must_answer_an_open_request_of_that_municipality_and_show_no_more_than_it_asked() throws Exception {
        assertThat(refusedReply("unknown.xml", CertificateCopies.refusal("R-NONE", OSAKA, SHINJUKU, "該当なし")))
                .contains("no request R-NONE from 131041");
        assertThat(refusedReply("wrong-home.xml", CertificateCopies.refusal("R-CERT-1", SHINJUKU, OSAKA, "該当なし")))
                .contains("HomeMunicipality is 131041 but this node is 271004");

        net.drop(SHINJUKU, REQUEST, "R-MORE-1.xml", CertificateCopies.request("R-MORE-1", SHINJUKU, OSAKA));
        awaitDelivered(OSAKA, REQUEST, SHINJUKU, "R-MORE-1");
        assertThat(refusedReply("more.xml", CertificateCopies.certificate("R-MORE-1", OSAKA, SHINJUKU, true)))
                .contains("request R-MORE-1 did not ask for resident codes");

        net.drop(OSAKA, REPLY, "R-MORE-1.xml", CertificateCopies.certificate("R-MORE-1", OSAKA, SHINJUKU, false));
        awaitDelivered(SHINJUKU, REPLY, OSAKA, "R-MORE-1");

        assertThat(refusedReply("second.xml", CertificateCopies.refusal("R-MORE-1", OSAKA, SHINJUKU, "二度目の回答")))
                .contains("request R-MORE-1 from 131041 was already answered");
        assertThat(net.files(SHINJUKU, "outbox", REPLY).stream().filter(f -> content(f).contains("二度目の回答"))).isEmpty();
        assertNothingAmiss(SHINJUKU, OSAKA);
    }

    @Test
    @Order(7)
    void prefecture_and_central_brokers_never_carried_any_of_it() throws Exception {
        assertThat(messageIds).hasSizeGreaterThan(8);
        // the first id is the request Osaka-shi received first: its journal is the positive control
        net.assertNeverCarried(List.of("13", "27", "central"), List.of(REQUEST, REPLY), messageIds, OSAKA);
        for (String code : List.of(SHINJUKU, BUNKYO, OSAKA)) {
            assertThat(net.journalContains(code, CertificateCopies.REQUESTER))
                    .as("a name readable in the journal of %s", code).isFalse();
        }
    }

    // --- helpers ---

    /** Waits for the one message of {@code flow} from {@code sender} naming {@code requestId} in a node's outbox; its id. */
    private static String awaitDelivered(String code, String flow, String sender, String requestId) throws Exception {
        List<Path> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            found.clear();
            for (Path f : net.files(code, "outbox", flow)) {
                String name = f.getFileName().toString();
                if (name.startsWith(sender + "-") && name.endsWith(".xml") && content(f).contains("<RequestId>" + requestId + "</RequestId>")) {
                    found.add(f);
                }
            }
            return !found.isEmpty();
        });
        assertThat(found).hasSize(1);
        String id = found.get(0).getFileName().toString().replaceAll("^" + sender + "-(.+)\\.xml$", "$1");
        messageIds.add(id);
        return id;
    }

    private static void awaitReceipt(String code, String messageId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> net.files(code, "outbox", "receipt").stream()
                .anyMatch(f -> content(f).contains("<ReceivedMessageId>" + messageId + "</ReceivedMessageId>")));
    }

    private static String refusedReply(String file, byte[] content) throws Exception {
        net.drop(OSAKA, REPLY, file, content);
        return net.awaitRejected(OSAKA, REPLY, file);
    }

    private static void assertNothingAmiss(String... codes) throws Exception {
        for (String code : codes) {
            assertThat(net.browse(code, "jukibus.dlq")).as("dead letters at %s", code).isEmpty();
            assertThat(net.files(code, "error", REPLY).stream().filter(f -> !f.getFileName().toString().matches(
                    "(unknown|wrong-home|more|second)\\.xml(\\.error)?"))).as("kept replies at %s", code).isEmpty();
        }
    }

    private static SentRequests sent(String code) {
        return net.context(code).getBean(SentRequests.class);
    }

    private static Path outbox(String code, String flow) {
        return net.node(code).legacyRoot().resolve("outbox").resolve(flow);
    }

    private static Path errors(String code, String flow) {
        return net.node(code).legacyRoot().resolve("error").resolve(flow);
    }

    private static String content(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return ""; // being replaced
        }
    }

    /** The counter prints the copy: headless Chromium renders it as UTF-8 Japanese and makes an A4 PDF of it. */
    private static void printsToPdf(Path html) throws Exception {
        try (Chromium chromium = Chromium.start()) {
            chromium.navigate(html.toUri().toString());
            assertThat(chromium.eval("document.characterSet").asText()).isEqualTo("UTF-8");
            assertThat(chromium.eval("document.documentElement.lang").asText()).isEqualTo("ja");
            assertThat(chromium.text()).contains(CertificateCopies.REQUESTER); // decoded right; glyphs need no font check
            byte[] pdf = Base64.getDecoder().decode(chromium.call("Page.printToPDF",
                    Map.of("preferCSSPageSize", true, "printBackground", true)).path("data").asText());
            assertThat(new String(pdf, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
            Files.write(root.resolve(html.getFileName() + ".pdf"), pdf); // beside the network, for a look after a failure
        }
    }
}
