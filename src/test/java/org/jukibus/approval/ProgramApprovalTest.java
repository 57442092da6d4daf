package org.jukibus.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.Pem;
import org.jukibus.pki.SecureFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** A node loads only the routes and broker configuration the officer approved; every other case is refused, by name. */
class ProgramApprovalTest {

    @TempDir
    Path dir;
    CertificateAuthority ca;
    KeyMaterial officer;
    Path routes;
    Path brokerConfig;
    Path home;
    Path jar;
    final List<AuditEvent> recorded = new ArrayList<>();

    @BeforeEach
    void programs() throws Exception {
        ca = CertificateAuthority.create(dir.resolve("ca"), "Root", "pw".toCharArray());
        officer = ca.issueOfficerKeyMaterial(new OfficerIdentity("承認責任者"), Duration.ofDays(30));
        routes = dir.resolve("routes");
        brokerConfig = dir.resolve("broker-config");
        home = dir.resolve("home");
        Files.createDirectories(home);
        write(routes.resolve("common/templates.yaml"), "- route: common\n");
        write(routes.resolve("municipal/transfer-in.yaml"), "- route: transfer-in\n");
        write(routes.resolve("prefecture/other.yaml"), "- route: prefecture\n");
        write(routes.resolve("municipal/README.md"), "not a route\n");
        write(brokerConfig.resolve("municipal.xml"), "<configuration/>\n");
        write(brokerConfig.resolve("prefecture.xml"), "<configuration/>\n");
        jar = dir.resolve("dist/jukibus.jar");
        writeJar("<xs:schema/>");
        sign();
    }

