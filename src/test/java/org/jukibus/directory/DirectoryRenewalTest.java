package org.jukibus.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's certificate renewal in the directory: the next certificate listed beside the current one, then alone. */
class DirectoryRenewalTest {

    @TempDir
    static Path dir;
    static KeyMaterial osakaOld;
    static KeyMaterial osakaNew;
    static KeyMaterial shinjuku;

    @BeforeAll
    static void keys() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test root", "pw".toCharArray());
        NodeIdentity osaka = new NodeIdentity(NodeRole.MUNICIPAL, "271004", "大阪市");
        osakaOld = ca.issueKeyMaterial(osaka, List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        osakaNew = ca.issueKeyMaterial(osaka, List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
        shinjuku = ca.issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, "131041", "新宿区"), List.of("127.0.0.1"),
                CertificateAuthority.DEFAULT_NODE_VALIDITY);
    }

    static DirectoryBuilder before() {
        return new DirectoryBuilder().serial(1).issuedAt(Instant.parse("2026-12-01T00:00:00Z"))
                .add(new NodeEntry(NodeRole.MUNICIPAL, "131041", "新宿区", null, new Endpoint("127.0.0.1", 1),
                        new Endpoint("127.0.0.1", 2), shinjuku.certificate()))
                .add(new NodeEntry(NodeRole.MUNICIPAL, "271004", "大阪市", null, new Endpoint("127.0.0.1", 3),
                        new Endpoint("127.0.0.1", 4), osakaOld.certificate()));
    }

    @Test
    void the_next_certificate_survives_the_xml_round_trip_and_finds_the_node_beside_the_old_one() throws Exception {
        byte[] xml = before().listNextCertificate("271004", osakaNew.certificate()).toXml();

        NodeDirectory read = DirectoryLoader.readUnsigned(xml);

        NodeEntry osaka = read.byCode("271004").orElseThrow();
        assertThat(osaka.certificate()).isEqualTo(osakaOld.certificate());
        assertThat(osaka.nextCertificate()).isEqualTo(osakaNew.certificate());
        assertThat(osaka.sealingCertificate()).isEqualTo(osakaNew.certificate());
        assertThat(read.byCertificate(osakaOld.certificate()).map(NodeEntry::code)).contains("271004");
        assertThat(read.byCertificate(osakaNew.certificate()).map(NodeEntry::code)).contains("271004");
        assertThat(read.byCode("131041").orElseThrow().nextCertificate()).isNull();
    }

    @Test
    void after_the_overlap_only_the_new_certificate_is_listed() throws Exception {
        byte[] xml = before().listNextCertificate("271004", osakaNew.certificate()).endOverlap("271004").toXml();

        NodeDirectory read = DirectoryLoader.readUnsigned(xml);

        assertThat(read.byCode("271004").orElseThrow().certificates()).containsExactly(osakaNew.certificate());
        assertThat(read.byCertificate(osakaOld.certificate())).isEmpty();
        assertThat(read.byCertificate(osakaNew.certificate()).map(NodeEntry::code)).contains("271004");
    }

    @Test
    void a_next_certificate_of_another_node_or_already_listed_is_refused() {
        assertThatThrownBy(() -> before().listNextCertificate("271004", shinjuku.certificate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to");
        assertThatThrownBy(() -> before().listNextCertificate("271004", osakaOld.certificate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is its current one");
        assertThatThrownBy(() -> before().endOverlap("271004"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no next certificate");
    }
}
