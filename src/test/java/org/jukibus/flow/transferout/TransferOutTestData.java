package org.jukibus.flow.transferout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jukibus.directory.Endpoint;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.envelope.EnvelopeHeader;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.NodeIdentity;

/** A small directory (Tokyo with Shinjuku and Bunkyo, Osaka with Osaka-shi) and delivered payloads. */
final class TransferOutTestData {

    static final String SHINJUKU = "131041";
    static final String BUNKYO = "131059";
    static final String OSAKA = "271004";

    private TransferOutTestData() {
    }

    private static final CertificateAuthority CA = ca();

    private static CertificateAuthority ca() {
        try {
            return CertificateAuthority.create(Files.createTempDirectory("transfer-out-ca").resolve("ca"), "Test Root",
                    "test-password".toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NodeDirectory directory(boolean withPrefectures) {
        return directory(withPrefectures, 1);
    }

    static NodeDirectory directory(boolean withPrefectures, long serial) {
        List<NodeEntry> entries = new java.util.ArrayList<>(List.of(
                entry(NodeRole.MUNICIPAL, SHINJUKU), entry(NodeRole.MUNICIPAL, BUNKYO), entry(NodeRole.MUNICIPAL, OSAKA)));
        if (withPrefectures) {
            entries.add(entry(NodeRole.PREFECTURE, "13"));
            entries.add(entry(NodeRole.PREFECTURE, "27"));
        }
        return new NodeDirectory(serial, Instant.now(), entries);
    }

    private static NodeEntry entry(NodeRole role, String code) {
        Endpoint e = new Endpoint("127.0.0.1", 1);
        try {
            var keys = CA.issueKeyMaterial(new NodeIdentity(role, code, "node " + code), List.of(), Duration.ofDays(1));
            return new NodeEntry(role, code, "node " + code, null, e, e, keys.certificate());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static Delivered delivered(FlowDefinition flow, String sender, String recipient, String xml) {
        EnvelopeHeader header = new EnvelopeHeader(UUID.randomUUID().toString(), flow.messageType(), sender, recipient,
                Instant.now(), null);
        return new Delivered(flow, header, xml.getBytes(StandardCharsets.UTF_8));
    }

    static String notice(String newMunicipality, String oldMunicipality) {
        return """
                <TransferInNotice xmlns="urn:jukibus:transfer-in:1">
                  <NoticeId>N-1</NoticeId>
                  <ResidentCode>12345678903</ResidentCode>
                  <Name>住基 花子</Name>
                  <BirthDate>1985-04-01</BirthDate>
                  <Sex>2</Sex>
                  <NewAddress>東京都文京区本郷七丁目3番1号</NewAddress>
                  <TransferInDate>2026-11-20</TransferInDate>
                  <PreviousAddress>東京都新宿区西新宿二丁目8番1号</PreviousAddress>
                  <NewMunicipality>%s</NewMunicipality>
                  <OldMunicipality>%s</OldMunicipality>
                </TransferInNotice>""".formatted(newMunicipality, oldMunicipality);
    }

    static String confirmation(String oldMunicipality, String newMunicipality, String prefecture) {
        return """
                <TransferOutConfirmation xmlns="urn:jukibus:transfer-out:1">
                  <ResidentCode>12345678903</ResidentCode>
                  <Name>住基 花子</Name>
                  <BirthDate>1985-04-01</BirthDate>
                  <NewAddress>東京都文京区本郷七丁目3番1号</NewAddress>
                  <TransferInDate>2026-11-20</TransferInDate>
                  <OldMunicipality>%s</OldMunicipality>
                  <NewMunicipality>%s</NewMunicipality>
                  <Prefecture>%s</Prefecture>
                  <ConfirmedAt>2026-11-21T09:30:00+09:00</ConfirmedAt>
                </TransferOutConfirmation>""".formatted(oldMunicipality, newMunicipality, prefecture);
    }
}