    @Test
    void the_approved_files_are_copied_to_the_node_and_their_registration_is_logged() throws Exception {
        ApprovedPrograms programs = approval().approve();

        Path copy = home.resolve("approved-programs");
        assertThat(programs.checked()).isTrue();
        assertThat(programs.routesDir()).isEqualTo(copy.resolve("routes"));
        assertThat(programs.brokerConfigDir()).isEqualTo(copy.resolve("broker-config"));
        assertThat(copy.resolve("routes/common/templates.yaml")).hasContent("- route: common");
        assertThat(copy.resolve("routes/municipal/transfer-in.yaml")).exists();
        assertThat(copy.resolve("routes/prefecture")).doesNotExist();
        assertThat(copy.resolve("routes/municipal/README.md")).doesNotExist();
        assertThat(copy.resolve("broker-config/municipal.xml")).exists();
        assertThat(copy.resolve("broker-config/prefecture.xml")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rwx------");
        assertThat(programs.routesIncludePattern(NodeRole.MUNICIPAL)).isEqualTo("file:" + copy.resolve("routes/common")
                + "/*.yaml,file:" + copy.resolve("routes/municipal") + "/*.yaml");
        assertThat(recorded).extracting(AuditEvent::kind).containsExactly(AuditKind.ROUTES_APPROVED,
                AuditKind.PROGRAM_REGISTERED, AuditKind.PROGRAM_REGISTERED, AuditKind.PROGRAM_REGISTERED,
                AuditKind.PROGRAM_REGISTERED, AuditKind.PROGRAM_REGISTERED);
        assertThat(recorded.get(0).actor()).isEqualTo("officer:承認責任者");
        assertThat(recorded.get(0).digest()).isEqualTo(programs.manifestSha256());
        assertThat(recorded.get(0).detail()).contains("5 files this municipal node runs, from the jar " + jar);
        assertThat(recorded.subList(1, 6)).extracting(AuditEvent::detail).containsExactly("broker-config/municipal.xml",
                "node.jar", "routes/common/templates.yaml", "routes/municipal/transfer-in.yaml", "schemas/envelope.xsd");

        // the officer approves a change: one file changed, one added, one removed
        recorded.clear();
        write(routes.resolve("municipal/transfer-in.yaml"), "- route: transfer-in v2\n");
        write(routes.resolve("municipal/receipts.yaml"), "- route: receipts\n");
        Files.delete(routes.resolve("common/templates.yaml"));
        sign();
        approval().approve();

        assertThat(recorded).extracting(e -> e.kind() + " " + e.detail().replaceAll(" \\(was sha256 [0-9a-f]+\\)", ""))
                .containsExactly("ROUTES_APPROVED " + recorded.get(0).detail(),
                        "PROGRAM_REMOVED routes/common/templates.yaml",
                        "PROGRAM_REGISTERED routes/municipal/receipts.yaml",
                        "PROGRAM_CHANGED routes/municipal/transfer-in.yaml");
        assertThat(copy.resolve("routes/common/templates.yaml")).doesNotExist();
    }

    @Test
    void a_role_without_routes_of_its_own_still_gets_its_folder() throws Exception {
        ApprovedPrograms programs = new ProgramApproval(NodeRole.CENTRAL, routes, brokerConfig, NodeProgram.ofJar(jar),
                routes.resolve("APPROVED.xml"),
                officer.certificate(), new CertificateValidator(ca.certificate(), ca.currentCrl()), home, recorded::add,
                Clock.systemUTC()).approve();

        assertThat(programs.routesDir().resolve("central")).isEmptyDirectory();
        assertThat(programs.routesDir().resolve("common/templates.yaml")).exists();
    }

    @Test
    void every_file_that_differs_from_the_approval_is_named_at_once() throws Exception {
        write(routes.resolve("common/templates.yaml"), "- route: commoN\n");
        write(routes.resolve("municipal/extra.yaml"), "- route: extra\n");
        Files.delete(routes.resolve("municipal/transfer-in.yaml"));
        write(brokerConfig.resolve("municipal.xml"), "<configuration><x/></configuration>\n");
        write(routes.resolve("prefecture/other.yaml"), "- route: not this node's\n");

        assertThatThrownBy(() -> approval().approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("not the ones the responsible officer approved")
                .hasMessageContaining("broker-config/municipal.xml: changed since it was approved (approved sha256 ")
                .hasMessageContaining("routes/common/templates.yaml: changed since it was approved")
                .hasMessageContaining("routes/municipal/extra.yaml: not approved (an added file the manifest does not list)")
                .hasMessageContaining("routes/municipal/transfer-in.yaml: approved but missing")
                .message().doesNotContain("prefecture");
        assertThat(recorded).extracting(AuditEvent::kind).containsExactly(AuditKind.ROUTES_REFUSED);
        assertThat(recorded.get(0).detail()).contains("routes/municipal/extra.yaml: not approved");
        assertThat(home.resolve("approved-programs")).doesNotExist();
    }

    @Test
    void a_changed_schema_or_jar_is_refused_by_name() throws Exception {
        writeJar("<xs:schema><xs:element name='x'/></xs:schema>");

        assertThatThrownBy(() -> approval().approve()).isInstanceOf(ProgramsRejectedException.class)
                .hasMessageContaining("schemas/envelope.xsd: changed since it was approved (approved sha256 ")
                .hasMessageContaining("node.jar: changed since it was approved")
                .hasMessageContaining("(the jar " + jar + ")");

        // the same schema, but another jar (its code changed)
        writeJar("<xs:schema/>", "org/jukibus/Patched.class");
        assertThatThrownBy(() -> approval().approve()).hasMessageContaining("node.jar: changed since it was approved")
                .message().doesNotContain("schemas/");

        // a jar the manifest does not list at all
        writeJar("<xs:schema/>");
        Files.write(routes.resolve("APPROVED.xml"), ManifestSigner.sign(ProgramManifest.of("承認責任者", Instant.now(), null,
                ProgramFiles.all(routes, brokerConfig), NodeProgram.ofClasses(dir.resolve("none"))), officer));
        assertThatThrownBy(() -> approval().approve())
                .hasMessageContaining("node.jar: not approved (an added file the manifest does not list)")
                .hasMessageContaining("schemas/envelope.xsd: not approved");
        assertThat(recorded).extracting(AuditEvent::kind).containsOnly(AuditKind.ROUTES_REFUSED);
    }

    @Test
    void a_node_run_from_a_class_folder_checks_its_schemas_but_has_no_jar_to_check() throws Exception {
        Path classes = dir.resolve("classes");
        write(classes.resolve("schemas/envelope.xsd"), "<xs:schema/>");
        NodeProgram folder = NodeProgram.ofClasses(classes);
        assertThat(folder.digests()).containsOnlyKeys("schemas/envelope.xsd")
                .containsEntry("schemas/envelope.xsd", NodeProgram.ofJar(jar).digests().get("schemas/envelope.xsd"));

        ApprovedPrograms programs = approval(folder).approve();
        assertThat(programs.checked()).isTrue();
        assertThat(recorded.get(0).detail()).contains("no jar: the jar is not checked");

        write(classes.resolve("schemas/envelope.xsd"), "<xs:schema><xs:element name='x'/></xs:schema>");
        assertThatThrownBy(() -> approval(NodeProgram.ofClasses(classes)).approve())
                .hasMessageContaining("schemas/envelope.xsd: changed since it was approved");
    }

    @Test
    void a_manifest_signed_by_a_node_is_refused() throws Exception {
        KeyMaterial node = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of("127.0.0.1"),
                Duration.ofDays(30));
        Files.write(routes.resolve("APPROVED.xml"), ManifestSigner.signAnyKey(manifest(), node));

        assertThatThrownBy(() -> approval().approve()).hasMessageContaining(
                "is signed by the node certificate of municipal 131041 (新宿区), not by the approving officer (承認責任者)");
        assertThatThrownBy(() -> ManifestSigner.sign(manifest(), node))
                .hasMessageContaining("only an approving officer signs the programs");
    }

    @Test
    void an_officer_of_another_ca_is_refused() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create(dir.resolve("foreign"), "Root", "pw".toCharArray());
        officer = foreign.issueOfficerKeyMaterial(new OfficerIdentity("承認責任者"), Duration.ofDays(30));
        sign();

        assertThatThrownBy(() -> approval().approve()).hasMessageContaining(
                "the approving officer's certificate is not acceptable: certificate CN=承認責任者,OU=officer,O=Juki-net,C=JP "
                        + "was not issued by our root CA");
    }

