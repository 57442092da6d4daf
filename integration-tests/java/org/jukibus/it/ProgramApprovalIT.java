package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spring.boot.CamelConfigurationProperties;
import org.jukibus.approval.ManifestSigner;
import org.jukibus.approval.NodeProgram;
import org.jukibus.approval.ProgramFiles;
import org.jukibus.approval.ProgramManifest;
import org.jukibus.approval.RoutesCommand;
import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.node.NodeLauncher;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.Pem;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.WholeDocumentSignature;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.w3c.dom.Document;

import picocli.CommandLine;

/**
 * Approved programs only (standard 第4の5(2), 第4の7(4), 第4の8(1)イ): a node starts only on the routes and broker
 * configuration its officer approved; a changed, unlisted or missing file, or an approval not signed by a valid
 * officer of the network, keeps it from starting with a message naming the problem. Each test works on its own copy
 * of the network's approved programs.
 */
// the officer's-lapse test runs last: it starts the node with its clock 31 days ahead, so the node's operation log then
// holds entries of that future, and any later start with the clock back is refused (ClockAtStart, by design)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProgramApprovalIT {


    @TempDir
    static Path root;
    /** Started by each test, with the settings it tries. */
    @Provisioned({SHINJUKU})
    static TestNetwork net;

    @Test
    void the_approved_programs_run_from_the_nodes_own_copy_and_an_approved_change_is_logged_at_the_next_start() throws Exception {
        Path copy = home().resolve("approved-programs");
        try (ConfigurableApplicationContext node = NodeLauncher.start(properties(Map.of()))) {
            assertThat(node.getBean(CamelConfigurationProperties.class).getMain().getRoutesIncludePattern())
                    .isEqualTo("file:" + copy.resolve("routes/common") + "/*.yaml,file:" + copy.resolve("routes/municipal") + "/*.yaml");
            List<Route> routes = node.getBean(CamelContext.class).getRoutes();
            assertThat(routes).extracting(Route::getRouteId).contains("transfer-in-intake", "forward-outbound");
            assertThat(routes).filteredOn(r -> r.getSourceResource() != null).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getSourceResource().getLocation()).contains(copy.toString()));
        }

        // an officer approves a reviewed change; the node runs it at its next start
        Path programs = copyPrograms("reviewed-change");
        Files.writeString(programs.resolve("routes/municipal/transfer-in.yaml"), "# reviewed: ticket 7\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Path officer = net.network.officerDir();
        assertThat(routesCli("sign", "--routes", programs.resolve("routes").toString(), "--broker-config",
                programs.resolve("broker-config").toString(), "--keystore", officer.resolve("officer.p12").toString(),
                "--password-file", officer.resolve("officer.pass").toString(), "--note", "ticket 7"))
                .as(cliOut.toString()).isZero();
        assertThat(cliOut.toString()).contains("routes/municipal/transfer-in.yaml: changed since it was approved");
        NodeLauncher.start(properties(programs, Map.of())).close();

        List<AuditEntry> log = HashChainLog.entries(home().resolve("audit"));
        assertThat(log).filteredOn(e -> e.kind() == AuditKind.ROUTES_APPROVED).hasSize(2)
                .allSatisfy(e -> assertThat(e.actor()).isEqualTo("officer:" + NetworkProvisioner.OFFICER));
        assertThat(log).filteredOn(e -> e.kind() == AuditKind.PROGRAM_REGISTERED).extracting(AuditEntry::detail)
                .contains("routes/common/flow-templates.yaml", "routes/municipal/transfer-in.yaml", "broker-config/municipal.xml");
        assertThat(log).filteredOn(e -> e.kind() == AuditKind.PROGRAM_CHANGED).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("routes/municipal/transfer-in.yaml (was sha256 "));
    }

    @Test
    void a_route_file_changed_by_one_character_stops_the_node() throws Exception {
        Path programs = copyPrograms("tampered");
        Path forwarding = programs.resolve("routes/common/forwarding.yaml");
        Files.writeString(forwarding, Files.readString(forwarding).replaceFirst("Store and forward", "Store and forwarD"));

        assertRefused(properties(programs, Map.of()),
                "routes/common/forwarding.yaml: changed since it was approved (approved sha256 ");
        AuditEntry refused = last(AuditKind.ROUTES_REFUSED);
        assertThat(refused.detail()).startsWith("routes/common/forwarding.yaml: changed since it was approved");
    }

    @Test
    void an_unlisted_route_file_stops_the_node() throws Exception {
        Path programs = copyPrograms("unlisted");
        Files.writeString(programs.resolve("routes/municipal/extra.yaml"), "- route:\n    id: extra\n    from:\n"
                + "      uri: \"timer:extra\"\n      steps:\n        - log: \"not approved\"\n", StandardCharsets.UTF_8);

        assertRefused(properties(programs, Map.of()),
                "routes/municipal/extra.yaml: not approved (an added file the manifest does not list)");
    }

    @Test
    void a_removed_route_file_stops_the_node() throws Exception {
        Path programs = copyPrograms("removed");
        Files.delete(programs.resolve("routes/municipal/receipts.yaml"));

        assertRefused(properties(programs, Map.of()), "routes/municipal/receipts.yaml: approved but missing");
    }

    @Test
    void a_changed_broker_configuration_stops_the_node() throws Exception {
        Path programs = copyPrograms("broker");
        Path broker = programs.resolve("broker-config/municipal.xml");
        Files.writeString(broker, Files.readString(broker).replaceFirst("<security-enabled>true", "<security-enabled>false"));

        assertRefused(properties(programs, Map.of()), "broker-config/municipal.xml: changed since it was approved");
    }

    @Test
    void an_approval_signed_with_a_node_key_stops_the_node() throws Exception {
        Path programs = copyPrograms("node-signed");
        Path manifest = programs.resolve("routes/APPROVED.xml");
        String signed = Files.readString(manifest, StandardCharsets.UTF_8);
        Document doc = SecureXml.parse(signed.replaceAll("(?s)<ds:Signature.*</ds:Signature>", "").getBytes(StandardCharsets.UTF_8));
        KeyMaterial node = net.network.node(SHINJUKU).keys();
        WholeDocumentSignature.sign(doc, node.privateKey(), node.certificate());
        Files.write(manifest, SecureXml.serialize(doc));

        assertRefused(properties(programs, Map.of()), "is signed by the node certificate of municipal 131041 (新宿区), "
                + "not by the approving officer (" + NetworkProvisioner.OFFICER + ")");
    }

    @Test
    void an_officer_of_another_ca_is_not_accepted() throws Exception {
        Path programs = copyPrograms("foreign");
        CertificateAuthority foreign = CertificateAuthority.create(root.resolve("foreign-ca"), "Juki-net Root CA", "pw".toCharArray());
        KeyMaterial impostor = foreign.issueOfficerKeyMaterial(new OfficerIdentity(NetworkProvisioner.OFFICER), Duration.ofDays(30));
        Path impostorPem = signAs(impostor, programs, "foreign-officer.pem");

        assertRefused(properties(programs, Map.of("jukibus.approval.officer-certificate", impostorPem.toString())),
                "the approving officer's certificate is not acceptable: certificate CN=" + NetworkProvisioner.OFFICER
                        + ",OU=officer,O=Juki-net,C=JP was not issued by our root CA");
    }

    @Test
    void a_revoked_officer_is_not_accepted() throws Exception {
        Path programs = copyPrograms("revoked");
        KeyMaterial former = net.network.ca().issueOfficerKeyMaterial(new OfficerIdentity("前任の承認責任者"), Duration.ofDays(30));
        Path formerPem = signAs(former, programs, "former-officer.pem");
        net.network.ca().revoke(former.certificate().getSerialNumber()); // the CRL every node reads

        assertRefused(properties(programs, Map.of("jukibus.approval.officer-certificate", formerPem.toString())),
                "the approving officer's certificate is not acceptable: certificate CN=前任の承認責任者,OU=officer,O=Juki-net,C=JP (serial "
                        + former.certificate().getSerialNumber().toString(16) + ") was revoked");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void an_approval_accepted_while_its_officer_was_valid_keeps_the_node_starting_after_the_lapse_and_nothing_new() throws Exception {
        Path programs = copyPrograms("lapse");
        KeyMaterial shortLived = net.network.ca().issueOfficerKeyMaterial(new OfficerIdentity("任期の短い承認責任者"), Duration.ofDays(30));
        Path pem = signAs(shortLived, programs, "short-lived-officer.pem");
        Map<String, Object> settings = properties(programs, Map.of("jukibus.approval.officer-certificate", pem.toString()));
        NodeLauncher.start(settings).close(); // accepted while valid: the node records it
        try {
            org.jukibus.clock.ClockOffsetFile.write(home(), Duration.ofDays(31)); // restarted long after the lapse
            NodeLauncher.start(settings).close();
            assertThat(last(AuditKind.ROUTES_APPROVED).detail()).contains("the officer's certificate lapsed on "
                    + shortLived.certificate().getNotAfter().toInstant() + ": kept on this node's record");

            Files.writeString(programs.resolve("routes/municipal/transfer-in.yaml"), "# after the lapse\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            signAs(shortLived, programs, "short-lived-officer.pem");
            assertRefused(settings, "no record of accepting this approval while it was valid");
        } finally {
            org.jukibus.clock.ClockOffsetFile.write(home(), Duration.ZERO);
        }
    }

    @Test
    void a_node_without_an_officer_certificate_does_not_start_unless_approval_is_switched_off() throws Exception {
        Map<String, Object> noOfficer = properties(Map.of());
        noOfficer.remove("jukibus.approval.officer-certificate");
        assertRefused(noOfficer, "jukibus.approval.officer-certificate is not set");

        // switched off explicitly (development only): unapproved files run, and the operation log says so
        Path programs = copyPrograms("unchecked");
        Files.writeString(programs.resolve("routes/municipal/transfer-in.yaml"), "# not reviewed\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Map<String, Object> off = properties(programs, Map.of("jukibus.approval.required", "false"));
        off.remove("jukibus.approval.officer-certificate");
        NodeLauncher.start(off).close();
        assertThat(last(AuditKind.APPROVAL_DISABLED).detail()).startsWith("jukibus.approval.required=false");
    }

    @Test
    void routes_verify_exit_codes() throws Exception {
        Path programs = copyPrograms("verify");
        String[] verify = {"verify", "--routes", programs.resolve("routes").toString(), "--broker-config",
                programs.resolve("broker-config").toString(), "--officer-certificate", net.network.officerDir().resolve("officer.pem").toString(),
                "--root-ca", net.network.ca().directory().resolve(CertificateAuthority.CERT_FILE).toString(),
                "--crl", net.network.ca().directory().resolve(CertificateAuthority.CRL_FILE).toString()};
        assertThat(routesCli(verify)).as(cliOut.toString()).isZero();

        Path templates = programs.resolve("routes/common/flow-templates.yaml");
        Files.writeString(templates, Files.readString(templates) + " ");
        assertThat(routesCli(verify)).isEqualTo(1);
        assertThat(cliOut.toString()).contains("NOT APPROVED routes/common/flow-templates.yaml: changed since it was approved")
                .contains("1 file(s) differ from the approval");
    }

    // --- helpers ---

    final StringWriter cliOut = new StringWriter();

    int routesCli(String... args) {
        cliOut.getBuffer().setLength(0);
        CommandLine cl = RoutesCommand.commandLine();
        cl.setOut(new PrintWriter(cliOut, true));
        cl.setErr(new PrintWriter(cliOut, true));
        return cl.execute(args);
    }

    private static Path home() {
        return net.network.node(SHINJUKU).home();
    }

    private static void assertRefused(Map<String, Object> properties, String problem) {
        assertThatThrownBy(() -> NodeLauncher.start(properties).close()).hasStackTraceContaining(problem);
    }

    private static AuditEntry last(AuditKind kind) throws Exception {
        List<AuditEntry> found = HashChainLog.entries(home().resolve("audit")).stream().filter(e -> e.kind() == kind).toList();
        assertThat(found).as("%s in the operation log", kind).isNotEmpty();
        return found.get(found.size() - 1);
    }

    /** A copy of the network's approved routes/ and broker-config/ (with its APPROVED.xml), for one test to change. */
    private static Path copyPrograms(String name) throws Exception {
        Path from = net.network.programsDir();
        Path to = root.resolve("programs-" + name);
        TestNetwork.copyTree(from, to);
        return to;
    }

    /** Approves the programs in the copy as this officer; returns the officer's certificate (PEM). */
    private static Path signAs(KeyMaterial officer, Path programs, String pemName) throws Exception {
        String name = OfficerIdentity.fromCertificate(officer.certificate()).name();
        ProgramManifest manifest = ProgramManifest.of(name, Instant.now(), null,
                ProgramFiles.all(programs.resolve("routes"), programs.resolve("broker-config")), NodeProgram.running());
        Files.write(programs.resolve("routes/APPROVED.xml"), ManifestSigner.sign(manifest, officer));
        Path pem = root.resolve(pemName);
        Pem.writeCertificate(pem, officer.certificate());
        return pem;
    }

    private static Map<String, Object> properties(Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>(net.network.node(SHINJUKU).properties());
        p.putAll(overrides);
        return p;
    }

    private static Map<String, Object> properties(Path programs, Map<String, Object> overrides) {
        Map<String, Object> p = properties(overrides);
        p.put("jukibus.routes-dir", programs.resolve("routes").toString());
        p.put("jukibus.broker-config-dir", programs.resolve("broker-config").toString());
        return p;
    }
}
