package org.jukibus.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Map;

import org.jukibus.directory.DirectoryCommand;
import org.jukibus.core.NodeRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** End-to-end runs of the pki and directory commands. */
class PkiCommandTest {

    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(Object command, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    int pki(String... args) {
        return run(new PkiCommand(), args);
    }

    @AfterEach
    void resetEnv() {
        PkiCommand.environment = System::getenv;
    }

    @Test
    void initCaIssueRevokeCrlShowEndToEnd() throws Exception {
        Path pw = dir.resolve("ca.pass");
        Files.writeString(pw, "correct horse\n");
        Path ca = dir.resolve("ca");
        assertThat(pki("init-ca", "--dir", ca.toString(), "--name", "Juki-net Root", "--password-file", pw.toString()))
                .as(err.toString()).isZero();
        assertThat(ca.resolve("ca.p12")).isRegularFile();
        assertThat(Pem.readCrl(ca.resolve("crl.pem")).getRevokedCertificates()).isNull();
        assertThat(ca.resolve("issued.txt")).isRegularFile();

        // refuses to overwrite
        assertThat(pki("init-ca", "--dir", ca.toString(), "--name", "Again", "--password-file", pw.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("already exists").doesNotContain("Exception").doesNotContain("\tat ");

        Path out = dir.resolve("nodes");
        assertThat(pki("issue", "--ca", ca.toString(), "--password-file", pw.toString(), "--role", "municipal",
                "--code", "131041", "--name", "新宿区", "--host", "10.0.0.5", "--host", "cs131041.example",
                "--out", out.toString())).as(err.toString()).isZero();
        assertThat(out.resolve("131041.p12")).isRegularFile();
        assertThat(out.resolve("truststore.p12")).isRegularFile();
        assertThat(out.resolve("131041.pem")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("131041.pass")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("131041.p12")))).isEqualTo("rw-------");
        char[] storePw = SecureFiles.readPassword(out.resolve("131041.pass"));
        KeyMaterial km = KeyStores.readKeyStore(out.resolve("131041.p12"), storePw);
        assertThat(km.identity()).isEqualTo(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"));
        X509Certificate root = KeyStores.readTrustStore(out.resolve("truststore.p12"), storePw);
        assertThat(root).isEqualTo(Pem.readCertificate(ca.resolve("ca.pem")));
        assertThat(new CertificateValidator(root, Pem.readCrl(ca.resolve("crl.pem"))).validate(km.certificate()).code())
                .isEqualTo("131041");

        // show
        assertThat(pki("show", out.resolve("131041.pem").toString())).isZero();
        assertThat(this.out.toString()).contains("CN=131041", "10.0.0.5", "新宿区");

        // revoke by certificate file
        assertThat(pki("revoke", "--ca", ca.toString(), "--password-file", pw.toString(),
                "--cert", out.resolve("131041.pem").toString())).as(err.toString()).isZero();
        assertThat(Pem.readCrl(ca.resolve("crl.pem")).isRevoked(km.certificate())).isTrue();
        assertThat(Files.readString(ca.resolve("issued.txt"))).contains(km.certificate().getSerialNumber().toString(16));

        // re-issue CRL
        assertThat(pki("crl", "--ca", ca.toString(), "--password-file", pw.toString(), "--next-update-days", "3")).isZero();
        assertThat(Pem.readCrl(ca.resolve("crl.pem")).isRevoked(km.certificate())).isTrue();

        // revoke an unknown serial
        assertThat(pki("revoke", "--ca", ca.toString(), "--password-file", pw.toString(), "--serial", "abc123")).isEqualTo(1);
        assertThat(err.toString()).contains("not issued by this CA");

        // the CA password from the environment
        PkiCommand.environment = Map.of(PkiCommand.CA_PASSWORD_ENV, "correct horse")::get;
        assertThat(pki("issue", "--ca", ca.toString(), "--role", "prefecture", "--code", "13", "--name", "東京都",
                "--out", out.toString())).as(err.toString()).isZero();
        assertThat(out.resolve("13.p12")).isRegularFile();
    }

    @Test
    void userErrorsAreOneLineAndNonZero() throws Exception {
        PkiCommand.environment = k -> null;
        assertThat(pki("init-ca", "--dir", dir.resolve("ca").toString(), "--name", "X")).isEqualTo(1);
        assertThat(err.toString()).contains("JUKIBUS_CA_PASSWORD").contains("--password-file");
        assertThat(dir.resolve("ca/ca.p12")).doesNotExist();

        Path pw = dir.resolve("pw");
        Files.writeString(pw, "secret");
        Path ca = dir.resolve("ca");
        assertThat(pki("init-ca", "--dir", ca.toString(), "--name", "X", "--password-file", pw.toString())).isZero();
        assertThat(pki("issue", "--ca", ca.toString(), "--password-file", pw.toString(), "--role", "municipal",
                "--code", "131040", "--name", "x", "--out", dir.resolve("o").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("131040").contains("check digit");
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(pki("issue", "--ca", ca.toString(), "--password-file", pw.toString(), "--role", "mayor",
                "--code", "131041", "--name", "x", "--out", dir.resolve("o").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("unknown node role 'mayor'");
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "nope");
        assertThat(pki("issue", "--ca", ca.toString(), "--password-file", wrong.toString(), "--role", "municipal",
                "--code", "131041", "--name", "x", "--out", dir.resolve("o").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("ca.p12").doesNotContain("\tat ");
        assertThat(pki("revoke", "--ca", ca.toString(), "--password-file", pw.toString())).isNotZero();
    }

    @Test
    void directoryCommandsEndToEnd() throws Exception {
        Path pw = dir.resolve("ca.pass");
        Files.writeString(pw, "pw\n");
        Path ca = dir.resolve("ca");
        Path nodes = dir.resolve("nodes");
        assertThat(pki("init-ca", "--dir", ca.toString(), "--name", "Root", "--password-file", pw.toString())).isZero();
        String[][] ids = {{"central", "jlis", "機構"}, {"prefecture", "13", "東京都"}, {"municipal", "131041", "新宿区"},
                {"municipal", "131016", "千代田区"}};
        for (String[] id : ids) {
            assertThat(pki("issue", "--ca", ca.toString(), "--password-file", pw.toString(), "--role", id[0], "--code", id[1],
                    "--name", id[2], "--out", nodes.toString())).as(err.toString()).isZero();
        }
        Path unsigned = dir.resolve("unsigned.xml");
        for (String[] id : ids) {
            assertThat(run(new DirectoryCommand(), "add", "--file", unsigned.toString(), "--role", id[0], "--code", id[1],
                    "--name", id[2], "--primary", id[1] + ".example:61616", "--backup", id[1] + "-b.example:61617",
                    "--cert", nodes.resolve(id[1] + ".pem").toString())).as(err.toString()).isZero();
        }
        assertThat(run(new DirectoryCommand(), "add", "--file", unsigned.toString(), "--role", "municipal", "--code", "131041",
                "--name", "dup", "--primary", "a:1", "--backup", "b:2", "--cert", nodes.resolve("131041.pem").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("131041").contains("already");

        Path signed = dir.resolve("directory.xml");
        // a municipal key may not sign
        assertThat(run(new DirectoryCommand(), "sign", "--in", unsigned.toString(), "--keystore", nodes.resolve("131041.p12").toString(),
                "--password-file", nodes.resolve("131041.pass").toString(), "--out", signed.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("only the central node");
        assertThat(run(new DirectoryCommand(), "sign", "--in", unsigned.toString(), "--keystore", nodes.resolve("jlis.p12").toString(),
                "--password-file", nodes.resolve("jlis.pass").toString(), "--out", signed.toString())).as(err.toString()).isZero();
        assertThat(run(new DirectoryCommand(), "verify", "--file", signed.toString(), "--root-ca", ca.resolve("ca.pem").toString(),
                "--crl", ca.resolve("crl.pem").toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("serial 1", "4 nodes", "municipal: 2", "central: 1");

        // signing again increments the serial
        assertThat(run(new DirectoryCommand(), "sign", "--in", unsigned.toString(), "--keystore", nodes.resolve("jlis.p12").toString(),
                "--password-file", nodes.resolve("jlis.pass").toString(), "--out", signed.toString())).isZero();
        assertThat(run(new DirectoryCommand(), "verify", "--file", signed.toString(), "--root-ca", ca.resolve("ca.pem").toString())).isZero();
        assertThat(out.toString()).contains("serial 2");

        // tampered file: non-zero, reason on stderr
        Files.writeString(signed, Files.readString(signed).replace("131041.example", "evil.example"));
        assertThat(run(new DirectoryCommand(), "verify", "--file", signed.toString(), "--root-ca", ca.resolve("ca.pem").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("directory rejected");

        // revoke central: the directory it signed is no longer accepted with the new CRL
        Files.writeString(signed, Files.readString(signed).replace("evil.example", "131041.example"));
        assertThat(pki("revoke", "--ca", ca.toString(), "--password-file", pw.toString(), "--cert", nodes.resolve("jlis.pem").toString())).isZero();
        assertThat(run(new DirectoryCommand(), "verify", "--file", signed.toString(), "--root-ca", ca.resolve("ca.pem").toString(),
                "--crl", ca.resolve("crl.pem").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("revoked");
    }
}