    @Test
    void a_revoked_officer_is_refused() throws Exception {
        ca.revoke(officer.certificate().getSerialNumber());

        assertThatThrownBy(() -> approval().approve()).hasMessageContaining("the approving officer's certificate is not "
                + "acceptable").hasMessageContaining("was revoked");
    }

    @Test
    void a_manifest_changed_after_signing_or_unsigned_is_refused() throws Exception {
        Path manifest = routes.resolve("APPROVED.xml");
        String signed = Files.readString(manifest, StandardCharsets.UTF_8);
        Files.writeString(manifest, signed.replaceFirst("sha256=\"[0-9a-f]", "sha256=\"f"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> approval().approve()).hasMessageContaining("the officer's signature does not match its content");

        Files.writeString(manifest, signed.replaceAll("(?s)<ds:Signature.*</ds:Signature>", ""), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> approval().approve()).hasMessageContaining("APPROVED.xml is not signed");

        Files.delete(manifest);
        assertThatThrownBy(() -> approval().approve()).hasMessageContaining("there is no approval: ")
                .hasMessageContaining("jukibus routes sign");
    }

    @Test
    void routes_sign_and_verify_commands() throws Exception {
        Path keystore = dir.resolve("officer/officer.p12");
        Path password = dir.resolve("officer/officer.pass");
        SecureFiles.writePassword(password, "pw".toCharArray());
        KeyStores.writeKeyStore(keystore, officer, "pw".toCharArray());
        Path officerPem = dir.resolve("officer/officer.pem");
        Pem.writeCertificate(officerPem, officer.certificate());
        String[] verify = {"verify", "--routes", routes.toString(), "--broker-config", brokerConfig.toString(),
                "--officer-certificate", officerPem.toString(), "--root-ca", ca.directory().resolve("ca.pem").toString(),
                "--crl", ca.directory().resolve("crl.pem").toString(), "--jar", jar.toString()};

        assertThat(run("sign", "--routes", routes.toString(), "--broker-config", brokerConfig.toString(), "--keystore",
                keystore.toString(), "--password-file", password.toString(), "--note", "ticket 42", "--jar", jar.toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("no change since the approval of").contains("approved 7 files as officer 承認責任者")
                .contains("  node.jar").contains("  schemas/envelope.xsd");
        assertThat(run(verify)).as(out.toString()).isZero();
        assertThat(out.toString()).contains("approved: every file is as the officer approved it");

        write(routes.resolve("prefecture/other.yaml"), "- route: prefecturE\n");
        assertThat(run(verify)).isEqualTo(1);
        assertThat(out.toString()).contains("NOT APPROVED routes/prefecture/other.yaml: changed since it was approved");
        String[] forMunicipal = java.util.stream.Stream.concat(java.util.Arrays.stream(verify), java.util.stream.Stream.of("--role", "municipal"))
                .toArray(String[]::new);
        assertThat(run(forMunicipal)).as("a municipal node does not load it").isZero();
        writeJar("<xs:schema><xs:element name='x'/></xs:schema>");
        assertThat(run(forMunicipal)).isEqualTo(1);
        assertThat(out.toString()).contains("NOT APPROVED node.jar: changed since it was approved")
                .contains("NOT APPROVED schemas/envelope.xsd: changed since it was approved");

        KeyMaterial node = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of("127.0.0.1"),
                Duration.ofDays(30));
        KeyStores.writeKeyStore(dir.resolve("node.p12"), node, "pw".toCharArray());
        assertThat(run("sign", "--routes", routes.toString(), "--broker-config", brokerConfig.toString(), "--keystore",
                dir.resolve("node.p12").toString(), "--password-file", password.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("routes sign: error: ").contains("is not an officer's key store");
    }

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = RoutesCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private ProgramApproval approval() throws Exception {
        return approval(NodeProgram.ofJar(jar));
    }

    private ProgramApproval approval(NodeProgram program) throws Exception {
        CertificateValidator validator = new CertificateValidator(ca.certificate(), ca.currentCrl(), Clock.systemUTC());
        return new ProgramApproval(NodeRole.MUNICIPAL, routes, brokerConfig, program, routes.resolve("APPROVED.xml"),
                officer.certificate(), validator, home, recorded::add, Clock.systemUTC());
    }

    private ProgramManifest manifest() throws Exception {
        return ProgramManifest.of("承認責任者", Instant.now(), null, ProgramFiles.all(routes, brokerConfig), NodeProgram.ofJar(jar));
    }

    /** A jar shaped as Spring Boot builds it: the schema in BOOT-INF/classes/schemas/, and any further entries. */
    private void writeJar(String schema, String... entries) throws Exception {
        Files.createDirectories(jar.getParent());
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("BOOT-INF/classes/schemas/envelope.xsd"));
            zip.write(schema.getBytes(StandardCharsets.UTF_8));
            for (String e : entries) {
                zip.putNextEntry(new java.util.zip.ZipEntry(e));
                zip.write(1);
            }
        }
    }

    private void sign() throws Exception {
        Files.write(routes.resolve("APPROVED.xml"), ManifestSigner.sign(manifest(), officer));
    }

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
