package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

import org.jukibus.Jukibus;
import org.jukibus.node.NodeLauncher;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.RequesterIdentity;
import org.jukibus.provision.ProvisionChannel;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import picocli.CommandLine;

/**
 * Provision of identity information (本人確認情報の提供, 第6の8) by central and a prefecture to requesters (国の機関等)
 * over the provision channel (HTTPS, mutual TLS): every allowed query form answers with the current records and is
 * in the person's provision history (自己情報の開示); every other form, certificate and request is refused with an
 * error naming what was wrong, and provides nothing; bulk provision only under a recorded approval (第4の8(2)カ);
 * the provision log is erased after its retention, as of a moved time; everything survives a restart.
 *
 * <p>Identity records are seeded through the nodes' DataSources, as the identity-update flow (第6の6, tested by
 * IdentityUpdateIT) would have recorded them: this test is about the provision, not how the records came.
 */
// order is inherent: the provision log the later tests erase and check after a restart is the one the earlier queries wrote
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProvisionIT {

    static final char[] PW = "requester-store".toCharArray();

    // persons at central: two namesakes (same name and birth date), one never queried, one with history only
    static final String TARO = "61000000000";
    static final String TARO_NAMESAKE = "61000000042";
    static final String HANAKO = "61000000050";
    static final String NEVER_QUERIED = "61000000069";
    static final String ONLY_HISTORY = "61000000077";
    static final String BULK_A = "61000000018";
    static final String BULK_B = "61000000085";
    static final String BULK_C = "61000000093";
    static final String ERASED = "61000000026";
    static final String KEPT = "61000000107";
    static final String BOTH = "61000000115";
    static final String TOKYO_PERSON = "61000000034";

    @TempDir
    static Path root;
    @Provisioned({TOKYO_PREF, SHINJUKU}) // provisioned and closed by the extension: never assign another network here
    static TestNetwork net;
    static Client nenkin;     // registered at central (pension, tax) and at Tokyo (pension)
    static Client kenpo;      // registered at central (health-insurance), for bulk queries
    static Client stranger;   // a valid requester certificate, never registered
    static Client revoked;    // registered, certificate revoked
    static Client foreign;    // "nenkin" from another CA
    static Client anonymous;  // no client certificate

    @BeforeAll
    static void start() throws Exception {
        // the extension's network (closed after the class); Shinjuku is never started: see the last test
        CertificateAuthority ca = net.network.ca();
        nenkin = Client.of(ca, ca.issueRequesterKeyMaterial(new RequesterIdentity("nenkin", "日本年金機構"), Duration.ofDays(30)));
        kenpo = Client.of(ca, ca.issueRequesterKeyMaterial(new RequesterIdentity("kenpo", "全国健康保険協会"), Duration.ofDays(30)));
        stranger = Client.of(ca, ca.issueRequesterKeyMaterial(new RequesterIdentity("stranger", "未登録機関"), Duration.ofDays(30)));
        KeyMaterial revokedKeys = ca.issueRequesterKeyMaterial(new RequesterIdentity("revoked", "失効機関"), Duration.ofDays(30));
        revoked = Client.of(ca, revokedKeys);
        ca.revoke(revokedKeys.certificate().getSerialNumber()); // the nodes read the CRL at start
        CertificateAuthority other = CertificateAuthority.create(root.resolve("foreign-ca"), "Other Root", "x".toCharArray());
        foreign = Client.of(ca, other.issueRequesterKeyMaterial(new RequesterIdentity("nenkin", "日本年金機構"), Duration.ofDays(30)));
        anonymous = Client.of(ca, null);
        for (String code : List.of(CENTRAL, TOKYO_PREF)) {
            net.node(code).properties().put("jukibus.provision.port", "0");
        }
        net.start(CENTRAL, TOKYO_PREF);

        seed(CENTRAL, TARO, "住基 太郎", "1980-01-15", "1", "東京都新宿区西新宿二丁目8番1号", false);
        seed(CENTRAL, TARO_NAMESAKE, "住基 太郎", "1980-01-15", "1", "大阪府大阪市北区中之島一丁目3番20号", false);
        seed(CENTRAL, HANAKO, "住基 花子", "1985-03-03", "2", "東京都文京区春日一丁目16番21号", false);
        seed(CENTRAL, NEVER_QUERIED, "照会 無子", "1970-07-07", "2", "東京都千代田区九段南一丁目2番1号", false);
        seed(CENTRAL, ONLY_HISTORY, "履歴 一郎", "1960-06-06", "1", "東京都千代田区丸の内一丁目1番1号", true);
        for (String code : List.of(BULK_A, BULK_B, BULK_C, ERASED, KEPT, BOTH)) {
            seed(CENTRAL, code, "一括 " + code.substring(9), "1990-01-01", "9", "東京都新宿区", false);
        }
        seed(TOKYO_PREF, TOKYO_PERSON, "都民 三郎", "1975-05-05", "1", "東京都新宿区歌舞伎町一丁目4番1号", false);

        ok(provision(CENTRAL, "register-requester", "--id", "nenkin", "--name", "日本年金機構", "--purpose", "pension", "--purpose", "tax"));
        ok(provision(CENTRAL, "register-requester", "--id", "kenpo", "--name", "全国健康保険協会", "--purpose", "health-insurance"));
        ok(provision(CENTRAL, "register-requester", "--id", "revoked", "--name", "失効機関", "--purpose", "pension"));
        ok(provision(TOKYO_PREF, "register-requester", "--id", "nenkin", "--name", "日本年金機構", "--purpose", "pension"));
    }

    @Test
    @Order(1)
    void every_allowed_form_answers_with_the_current_records_and_each_provision_is_disclosed() throws Exception {
        Response byCode = nenkin.query(CENTRAL, "q-code", "pension", "<Person><ResidentCode>" + TARO + "</ResidentCode></Person>");
        assertThat(byCode.status()).as(byCode.body()).isEqualTo(200);
        assertThat(byCode.residentCodes(1)).containsExactly(TARO);
        Element record = (Element) byCode.doc().getElementsByTagNameNS("*", "Record").item(0);
        assertThat(text(record, "Name")).isEqualTo("住基 太郎");
        assertThat(text(record, "BirthDate")).isEqualTo("1980-01-15");
        assertThat(text(record, "Sex")).isEqualTo("1");
        assertThat(text(record, "Address")).isEqualTo("東京都新宿区西新宿二丁目8番1号");
        assertThat(text(record, "ChangeReason")).isEqualTo("TRANSFER_IN");
        assertThat(text(record, "ChangeDate")).isEqualTo("2020-04-01");

        Response byName = nenkin.query(CENTRAL, "q-name", "pension", "<Person><Name>住基 太郎</Name><BirthDate>1980-01-15</BirthDate></Person>");
        assertThat(byName.residentCodes(1)).as("both namesakes").containsExactly(TARO, TARO_NAMESAKE);

        Response withSex = nenkin.query(CENTRAL, "q-sex", "tax",
                "<Person><Name>住基 花子</Name><BirthDate>1985-03-03</BirthDate><Sex>2</Sex></Person>");
        assertThat(withSex.residentCodes(1)).containsExactly(HANAKO);
        assertThat(nenkin.query(CENTRAL, "q-sex-other", "tax",
                "<Person><Name>住基 花子</Name><BirthDate>1985-03-03</BirthDate><Sex>1</Sex></Person>").residentCodes(1))
                .as("sex narrows exactly").isEmpty();

        Response withAddress = nenkin.query(CENTRAL, "q-address", "pension", "<Person><Name>住基 太郎</Name>"
                + "<BirthDate>1980-01-15</BirthDate><Sex>1</Sex><Address>大阪府大阪市北区中之島一丁目3番20号</Address></Person>");
        assertThat(withAddress.residentCodes(1)).containsExactly(TARO_NAMESAKE);

        assertThat(nenkin.query(CENTRAL, "q-history", "pension", "<Person><ResidentCode>" + ONLY_HISTORY + "</ResidentCode></Person>")
                .residentCodes(1)).as("a superseded record is never provided").isEmpty();

        // each provision in the person's history, with requester, purpose, items and query id
        Run taro = provision(CENTRAL, "disclose", "--resident-code", TARO);
        assertThat(lines(taro.out(), "nenkin")).hasSize(2);
        assertThat(taro.out()).contains("q-code").contains("q-name").doesNotContain("q-address").contains("日本年金機構")
                .contains("ResidentCode,Name,BirthDate,Sex,Address,ChangeReason,ChangeDate").contains("2 provision(s)");
        assertThat(lines(provision(CENTRAL, "disclose", "--resident-code", TARO_NAMESAKE).out(), "nenkin"))
                .extracting(l -> l.contains("q-name") || l.contains("q-address")).containsExactly(true, true);
        assertThat(provision(CENTRAL, "disclose", "--resident-code", HANAKO).out()).contains("q-sex").contains(" tax ")
                .doesNotContain("q-sex-other").contains("1 provision(s)");
        assertThat(provision(CENTRAL, "disclose", "--resident-code", NEVER_QUERIED).out()).contains("0 provision(s)");
        assertThat(provision(CENTRAL, "disclose", "--resident-code", ONLY_HISTORY).out()).contains("0 provision(s)");
        // the operation log holds the provision, without the person
        assertThat(TestNetwork.contains(net.node(CENTRAL).home().resolve("audit"), "IDENTITY_PROVIDED")).isTrue();
        assertThat(TestNetwork.contains(net.node(CENTRAL).home().resolve("audit"), TARO)).isFalse();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @Order(2)
    @CsvSource(delimiter = '|', value = {
            "WILDCARD|<Person><Name>住基%</Name><BirthDate>1980-01-15</BirthDate></Person>",
            "WILDCARD|<Person><ResidentCode>6100000000*</ResidentCode></Person>",
            "PARTIAL|<Person><NamePrefix>住基</NamePrefix><BirthDate>1980-01-15</BirthDate></Person>",
            "PARTIAL|<Person><Name>住基 太郎</Name><BirthDate>1980</BirthDate></Person>",
            "PARTIAL|<Person><Name>住基 太郎</Name></Person>",
            "RANGE|<Person><Name>住基 太郎</Name><BirthDate>1980-01-01/1980-12-31</BirthDate></Person>",
            "RANGE|<Person><BirthDateFrom>1980-01-01</BirthDateFrom><BirthDateTo>1980-12-31</BirthDateTo></Person>",
            "NO_CONDITION|''",
            "NO_CONDITION|<Person><Sex>1</Sex></Person>",
            "UNKNOWN_ELEMENT|<Person><Municipality>131041</Municipality></Person>",
    })
    void every_other_query_form_is_refused_with_an_error_naming_it(String code, String persons) throws Exception {
        Response r = nenkin.query(CENTRAL, "q-bad", "pension", persons);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(code);
        assertThat(r.errorMessage()).isNotBlank();
    }

    @Test
    @Order(3)
    void a_dtd_an_unregistered_purpose_and_bad_requests_are_refused_and_provide_nothing() throws Exception {
        String byNeverQueried = "<Person><ResidentCode>" + NEVER_QUERIED + "</ResidentCode></Person>";
        Response dtd = nenkin.post(CENTRAL, "/identity-query", ("<?xml version=\"1.0\"?><!DOCTYPE q [<!ENTITY x SYSTEM "
                + "\"file:///etc/passwd\">]><IdentityQuery xmlns=\"urn:jukibus:provision:1\"><QueryId>q</QueryId>"
                + "<Purpose>pension</Purpose><Person><ResidentCode>" + NEVER_QUERIED + "</ResidentCode></Person></IdentityQuery>")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(dtd.status()).isEqualTo(400);
        assertThat(dtd.errorCode()).isEqualTo("DTD_NOT_ALLOWED");

        Response purpose = nenkin.query(CENTRAL, "q-purpose", "health-insurance", byNeverQueried);
        assertThat(purpose.status()).isEqualTo(403);
        assertThat(purpose.errorCode()).isEqualTo("PURPOSE_NOT_REGISTERED");
        assertThat(purpose.errorMessage()).contains("health-insurance").contains("pension, tax");

        assertThat(nenkin.post(CENTRAL, "/other", new byte[0]).errorCode()).isEqualTo("NOT_FOUND");
        assertThat(nenkin.post(CENTRAL, "/identity-query", "not xml".getBytes(StandardCharsets.UTF_8)).errorCode())
                .isEqualTo("MALFORMED");

        assertThat(provision(CENTRAL, "disclose", "--resident-code", NEVER_QUERIED).out()).contains("0 provision(s)");
        assertThat(TestNetwork.contains(net.node(CENTRAL).home().resolve("audit"), "PURPOSE_NOT_REGISTERED")).isTrue();
    }

    @Test
    @Order(4)
    void only_a_registered_requester_with_a_valid_certificate_of_the_network_ca_is_answered() throws Exception {
        String query = "<Person><ResidentCode>" + NEVER_QUERIED + "</ResidentCode></Person>";

        Response unregistered = stranger.query(CENTRAL, "q-s", "pension", query);
        assertThat(unregistered.status()).isEqualTo(403);
        assertThat(unregistered.errorCode()).isEqualTo("UNREGISTERED_REQUESTER");
        assertThat(unregistered.errorMessage()).contains("stranger");

        Response revokedAnswer = revoked.query(CENTRAL, "q-r", "pension", query);
        assertThat(revokedAnswer.status()).isEqualTo(403);
        assertThat(revokedAnswer.errorCode()).isEqualTo("CERTIFICATE_REFUSED");
        assertThat(revokedAnswer.errorMessage()).contains("revoked");

        Response nodeKey = Client.of(net.network.ca(), net.node(TOKYO_PREF).keys()).query(CENTRAL, "q-n", "pension", query);
        assertThat(nodeKey.status()).as("a node's certificate is no requester's").isEqualTo(403);
        assertThat(nodeKey.errorCode()).isEqualTo("CERTIFICATE_REFUSED");
        assertThat(nodeKey.errorMessage()).contains("not a requester certificate");

        Response none = anonymous.query(CENTRAL, "q-a", "pension", query);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorCode()).isEqualTo("NO_CLIENT_CERTIFICATE");

        assertThatThrownBy(() -> foreign.query(CENTRAL, "q-f", "pension", query))
                .as("another CA's certificate ends the TLS handshake").isInstanceOf(IOException.class);

        // a requester registered at central only is unknown at Tokyo, and Tokyo answers its own registered requester
        assertThat(kenpo.query(TOKYO_PREF, "q-k", "health-insurance", query).errorCode()).isEqualTo("UNREGISTERED_REQUESTER");
        Response tokyo = nenkin.query(TOKYO_PREF, "q-tokyo", "pension", "<Person><ResidentCode>" + TOKYO_PERSON + "</ResidentCode></Person>");
        assertThat(tokyo.status()).as(tokyo.body()).isEqualTo(200);
        assertThat(tokyo.residentCodes(1)).containsExactly(TOKYO_PERSON);
        assertThat(provision(TOKYO_PREF, "disclose", "--resident-code", TOKYO_PERSON).out()).contains("q-tokyo").contains("1 provision(s)");

        assertThat(provision(CENTRAL, "disclose", "--resident-code", NEVER_QUERIED).out()).contains("0 provision(s)");
        Path audit = net.node(CENTRAL).home().resolve("audit");
        for (String code : List.of("UNREGISTERED_REQUESTER", "CERTIFICATE_REFUSED", "NO_CLIENT_CERTIFICATE", "at TLS")) {
            assertThat(TestNetwork.contains(audit, code)).as("operation log holds %s", code).isTrue();
        }
    }

    @Test
    @Order(5)
    void bulk_provision_is_answered_only_under_a_recorded_approval() throws Exception {
        String two = person(BULK_A) + person(BULK_B);
        Response unapproved = kenpo.query(CENTRAL, "q-bulk-0", "health-insurance", two);
        assertThat(unapproved.status()).isEqualTo(403);
        assertThat(unapproved.errorCode()).isEqualTo("BULK_NOT_APPROVED");

        // an approval that has ended approves nothing
        ok(provision(CENTRAL, "approve-bulk", "--requester", "kenpo", "--purpose", "health-insurance", "--max-persons", "100",
                "--valid-from", "2020-01-01", "--valid-until", "2020-12-31", "--approved-by", "情報管理責任者 山田"));
        assertThat(kenpo.query(CENTRAL, "q-bulk-1", "health-insurance", two).errorCode()).isEqualTo("BULK_NOT_APPROVED");

        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
        Run approved = provision(CENTRAL, "approve-bulk", "--requester", "kenpo", "--purpose", "health-insurance",
                "--max-persons", "3", "--valid-until", tomorrow, "--approved-by", "情報管理責任者 山田");
        ok(approved);
        assertThat(approved.out()).contains("up to 3 persons").contains("approved by 情報管理責任者 山田");
        assertThat(provision(CENTRAL, "approve-bulk", "--requester", "stranger", "--purpose", "pension", "--max-persons", "5",
                "--valid-until", tomorrow, "--approved-by", "x").err()).contains("not registered for purpose");

        Response bulk = kenpo.query(CENTRAL, "q-bulk-2", "health-insurance", person(BULK_A) + person(BULK_B) + person(BULK_C));
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
        assertThat(bulk.residentCodes(1)).containsExactly(BULK_A);
        assertThat(bulk.residentCodes(2)).containsExactly(BULK_B);
        assertThat(bulk.residentCodes(3)).containsExactly(BULK_C);
        Response tooMany = kenpo.query(CENTRAL, "q-bulk-3", "health-insurance",
                person(BULK_A) + person(BULK_B) + person(BULK_C) + person(NEVER_QUERIED));
        assertThat(tooMany.errorCode()).as("more persons than approved").isEqualTo("BULK_NOT_APPROVED");
        assertThat(nenkin.query(CENTRAL, "q-bulk-4", "pension", two).errorCode()).as("approved for kenpo only")
                .isEqualTo("BULK_NOT_APPROVED");

        for (String code : List.of(BULK_A, BULK_B, BULK_C)) {
            assertThat(provision(CENTRAL, "disclose", "--resident-code", code).out()).contains("q-bulk-2").contains("1 provision(s)");
        }
        assertThat(provision(CENTRAL, "disclose", "--resident-code", NEVER_QUERIED).out()).contains("0 provision(s)");
        assertThat(provision(CENTRAL, "list-bulk-approvals", "--requester", "kenpo").out())
                .contains("情報管理責任者 山田").contains("2 approval(s)");
    }

    @Test
    @Order(6)
    void the_provision_log_is_erased_after_its_retention_exactly() throws Exception {
        ok200(nenkin.query(CENTRAL, "q-old-1", "pension", person(ERASED)));
        ok200(nenkin.query(CENTRAL, "q-old-2", "pension", person(BOTH)));
        Instant wave1 = store(CENTRAL).queryForObject("select max(provided_at) from provision_log", Timestamp.class).toInstant();
        Instant mid = wave1.plusMillis(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(mid.plusMillis(1)));
        ok200(nenkin.query(CENTRAL, "q-new-1", "pension", person(KEPT)));
        ok200(nenkin.query(CENTRAL, "q-new-2", "pension", person(BOTH)));

        Instant asOf = mid.atZone(ZoneOffset.UTC).plusYears(7).toInstant(); // jukibus.provision.log-retention default 7y
        Integer expired = store(CENTRAL).queryForObject("select count(*) from provision_log where provided_at < ?",
                Integer.class, Timestamp.from(mid));
        Integer kept = store(CENTRAL).queryForObject("select count(*) from provision_log where provided_at >= ?",
                Integer.class, Timestamp.from(mid));
        assertThat(expired).isPositive();
        assertThat(kept).isEqualTo(2);

        assertThat(provision(CENTRAL, "erase-expired-log", "--as-of", asOf.minus(Duration.ofDays(1)).toString()).out())
                .as("a day before the retention ends").contains("erased 0 provision-log entries");
        assertThat(provision(CENTRAL, "erase-expired-log", "--as-of", asOf.toString()).out())
                .contains("erased " + expired + " provision-log entr");

        assertThat(provision(CENTRAL, "disclose", "--resident-code", ERASED).out()).contains("0 provision(s)");
        assertThat(provision(CENTRAL, "disclose", "--resident-code", KEPT).out()).contains("q-new-1").contains("1 provision(s)");
        assertThat(provision(CENTRAL, "disclose", "--resident-code", BOTH).out()).contains("q-new-2").doesNotContain("q-old-2")
                .contains("1 provision(s)");
        assertThat(store(CENTRAL).queryForObject("select count(*) from provision_log", Integer.class)).isEqualTo(kept);
        assertThat(TestNetwork.contains(net.node(CENTRAL).home().resolve("audit"), "provision log erasure as of " + asOf)).isTrue();
    }

    @Test
    @Order(7)
    void requesters_approvals_and_the_provision_log_survive_a_restart() throws Exception {
        net.stop(CENTRAL).start(CENTRAL);

        assertThat(provision(CENTRAL, "list-requesters").out()).contains("nenkin").contains("kenpo").contains("pension,tax")
                .contains("3 requester(s)");
        assertThat(provision(CENTRAL, "disclose", "--resident-code", KEPT).out()).contains("q-new-1").contains("1 provision(s)");
        assertThat(provision(CENTRAL, "list-bulk-approvals").out()).contains("2 approval(s)");
        Response again = kenpo.query(CENTRAL, "q-after-restart", "health-insurance", person(BULK_A) + person(BULK_B));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.residentCodes(2)).containsExactly(BULK_B);
    }

    @Test
    @Order(8)
    void a_provision_port_on_a_node_that_provides_nothing_stops_it() {
        Map<String, Object> properties = new HashMap<>(net.node(SHINJUKU).properties());
        properties.put("jukibus.provision.port", "0");
        assertThatThrownBy(() -> NodeLauncher.start(properties).close())
                .hasStackTraceContaining("jukibus.provision.port is set, but the municipal node 131041 provides no identity information");
    }

    // --- helpers ---

    static void seed(String node, String code, String name, String birthDate, String sex, String address, boolean superseded) {
        IdentityRecords.seed(net, node, code, "131041", name, birthDate, sex, address, superseded);
    }

    static org.springframework.jdbc.core.JdbcTemplate store(String node) {
        return IdentityRecords.store(net, node);
    }

    static String person(String residentCode) {
        return "<Person><ResidentCode>" + residentCode + "</ResidentCode></Person>";
    }

    static String text(Element parent, String name) {
        return parent.getElementsByTagNameNS("*", name).item(0).getTextContent();
    }

    static void ok200(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    record Response(int status, String body) {
        Document doc() throws Exception {
            return SecureXml.parse(body.getBytes(StandardCharsets.UTF_8));
        }

        /** The resident codes found for the n-th Person; the answer checked against the schema first. */
        List<String> residentCodes(int person) throws Exception {
            assertThat(status).as(body).isEqualTo(200);
            Document doc = doc();
            Schemas.validate("identity-query.xsd", doc);
            List<String> out = new ArrayList<>();
            NodeList results = doc.getElementsByTagNameNS("*", "Result");
            for (int i = 0; i < results.getLength(); i++) {
                Element r = (Element) results.item(i);
                if (r.getAttribute("person").equals(Integer.toString(person))) {
                    NodeList codes = r.getElementsByTagNameNS("*", "ResidentCode");
                    for (int j = 0; j < codes.getLength(); j++) {
                        out.add(codes.item(j).getTextContent());
                    }
                }
            }
            return out;
        }

        String errorCode() throws Exception {
            Document doc = doc();
            Schemas.validate("identity-query.xsd", doc);
            return doc.getElementsByTagNameNS("*", "Code").item(0).getTextContent();
        }

        String errorMessage() throws Exception {
            return doc().getElementsByTagNameNS("*", "Message").item(0).getTextContent();
        }
    }

    /** A requester's system: its key (or none) and the network CA as trust anchor. */
    record Client(HttpClient http) {
        static Client of(CertificateAuthority networkCa, KeyMaterial keys) throws Exception {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", networkCa.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            if (keys != null) {
                own.setKeyEntry("requester", keys.privateKey(), PW, keys.chain().toArray(new Certificate[0]));
            }
            kmf.init(own, PW);
            X509KeyManager chosen = (X509KeyManager) kmf.getKeyManagers()[0];
            // present the certificate whatever CAs the node asks for: the JDK's own choice would hold back another
            // CA's certificate, and the test is about what the node does when it gets one
            X509KeyManager always = new X509ExtendedKeyManager() {
                @Override
                public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                    return keys == null ? null : "requester";
                }

                @Override
                public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                    return keys == null ? null : "requester";
                }

                @Override
                public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                    return chosen.getClientAliases(keyType, issuers);
                }

                @Override
                public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                    return null;
                }

                @Override
                public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                    return chosen.getCertificateChain(alias);
                }

                @Override
                public java.security.PrivateKey getPrivateKey(String alias) {
                    return chosen.getPrivateKey(alias);
                }
            };
            tls.init(new javax.net.ssl.KeyManager[] {always}, tmf.getTrustManagers(), null);
            return new Client(HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build());
        }

        Response query(String node, String queryId, String purpose, String persons) throws Exception {
            return post(node, ProvisionChannel.PATH, ("<IdentityQuery xmlns=\"urn:jukibus:provision:1\"><QueryId>" + queryId
                    + "</QueryId><Purpose>" + purpose + "</Purpose>" + persons + "</IdentityQuery>").getBytes(StandardCharsets.UTF_8));
        }

        Response post(String node, String path, byte[] body) throws Exception {
            int port = net.context(node).getBean(ProvisionChannel.class).port();
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body());
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run provision(String node, String command, String... args) {
        List<String> all = new ArrayList<>(List.of("provision", command));
        all.addAll(net.operatorLogin(node));
        all.addAll(Arrays.asList(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Jukibus()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        System.out.println("$ jukibus " + String.join(" ", all) + "\n" + out + err);
        return new Run(exit, out.toString(), err.toString());
    }

    static void ok(Run run) {
        assertThat(run.exit()).as(run.err()).isZero();
    }

    static List<String> lines(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).toList();
    }

}
