package org.jukibus.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.ShutdownTimeout;
import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.node.NodeApplication;
import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The intake half of the transfer-in flow on one real node (its routes from routes/, its own
 * broker), with the outbound queue replaced by a mock: what a legacy file becomes.
 */
@CamelSpringBootTest
@SpringBootTest(classes = NodeApplication.class)
@ShutdownTimeout(1)
class TransferInIntakeRouteTest {

    static final Network NETWORK = provision();

    @Autowired
    CamelContext camel;

    @EndpointInject("mock:outbound")
    MockEndpoint outbound;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry registry) {
        NETWORK.node("131041").properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    static Network provision() {
        try {
            Path root = Files.createTempDirectory("jukibus-route-test");
            return new NetworkProvisioner(Path.of("").toAbsolutePath()).provision(root, List.of(
                    new NodeSpec(NodeRole.CENTRAL, "central", "中央", null),
                    new NodeSpec(NodeRole.PREFECTURE, "27", "大阪府", "27"),
                    new NodeSpec(NodeRole.MUNICIPAL, "131041", "新宿区", "13"),
                    new NodeSpec(NodeRole.MUNICIPAL, "271004", "大阪市", "27")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean advised;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!advised) { // the routes come from routes/*.yaml: advise the running route, once per context
            // the intake routes send through the route every flow shares (routes/common/flow-templates.yaml)
            AdviceWith.adviceWith(camel, "legacy-send",
                    a -> a.weaveByToUri("jms:queue:jukibus.outbound*").replace().to("mock:outbound"));
            advised = true;
        }
        outbound.reset();
    }

    @Test
    void a_valid_notice_becomes_a_sealed_envelope_for_the_old_municipality() throws Exception {
        outbound.expectedMessageCount(1);
        outbound.expectedHeaderReceived(Headers.RECIPIENT, "271004");
        outbound.expectedHeaderReceived(Headers.ADDRESS, "jukibus.inbound.transfer-in");
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenCompleted(1).create();

        drop("ok.xml", Files.readAllBytes(Path.of("docs/samples/transfer-in-notice.xml")));

        assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        Exchange sent = outbound.getExchanges().get(0);
        String envelope = new String(sent.getIn().getBody(byte[].class), StandardCharsets.UTF_8);
        assertThat(envelope).contains("<env:Sender>131041</env:Sender>").contains("<env:Recipient>271004</env:Recipient>")
                .contains("xenc:EncryptedData").contains("ds:Signature")
                .doesNotContain("住基").doesNotContain("12345678903");
        assertThat(sent.getIn().getHeader(Headers.DUPLICATE_ID)).isEqualTo(sent.getIn().getHeader(Headers.MESSAGE_ID));
        assertThat(legacy("sent", "transfer-in")).isDirectory();
    }

    @Test
    void a_notice_for_a_municipality_not_in_the_directory_is_refused_and_nothing_is_sent() throws Exception {
        outbound.expectedMessageCount(0);
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenFailed(1).create();
        String notice = Files.readString(Path.of("docs/samples/transfer-in-notice.xml"), StandardCharsets.UTF_8)
                .replace("<OldMunicipality>271004</OldMunicipality>", "<OldMunicipality>999997</OldMunicipality>");

        drop("unknown.xml", notice.getBytes(StandardCharsets.UTF_8));

        assertThat(failed.matches(20, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        assertThat(Files.readString(legacy("error", "transfer-in").resolve("unknown.xml.error")))
                .contains("code: WRONG_RECIPIENT\nproblem: OldMunicipality 999997 is not in the node directory");
    }

    /**
     * 手入力 (第6の4(2), 第6の5(2), 第6の6(1)): the legacy operator who entered a file is named in the operation log
     * entry of the message it became, and of a local input too (the shared intake serves every flow); the element
     * is taken out of the payload, so it is not in what is sealed for the recipient.
     */
    @Test
    void the_legacy_operator_is_named_in_the_operation_log_and_not_sent() throws Exception {
        outbound.expectedMessageCount(1);
        NotifyBuilder sentDone = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenCompleted(1).create();
        NotifyBuilder localDone = new NotifyBuilder(camel).fromRoute("card-check-local").whenCompleted(1).create();
        String notice = Files.readString(Path.of("docs/samples/transfer-in-notice.xml"), StandardCharsets.UTF_8)
                .replace("<NoticeId>", "<NoticeId>OP-").replace("</TransferInNotice>", "  <Operator>clerk-0042</Operator>\n</TransferInNotice>");
        String check = Files.readString(Path.of("docs/samples/card-check-request.xml"), StandardCharsets.UTF_8)
                .replace("</CardCheckRequest>", "  <Operator>clerk-0043</Operator>\n</CardCheckRequest>");

        drop("operator.xml", notice.getBytes(StandardCharsets.UTF_8));
        drop("card-check", "operator.xml", check.getBytes(StandardCharsets.UTF_8));

        assertThat(sentDone.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(localDone.matches(20, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        String messageId = outbound.getExchanges().get(0).getIn().getHeader(Headers.MESSAGE_ID, String.class);
        List<AuditEntry> log = HashChainLog.entries(NETWORK.node("131041").home().resolve("audit"));
        assertThat(log).filteredOn(e -> e.kind() == AuditKind.MESSAGE_QUEUED && messageId.equals(e.messageId()))
                .singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("legacy-operator:clerk-0042"));
        assertThat(log).filteredOn(e -> e.kind() == AuditKind.LOCAL_INPUT_HANDLED && "card-check".equals(e.flow()))
                .singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("legacy-operator:clerk-0043"));
        byte[] kept = camel.getRegistry().findSingleByType(SentPayloads.class).find(messageId).orElseThrow().payload();
        assertThat(new String(kept, StandardCharsets.UTF_8)).contains("<NoticeId>OP-").doesNotContain("clerk-0042")
                .doesNotContain("Operator");
    }

    /** Read whole, a file of several GiB would exhaust the heap, past 2 GiB fail with an Error and no report. */
    @Test
    void a_huge_file_is_refused_with_a_report_before_it_is_read() throws Exception {
        outbound.expectedMessageCount(0);
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenFailed(1).create();
        Path inbox = legacy("inbox", "transfer-in");
        Files.createDirectories(inbox);
        long size = 3L << 30; // sparse: no disk space taken
        try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(inbox.resolve("huge.xml.part").toFile(), "rw")) {
            huge.setLength(size);
        }
        Files.move(inbox.resolve("huge.xml.part"), inbox.resolve("huge.xml"));

        assertThat(failed.matches(30, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        assertThat(Files.readString(legacy("error", "transfer-in").resolve("huge.xml.error")))
                .contains("code: TOO_LARGE\nproblem: the file is " + size + " bytes");
        assertThat(legacy("error", "transfer-in").resolve("huge.xml")).exists();
    }

    /** Issue 14 H: a link in the drop folder is refused, not followed; the file it points at is left alone. */
    @Test
    void a_symbolic_link_in_the_drop_folder_is_refused_with_a_report_and_not_followed() throws Exception {
        outbound.expectedMessageCount(0);
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenFailed(1).create();
        Path elsewhere = Files.createTempDirectory("jukibus-elsewhere").resolve("notice.xml");
        byte[] valid = notice("LINK-1");
        Files.write(elsewhere, valid);
        Path inbox = legacy("inbox", "transfer-in");
        Files.createDirectories(inbox);

        Files.createSymbolicLink(inbox.resolve("link.xml"), elsewhere);

        assertThat(failed.matches(20, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        assertThat(Files.readString(legacy("error", "transfer-in").resolve("link.xml.error")))
                .contains("file: link.xml").contains("symbolic link");
        assertThat(elsewhere).hasBinaryContent(valid);
    }

    @Test
    void an_empty_file_is_refused_with_a_report() throws Exception {
        outbound.expectedMessageCount(0);
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenFailed(1).create();

        drop("empty.xml", new byte[0]);

        assertThat(failed.matches(20, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        assertThat(Files.readString(legacy("error", "transfer-in").resolve("empty.xml.error"))).contains("the file is empty");
    }

    @Test
    void a_file_declaring_another_encoding_than_utf8_is_refused_with_a_report_naming_it() throws Exception {
        outbound.expectedMessageCount(0);
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenFailed(1).create();
        String utf8 = new String(notice("SJIS-1"), StandardCharsets.UTF_8)
                .replace("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"");

        drop("sjis.xml", utf8.getBytes(java.nio.charset.Charset.forName("Shift_JIS")));

        assertThat(failed.matches(20, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        assertThat(Files.readString(legacy("error", "transfer-in").resolve("sjis.xml.error")))
                .contains("Shift_JIS").contains("must be UTF-8");
    }

    /** Two files with one business key (NoticeId) in the folder at once: one is sent, the other is a duplicate. */
    @Test
    void of_two_files_with_the_same_business_key_in_one_poll_only_one_is_sent() throws Exception {
        outbound.expectedMessageCount(1);
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("transfer-in-intake").whenCompleted(1).and().whenFailed(1).create();
        byte[] first = notice("TWICE-1");
        byte[] second = (new String(first, StandardCharsets.UTF_8) + "<!-- the same notice again -->\n").getBytes(StandardCharsets.UTF_8);
        Path inbox = legacy("inbox", "transfer-in");
        Files.createDirectories(inbox);
        Files.write(inbox.resolve("twice-a.xml.part"), first);
        Files.write(inbox.resolve("twice-b.xml.part"), second);

        Files.move(inbox.resolve("twice-a.xml.part"), inbox.resolve("twice-a.xml"));
        Files.move(inbox.resolve("twice-b.xml.part"), inbox.resolve("twice-b.xml"));

        assertThat(done.matches(30, TimeUnit.SECONDS)).isTrue();
        outbound.assertIsSatisfied();
        Path errors = legacy("error", "transfer-in");
        String report = Files.exists(errors.resolve("twice-a.xml.error")) ? Files.readString(errors.resolve("twice-a.xml.error"))
                : Files.readString(errors.resolve("twice-b.xml.error"));
        assertThat(report).contains("DUPLICATE").contains("TWICE-1");
    }

    /** The sample notice with its own NoticeId (the business key), so tests do not make each other's duplicates. */
    private static byte[] notice(String noticeId) throws Exception {
        return Files.readString(Path.of("docs/samples/transfer-in-notice.xml"), StandardCharsets.UTF_8)
                .replace("<NoticeId>SJK-2026-000123</NoticeId>", "<NoticeId>" + noticeId + "</NoticeId>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void drop(String name, byte[] content) throws Exception {
        drop("transfer-in", name, content);
    }

    private static void drop(String flow, String name, byte[] content) throws Exception {
        Path inbox = legacy("inbox", flow);
        Files.createDirectories(inbox);
        Files.write(inbox.resolve(name + ".part"), content);
        Files.move(inbox.resolve(name + ".part"), inbox.resolve(name));
    }

    private static Path legacy(String folder, String flow) {
        return NETWORK.node("131041").legacyRoot().resolve(folder).resolve(flow);
    }
}
