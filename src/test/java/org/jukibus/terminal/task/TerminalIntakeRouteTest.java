package org.jukibus.terminal.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.ShutdownTimeout;
import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.core.NodeRole;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.flow.Headers;
import org.jukibus.flow.SentPayloads;
import org.jukibus.flow.specialtransfer.CertificateRegister;
import org.jukibus.node.NodeApplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The terminal's entries through the intake routes of one real node (its routes from routes/, its own broker, the
 * outbound queue replaced by a mock): what a form becomes is what the drop folder makes of the same document.
 */
@CamelSpringBootTest
@SpringBootTest(classes = NodeApplication.class)
@ShutdownTimeout(1)
class TerminalIntakeRouteTest {

    static final Network NETWORK = provision();

    @Autowired
    CamelContext camel;
    @Autowired
    TerminalIntake intake;
    @Autowired
    CertificateRegister certificates;
    @Autowired
    SentPayloads sentPayloads;
    @Autowired
    JdbcTemplate store;
    @Autowired
    ITemplateEngine templates;

    @EndpointInject("mock:outbound")
    MockEndpoint outbound;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry registry) {
        NETWORK.node("131041").properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    static Network provision() {
        try {
            Path root = Files.createTempDirectory("jukibus-terminal-test");
            return new NetworkProvisioner(Path.of("").toAbsolutePath()).provision(root, List.of(
                    new NodeSpec(NodeRole.CENTRAL, "central", "中央", null),
                    new NodeSpec(NodeRole.PREFECTURE, "13", "東京都", "13"),
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
        if (!advised) {
            for (String route : List.of("legacy-send", "legacy-send-parts")) {
                AdviceWith.adviceWith(camel, route, a -> a.weaveByToUri("jms:queue:jukibus.outbound*").replace().to("mock:outbound"));
            }
            advised = true;
        }
        outbound.reset();
    }

    @Test
    void a_request_entered_is_sealed_for_the_home_municipality_and_the_operator_is_logged_not_sent() throws Exception {
        Map<String, String> form = TerminalEntriesTest.request();
        form.put("requestId", "R-TERM-1");

        Submitted submitted = intake.submit(CertificateCopyRequestEntry.entry(form, "131041"), "clerk-7");

        assertThat(outbound.getReceivedCounter()).isEqualTo(1);
        assertThat(outbound.getExchanges().get(0).getIn().getHeader(Headers.RECIPIENT)).isEqualTo("271004");
        assertThat(submitted.messageId()).isEqualTo(outbound.getExchanges().get(0).getIn().getHeader(Headers.MESSAGE_ID));
        assertThat(queuedBy(submitted.messageId())).isEqualTo("legacy-operator:clerk-7");
        String sealed = new String(sentPayloads.find(submitted.messageId()).orElseThrow().payload(), StandardCharsets.UTF_8);
        assertThat(sealed).contains("R-TERM-1").doesNotContain("clerk-7");

        // the same request again (a second click): the intake refuses it as a duplicate, nothing is sent twice
        assertThatThrownBy(() -> intake.submit(CertificateCopyRequestEntry.entry(form, "131041"), "clerk-7"))
                .isInstanceOfSatisfying(EntryRefusedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE));
        assertThat(outbound.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void an_entry_whose_message_left_before_a_later_step_failed_names_it_and_says_not_to_enter_it_again() throws Exception {
        Map<String, String> form = TerminalEntriesTest.request();
        form.put("requestId", "R-TERM-SENT");
        // the ledger line after the send fails, as on a full disk of the store
        store.execute("CREATE FUNCTION test_ledger_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.outcome = 'QUEUED' AND NEW.file_name LIKE 'terminal-clerk-9-%' AND NEW.detail IS NULL THEN"
                + " RAISE EXCEPTION 'could not extend file: No space left on device (test)'; END IF; RETURN NEW; END $$");
        store.execute("CREATE TRIGGER test_ledger_full BEFORE INSERT ON transfer_ledger FOR EACH ROW EXECUTE FUNCTION test_ledger_full()");
        try {
            assertThatThrownBy(() -> intake.submit(CertificateCopyRequestEntry.entry(form, "131041"), "clerk-9"))
                    .isInstanceOfSatisfying(EntryRefusedException.class, refusal -> {
                        assertThat(refusal.code()).isEqualTo(ErrorCode.SENT_NOT_RECORDED);
                        assertThat(refusal.sentIds()).containsExactly(
                                outbound.getExchanges().get(0).getIn().getHeader(Headers.MESSAGE_ID, String.class));
                        // what the clerk's page shows (the forms' outcome box), not a bare error page
                        Context page = new Context();
                        page.setVariable("refusal", refusal);
                        assertThat(templates.process("terminal/entry", Set.of("outcome"), page))
                                .contains("送信済みです").contains("再入力しないでください").contains("(SENT_NOT_RECORDED)")
                                .contains("No space left on device")
                                .contains("sent before the failure, and reaching the recipient: message ")
                                .contains(" to 271004. Do not enter it again")
                                .doesNotContain("何も送信・登録されていません");
                    });
        } finally {
            store.execute("DROP TRIGGER test_ledger_full ON transfer_ledger");
            store.execute("DROP FUNCTION test_ledger_full()");
        }
        assertThat(outbound.getReceivedCounter()).as("it left").isEqualTo(1);
        String sentId = outbound.getExchanges().get(0).getIn().getHeader(Headers.MESSAGE_ID, String.class);
        // in the ledger as sent, with its key: what refuses a corrected entry of any flow as a DUPLICATE
        assertThat(store.queryForList("SELECT message_id FROM transfer_ledger WHERE outcome = 'QUEUED' AND business_key IS NOT NULL"
                + " AND detail LIKE 'SENT_NOT_RECORDED: %' AND file_name LIKE 'terminal-clerk-9-%'", String.class))
                .containsExactly(sentId);

        // the clerk "corrects" it and enters it again: refused (this flow's own rule, a request still pending, comes
        // first, with the ledger's DUPLICATE behind it), nothing sent twice
        form.put("copies", "3");
        assertThatThrownBy(() -> intake.submit(CertificateCopyRequestEntry.entry(form, "131041"), "clerk-9"))
                .isInstanceOfSatisfying(EntryRefusedException.class, e -> assertThat(e.getMessage()).contains(sentId));
        assertThat(outbound.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void a_schema_error_is_refused_on_its_field_and_nothing_is_sent_or_reported_as_a_file() throws Exception {
        Map<String, String> form = TerminalEntriesTest.request();
        form.put("requestId", "R-TERM-2");
        form.put("birthDate", "1985-02-30");

        assertThatThrownBy(() -> intake.submit(CertificateCopyRequestEntry.entry(form, "131041"), "clerk-7"))
                .isInstanceOfSatisfying(EntryRefusedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA);
                    assertThat(e.field()).isEqualTo("birthDate");
                    assertThat(e.getMessage()).contains("BirthDate");
                });
        assertThat(outbound.getReceivedCounter()).isZero();
        assertThat(NETWORK.node("131041").home().resolve("legacy/error/certificate-copy-request")).doesNotExist();
    }

    @Test
    void a_home_municipality_not_in_the_directory_is_refused_on_its_field() throws Exception {
        Map<String, String> form = TerminalEntriesTest.request();
        form.put("requestId", "R-TERM-3");
        form.put("homeMunicipality", "999997");

        assertThatThrownBy(() -> intake.submit(CertificateCopyRequestEntry.entry(form, "131041"), "clerk-7"))
                .isInstanceOfSatisfying(EntryRefusedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.WRONG_RECIPIENT);
                    assertThat(e.field()).isEqualTo("homeMunicipality");
                });
        assertThat(outbound.getReceivedCounter()).isZero();
    }

    @Test
    void transfer_out_certificate_info_is_registered_on_this_node_with_its_household_members() throws Exception {
        Submitted submitted = intake.submit(TransferOutCertificateEntry.entry(TerminalEntriesTest.transferOut(), "131041"), "clerk-9");

        assertThat(submitted.messageId()).isNull();
        assertThat(outbound.getReceivedCounter()).isZero();
        var registered = certificates.latest(TerminalEntriesTest.HOLDER).orElseThrow().certificate();
        assertThat(registered.registrationId()).isEqualTo("T-001");
        assertThat(registered.householdMembers()).singleElement()
                .satisfies(m -> assertThat(m.residentCode()).isEqualTo(TerminalEntriesTest.MEMBER));
        assertThat(log()).filteredOn(e -> e.kind() == AuditKind.LOCAL_INPUT_HANDLED && "transfer-out-certificate".equals(e.flow()))
                .anySatisfy(e -> assertThat(e.actor()).isEqualTo("legacy-operator:clerk-9"));
    }

    @Test
    void identity_info_is_sent_to_this_municipalitys_prefecture() throws Exception {
        Map<String, String> form = Map.of("residentCode", TerminalEntriesTest.HOLDER, "name", "住基太郎", "birthDate", "1980-01-01",
                "sex", "1", "address", "東京都新宿区西新宿2-8-1", "changeReason", "ADDRESS_CHANGE", "changeDate", "2026-12-01");

        Submitted submitted = intake.submit(IdentityInfoEntry.entry(form, "131041", "13"), "clerk-7");

        assertThat(outbound.getReceivedCounter()).isEqualTo(1);
        assertThat(outbound.getExchanges().get(0).getIn().getHeader(Headers.RECIPIENT)).isEqualTo("13");
        assertThat(queuedBy(submitted.messageId())).isEqualTo("legacy-operator:clerk-7");
    }

    private static String queuedBy(String messageId) throws Exception {
        return log().stream().filter(e -> e.kind() == AuditKind.MESSAGE_QUEUED && messageId.equals(e.messageId()))
                .findFirst().orElseThrow().actor();
    }

    private static List<AuditEntry> log() throws Exception {
        return HashChainLog.entries(NETWORK.node("131041").home().resolve("audit"));
    }
}
