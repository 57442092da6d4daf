package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.jukibus.pki.KeyStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 本人確認情報の提供の状況に係る情報の通知 (provision report, 第6の8(5)イ) across a network of central and two
 * prefectures: a report central's system drops arrives in the outbox of the prefecture it names, and only there;
 * a report naming another sender, carrying a wrong resident code or missing its prefecture stays at central in
 * its error folder; a peer other than central may not send one to a prefecture.
 */
class ProvisionReportIT {

    private static final String FLOW = "provision-report";

    @Provisioned(value = {TOKYO_PREF, OSAKA_PREF}, started = Provisioned.ALL)
    static TestNetwork net;

    @Test
    void a_report_arrives_at_the_prefecture_it_names_only_without_its_operator() throws Exception {
        String tokyoResident = resident(6100000001L);
        String osakaResident = resident(6100000002L);
        net.drop(CENTRAL, FLOW, "to-13.xml", report("R-13", TOKYO_PREF, tokyoResident));
        net.drop(CENTRAL, FLOW, "to-27.xml", report("R-27", OSAKA_PREF, osakaResident));

        String tokyo = awaitOne(TOKYO_PREF);
        String osaka = awaitOne(OSAKA_PREF);
        assertThat(tokyo).contains("<ReportId>R-13</ReportId>").contains(tokyoResident).doesNotContain(osakaResident)
                .doesNotContain("clerk-0007");
        assertThat(osaka).contains("<ReportId>R-27</ReportId>").contains(osakaResident).doesNotContain(tokyoResident);
        assertThat(net.files(CENTRAL, "error")).isEmpty();
        for (String code : List.of(CENTRAL, TOKYO_PREF, OSAKA_PREF)) {
            assertThat(net.browse(code, "jukibus.dlq")).as("dead letters at %s", code).isEmpty();
        }
        // the brokers carried the personal data encrypted only
        assertThat(net.journalContains(TOKYO_PREF, tokyoResident)).isFalse();

        // the same report dropped again is a duplicate, not a second message
        net.drop(CENTRAL, FLOW, "to-13-again.xml", report("R-13", TOKYO_PREF, tokyoResident));
        assertThat(net.awaitRejected(CENTRAL, FLOW, "to-13-again.xml")).contains("DUPLICATE").contains("ReportId R-13");
        assertThat(net.files(TOKYO_PREF, "outbox", FLOW)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "wrong-sender   | <Sender>central</Sender>     | <Sender>13</Sender>          | Sender is 13 but this node is central",
            "wrong-resident | <ResidentCode>61000000034</ResidentCode> | <ResidentCode>61000000030</ResidentCode> | check digit is 0 but should be 4",
            "no-prefecture  | <Prefecture>13</Prefecture>  | <!-- none -->                | Prefecture",
            "unknown-prefecture | <Prefecture>13</Prefecture>  | <Prefecture>99</Prefecture>  | Prefecture 99 is not in the node directory",
    })
    void a_bad_report_stays_at_central_in_its_error_folder(String name, String from, String to, String problem) throws Exception {
        String xml = new String(report("B-" + name, TOKYO_PREF, "61000000034"), StandardCharsets.UTF_8);
        assertThat(xml).contains(from);
        net.drop(CENTRAL, FLOW, name + ".xml", xml.replace(from, to).getBytes(StandardCharsets.UTF_8));

        assertThat(net.awaitRejected(CENTRAL, FLOW, name + ".xml")).contains("file: " + name + ".xml").contains(problem);
        assertThat(net.files(CENTRAL, "inbox", FLOW)).isEmpty();
        assertThat(net.files(TOKYO_PREF, "outbox", FLOW)).noneMatch(f -> read(f).contains("B-" + name));
    }

    @Test
    void only_central_may_send_a_report_to_a_prefecture(@TempDir Path root) throws Exception {
        String password = "test-store-password";
        Path keystore = root.resolve("osaka-client.p12");
        Path truststore = root.resolve("osaka-trust.p12");
        KeyStores.writeKeyStore(keystore, net.node(OSAKA_PREF).keys(), password.toCharArray());
        KeyStores.writeTrustStore(truststore, net.network.ca().certificate(), password.toCharArray());

        // another prefecture is a peer Tokyo's broker lets in (the login works) ...
        try (Connection c = TlsPeer.connect(net.node(TOKYO_PREF).primary(), keystore, password, truststore, password)) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("jukibus.inbound." + FLOW));
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(new byte[] {1, 2, 3});
            // ... but may not send a provision report
            assertThatThrownBy(() -> producer.send(m)).isInstanceOf(JMSSecurityException.class);
        }
    }

    private static String awaitOne(String prefecture) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> !net.files(prefecture, "outbox", FLOW).isEmpty());
        List<Path> files = net.files(prefecture, "outbox", FLOW);
        assertThat(files).hasSize(1);
        return read(files.get(0));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] report(String reportId, String prefecture, String residentCode) {
        return ("""
                <?xml version="1.0" encoding="UTF-8"?>
                <ProvisionReport xmlns="urn:jukibus:provision-report:1">
                  <ReportId>%s</ReportId>
                  <Sender>central</Sender>
                  <Prefecture>%s</Prefecture>
                  <PeriodFrom>2027-04-01T00:00:00+09:00</PeriodFrom>
                  <PeriodTo>2027-05-01T00:00:00+09:00</PeriodTo>
                  <Entry>
                    <ProvidedAt>2027-04-12T10:15:00+09:00</ProvidedAt>
                    <ResidentCode>%s</ResidentCode>
                    <Municipality>%s</Municipality>
                    <Requester>pension-service</Requester>
                    <RequesterName>日本年金機構</RequesterName>
                    <Purpose>pension-benefits</Purpose>
                    <Items>name,address</Items>
                    <QueryId>Q-%s</QueryId>
                  </Entry>
                  <Operator>clerk-0007</Operator>
                </ProvisionReport>
                """.formatted(reportId, prefecture, residentCode, prefecture.equals(TOKYO_PREF) ? SHINJUKU : OSAKA, reportId))
                .getBytes(StandardCharsets.UTF_8);
    }
}
