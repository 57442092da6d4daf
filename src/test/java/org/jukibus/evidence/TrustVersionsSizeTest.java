package org.jukibus.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeEntry;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * M6, measured: the bytes one version of a network-sized signed directory (1,741 municipal nodes, 47 prefectures,
 * central, each with its own certificate and two lines) costs in the evidence store, as signed and as kept. The figures
 * are printed for deployment.md's disk sizing.
 */
class TrustVersionsSizeTest {

    @TempDir
    Path tmp;

    @Test
    void a_network_sized_directory_version_is_kept_in_less_than_half_its_bytes() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "Juki-net Root", "pw".toCharArray());
        KeyMaterial central = ca.issueKeyMaterial(new NodeIdentity(NodeRole.CENTRAL, "central", "地方公共団体情報システム機構"),
                List.of(), Duration.ofDays(730));
        List<NodeEntry> entries = new ArrayList<>();
        entries.add(entry(central, null, 0));
        for (int p = 1; p <= 47; p++) {
            String code = String.format("%02d", p);
            entries.add(entry(ca.issueKeyMaterial(new NodeIdentity(NodeRole.PREFECTURE, code, "県" + code), List.of(), Duration.ofDays(730)),
                    code, p));
        }
        int n = 0;
        for (int p = 1; n < 1741; p = p % 47 + 1) {
            String code = municipal(String.format("%02d", p) + String.format("%03d", 100 + n / 47));
            entries.add(entry(ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, code, "市町村" + code), List.of(), Duration.ofDays(730)),
                    code.substring(0, 2), 100 + n));
            n++;
        }
        byte[] signed = DirectorySigner.sign(new DirectoryBuilder().serial(7).issuedAt(Instant.parse("2027-04-01T00:00:00Z"))
                .addAll(entries).build(), central);
        byte[] kept = TrustVersions.gzip(signed);
        System.out.printf("directory of %d nodes: %,d bytes as signed, %,d bytes kept (%.0f%%)%n", entries.size(),
                signed.length, kept.length, 100.0 * kept.length / signed.length);
        Files.write(tmp.resolve("directory.xml"), signed);
        assertThat(kept.length).isLessThan(signed.length / 2);
    }

    private static NodeEntry entry(KeyMaterial km, String prefecture, int port) {
        NodeIdentity id = km.identity();
        return new NodeEntry(id.role(), id.code(), id.name(), prefecture, Endpoint.parse("10.1." + port / 250 + "." + port % 250 + ":61617"),
                Endpoint.parse("10.2." + port / 250 + "." + port % 250 + ":61617"), km.certificate());
    }

    /** A 6-digit local government code: five digits and their check digit. */
    private static String municipal(String five) {
        return five + org.jukibus.core.NodeCodes.checkDigit(five);
    }
}
