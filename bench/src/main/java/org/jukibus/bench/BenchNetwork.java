package org.jukibus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.demo.NetworkProvisioner.Network;
import org.jukibus.demo.NetworkProvisioner.NodeSpec;
import org.jukibus.demo.NetworkProvisioner.ProvisionedNode;
import org.jukibus.directory.DirectoryBuilder;
import org.jukibus.directory.DirectoryLoader;
import org.jukibus.directory.DirectorySigner;
import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Flows;
import org.jukibus.flow.transferout.TransferOutFlow;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.NodeIdentity;
import org.jukibus.pki.Pem;

/**
 * The benchmark's network: a CA, central, two prefectures, two municipal nodes (Shinjuku 131041
 * sends, Osaka-shi 271004 receives) and simulated municipal peers in the signed directory.
 */
final class BenchNetwork {

    static final String SENDER = "131041";
    static final String RECIPIENT = "271004";
    static final String FLOW = "transfer-in";
    static final String TYPE = "TransferInNotice";
    static final String INBOUND = "jukibus.inbound.transfer-in";
    static final String DELIVERY_ROUTE = "transfer-in-delivery";

    private final Network network;

    private BenchNetwork(Network network) {
        this.network = network;
    }

    Network network() {
        return network;
    }

    ProvisionedNode node(String code) {
        return network.node(code);
    }

    Path inbox() {
        return network.node(SENDER).legacyRoot().resolve("inbox").resolve(FLOW);
    }

    Path outbox() {
        return network.node(RECIPIENT).legacyRoot().resolve("outbox").resolve(FLOW);
    }

    /** Where the sender's node writes the receipts it gets back. */
    Path receipts() {
        return network.node(SENDER).legacyRoot().resolve("outbox").resolve(Flows.RECEIPT.name());
    }

    /**
     * Provisions the network under {@code dir} with {@code peers} simulated peers: real certificates
     * from the network CA, listed in the signed directory, whose primary and backup endpoints are the
     * recipient's two real acceptors.
     */
    static BenchNetwork provision(Path projectDir, Path dir, int peers) throws Exception {
        List<NodeSpec> specs = List.of(
                new NodeSpec(NodeRole.CENTRAL, "central", "地方公共団体情報システム機構", null),
                new NodeSpec(NodeRole.PREFECTURE, "13", "東京都", "13"),
                new NodeSpec(NodeRole.PREFECTURE, "27", "大阪府", "27"),
                new NodeSpec(NodeRole.MUNICIPAL, SENDER, "新宿区", "13"),
                new NodeSpec(NodeRole.MUNICIPAL, RECIPIENT, "大阪市", "27"));
        Network net = new NetworkProvisioner(projectDir.toAbsolutePath()).provision(dir.toAbsolutePath(), specs);
        ProvisionedNode target = net.node(RECIPIENT);
        NodeDirectory loaded = DirectoryLoader.load(net.directoryFile(), net.ca().certificate(),
                Pem.readCrl(net.ca().directory().resolve(CertificateAuthority.CRL_FILE)), Clock.systemUTC());
        DirectoryBuilder builder = new DirectoryBuilder().serial(loaded.serial() + 1).issuedAt(Instant.now());
        builder.addAll(loaded.all());
        for (String code : simulatedCodes(peers)) {
            KeyMaterial keys = net.ca().issueKeyMaterial(new NodeIdentity(NodeRole.MUNICIPAL, code, "模擬" + code),
                    List.of("127.0.0.1"), CertificateAuthority.DEFAULT_NODE_VALIDITY);
            builder.add(new NodeEntry(NodeRole.MUNICIPAL, code, "模擬" + code, code.substring(0, 2),
                    target.primary(), target.backup(), keys.certificate()));
        }
        Files.write(net.directoryFile(), DirectorySigner.sign(builder.build(), net.node("central").keys()));
        BenchNetwork bench = new BenchNetwork(net);
        Files.createDirectories(bench.inbox());
        Files.createDirectories(bench.outbox());
        Files.createDirectories(bench.receipts());
        return bench;
    }

    /**
     * A municipal node's properties, with the transfer-out confirmation (a message of another flow, to
     * the prefecture, which the benchmark does not run) left to the legacy system: e2e measures the
     * transfer-in notice and its receipt, the same envelope work as crypto-only.
     */
    Map<String, Object> properties(String code) {
        Map<String, Object> properties = new LinkedHashMap<>(network.node(code).properties());
        properties.put(TransferOutFlow.CONFIRM_ON_TRANSFER_IN, "false");
        return properties;
    }

    /** The data folder of the node's embedded PostgreSQL (store.EmbeddedServer's layout under the node's home). */
    Path pgdata(String code) {
        return network.node(code).home().resolve("store").resolve("pgdata");
    }

    /** Valid municipal codes (with check digit) distinct from the two real nodes. */
    static List<String> simulatedCodes(int count) {
        List<String> codes = new ArrayList<>(count);
        for (String pref : List.of("13", "27", "14", "23")) {
            for (int i = 0; i < 1000 && codes.size() < count; i++) {
                String five = pref + String.format("%03d", i);
                String code = five + NodeCodes.checkDigit(five);
                if (!code.equals(SENDER) && !code.equals(RECIPIENT)) {
                    codes.add(code);
                }
            }
        }
        if (codes.size() < count) {
            throw new IllegalArgumentException("at most " + codes.size() + " simulated peers");
        }
        return codes;
    }
}
