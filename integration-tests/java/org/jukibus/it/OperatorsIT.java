package org.jukibus.it;

import static org.jukibus.it.Codes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jukibus.audit.AuditEntry;
import org.jukibus.audit.AuditKind;
import org.jukibus.audit.HashChainLog;
import org.jukibus.demo.NetworkProvisioner;
import org.jukibus.operators.OperatorCard;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.OfficerIdentity;
import org.jukibus.pki.OperatorIdentity;
import org.jukibus.pki.SecureFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators with card and PIN on a node's management port (standard 第4の4): the card is the TLS client certificate,
 * the PIN the login's password; only operators the officer registered get in, only with their own PIN, only to
 * the dead letters of the flows they are permitted; three wrong PINs lock an operator until the officer's signed
 * unlock, across a restart.
 */
@Tag("slow")
// order is inherent: the lock test restarts the node and locks an operator the tests before it log in as
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorsIT {

    static final String PIN = "2468";
    static final String LIMITED_PIN = "1357";

    @TempDir
    static Path root;
    @Provisioned({OSAKA})
    static TestNetwork net;
    static Path cards;
    static OperatorCard limited;
    static OperatorCard watcher;
    static OperatorCard locky;
    static OperatorCard revoked;
    static OperatorCard expired;
    static OperatorCard unregistered;

    @BeforeAll
    static void start() throws Exception {
        cards = root.resolve("cards");
        CertificateAuthority ca = net.network.ca();
        Instant now = Instant.now();
        limited = card(ca, "limited", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        locky = card(ca, "locky", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        revoked = card(ca, "revoked", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        expired = card(ca, "expired", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        unregistered = card(ca, "stranger", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        register(limited, LIMITED_PIN, "dlq.read:transfer-in,dlq.replay:transfer-in");
        watcher = card(ca, "watcher", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        register(watcher, PIN, "management,dlq.read:transfer-in");
        register(locky, PIN, "dlq.read:*");
        register(revoked, PIN, "dlq.read:*");
        register(expired, PIN, "dlq.read:*");
        ca.revoke(revoked.keys().certificate().getSerialNumber());
        net.start(OSAKA);
        net.put(OSAKA, "jukibus.inbound.transfer-in", "garbage".getBytes(StandardCharsets.UTF_8));
        net.put(OSAKA, "jukibus.inbound.certificate-copy-request", "garbage".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> DeadLetterAssert.count(net, OSAKA) == 2);
    }

    @Test
    @Order(1)
    void the_right_card_with_its_pin_gets_in_and_a_wrong_pin_does_not() throws Exception {
        OperatorCard operator = net.operatorCard();
        String pin = new String(net.operatorPin());
        assertThat(get(operator, NetworkProvisioner.OPERATOR, pin, "/actuator/info").statusCode()).isEqualTo(200);
        assertThat(get(operator, NetworkProvisioner.OPERATOR, "9999", "/actuator/info").statusCode()).isEqualTo(401);
        assertThat(get(operator, NetworkProvisioner.OPERATOR, pin, "/actuator/info").statusCode())
                .as("one wrong PIN does not lock, and the right one resets the count").isEqualTo(200);
        assertThat(get(operator, "limited", pin, "/actuator/info").statusCode()).as("another operator's id with this card")
                .isEqualTo(401);
    }

    @Test
    @Order(2)
    void another_operators_pin_is_refused() throws Exception {
        assertThat(get(limited, "limited", new String(net.operatorPin()), "/actuator/info").statusCode()).isEqualTo(401);
        assertThat(get(limited, "limited", LIMITED_PIN, "/actuator/info").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void unregistered_revoked_expired_foreign_and_node_certificates_are_refused() throws Exception {
        assertThat(get(unregistered, "stranger", PIN, "/actuator/info").statusCode()).as("a card of our CA not registered")
                .isEqualTo(401);
        assertThat(get(revoked, "revoked", PIN, "/actuator/info").statusCode()).as("a revoked card").isEqualTo(401);
        assertThatThrownBy(() -> get(expired, "expired", PIN, "/actuator/info")).as("an expired card: no TLS connection")
                .isInstanceOf(java.io.IOException.class);

        CertificateAuthority foreignCa = CertificateAuthority.create(root.resolve("foreign-ca"), "Foreign CA", "pw".toCharArray());
        KeyMaterial foreign = foreignCa.issueOperatorKeyMaterial(new OperatorIdentity(NetworkProvisioner.OPERATOR, "偽者"),
                Duration.ofDays(30));
        assertThatThrownBy(() -> get(foreignCard(foreign), NetworkProvisioner.OPERATOR, new String(net.operatorPin()), "/actuator/info"))
                .as("a card of another CA: no TLS connection").isInstanceOf(java.io.IOException.class);

        KeyMaterial nodeKeys = net.node(OSAKA).keys();
        assertThat(get(new OperatorCard(new OperatorIdentity(NetworkProvisioner.OPERATOR, "node"), nodeKeys),
                NetworkProvisioner.OPERATOR, new String(net.operatorPin()), "/actuator/info").statusCode())
                .as("a node certificate is no operator card").isEqualTo(401);
        assertThat(get((OperatorCard) null, null, null, "/actuator/info")).as("no card at all: no TLS connection").isNull();
    }

    @Test
    @Order(4)
    void dead_letter_operations_need_the_permission_for_the_flow() throws Exception {
        DeadLetterToolingIT.Run own = dlq(limited, "list", "--flow", "transfer-in");
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(own.out()).contains("1 dead letter(s)");

        DeadLetterToolingIT.Run other = dlq(limited, "list", "--flow", "certificate-copy-request");
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err()).contains("operator limited does not have the permission dlq.read:certificate-copy-request");

        DeadLetterToolingIT.Run all = dlq(limited, "list");
        assertThat(all.err()).contains("does not have the permission dlq.read:* (every flow");

        String certCopyId = DeadLetterToolingIT.lines(dlqAsOperator("list", "--flow", "certificate-copy-request").out(), "MALFORMED")
                .get(0).split("\\s+")[0];
        DeadLetterToolingIT.Run replay = dlq(limited, "replay", "--id", certCopyId);
        assertThat(replay.exit()).isEqualTo(1);
        assertThat(replay.err()).contains("does not have the permission dlq.replay:certificate-copy-request");

        DeadLetterToolingIT.Run purge = dlq(limited, "purge", "--flow", "transfer-in", "--yes");
        assertThat(purge.err()).contains("does not have the permission dlq.purge:transfer-in");
        assertThat(DeadLetterAssert.count(net, OSAKA)).as("nothing replayed or purged").isEqualTo(2);

        String runtime = "java.lang:type=Runtime";
        assertThat(net.jolokia(OSAKA).read(runtime, "Uptime").asLong()).as("management may read any MBean").isPositive();
        org.jukibus.management.JolokiaClient limitedJolokia = new org.jukibus.management.JolokiaClient(net.managementUrl(OSAKA), limited,
                LIMITED_PIN.toCharArray());
        assertThatThrownBy(() -> limitedJolokia.read(runtime, "Uptime")).as("other MBeans need management")
                .isInstanceOf(java.io.IOException.class);
        assertThat(limitedJolokia.exec("org.jukibus:node=" + OSAKA + ",type=DeadLetters", "list", "transfer-in").size())
                .as("the jukibus MBeans check their own permissions").isEqualTo(1);

        List<AuditEntry> denied = entries(AuditKind.PERMISSION_DENIED);
        assertThat(denied).extracting(AuditEntry::detail).contains("missing permission dlq.read:certificate-copy-request",
                "missing permission dlq.replay:certificate-copy-request", "missing permission dlq.purge:transfer-in");
        assertThat(denied).extracting(AuditEntry::actor).containsOnly("operator:limited");
    }

    @Test
    @Order(5)
    void three_wrong_pins_lock_until_the_officer_unlocks_even_across_a_restart() throws Exception {
        assertThat(get(locky, "locky", PIN, "/actuator/info").statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(get(locky, "locky", "0000", "/actuator/info").statusCode()).isEqualTo(401);
        }
        assertThat(get(locky, "locky", PIN, "/actuator/info").statusCode()).as("locked: the right PIN is refused too")
                .isEqualTo(401);
        assertThat(entries(AuditKind.OPERATOR_LOCKED)).extracting(AuditEntry::actor).containsExactly("operator:locky");

        net.stop(OSAKA).start(OSAKA);
        assertThat(get(locky, "locky", PIN, "/actuator/info").statusCode()).as("still locked after a restart").isEqualTo(401);
        assertThat(get(limited, "limited", LIMITED_PIN, "/actuator/info").statusCode()).as("others are not locked").isEqualTo(200);

        // an unlock signed by an officer who is not the node's approving officer changes nothing
        Path unlockDir = net.node(OSAKA).home().resolve("operators").resolve("unlock");
        KeyMaterial otherOfficer = net.network.ca().issueOfficerKeyMaterial(new OfficerIdentity("別の責任者"), Duration.ofDays(30));
        Path otherDir = root.resolve("other-officer");
        KeyStores.writeKeyStore(otherDir.resolve("officer.p12"), otherOfficer, "pw".toCharArray());
        SecureFiles.writePassword(otherDir.resolve("officer.pass"), "pw".toCharArray());
        assertThat(unlock(otherDir, unlockDir).exit()).isZero();
        assertThat(get(locky, "locky", PIN, "/actuator/info").statusCode()).as("unlock by someone else").isEqualTo(401);
        try (var files = Files.list(unlockDir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).singleElement()
                    .satisfies(f -> assertThat(f).endsWith(".xml.refused"));
        }
        assertThat(entries(AuditKind.OPERATOR_UNLOCK_REFUSED)).extracting(AuditEntry::detail)
                .anySatisfy(d -> assertThat(d).contains("not by the approving officer"));

        DeadLetterToolingIT.Run unlocked = unlock(net.network.officerDir(), unlockDir);
        assertThat(unlocked.exit()).as(unlocked.err()).isZero();
        assertThat(get(locky, "locky", PIN, "/actuator/info").statusCode()).as("unlocked by the officer").isEqualTo(200);
        assertThat(entries(AuditKind.OPERATOR_UNLOCKED)).extracting(AuditEntry::actor)
                .containsExactly("officer:" + NetworkProvisioner.OFFICER);
    }

    @Test
    @Order(6)
    void a_registration_changed_after_signing_grants_nothing() throws Exception {
        Path registration = net.node(OSAKA).home().resolve("operators.xml");
        String signed = Files.readString(registration);
        try {
            Files.writeString(registration, signed.replace("dlq.read:transfer-in", "dlq.read:*"));
            assertThat(get(limited, "limited", LIMITED_PIN, "/actuator/info").statusCode()).isEqualTo(401);
            assertThat(get(net.operatorCard(), NetworkProvisioner.OPERATOR, new String(net.operatorPin()), "/actuator/info")
                    .statusCode()).as("nobody, while the file is not the officer's").isEqualTo(401);
            assertThat(entries(AuditKind.OPERATORS_REFUSED)).extracting(AuditEntry::detail)
                    .anySatisfy(d -> assertThat(d).contains("the officer's signature does not match its content"));
        } finally {
            Files.writeString(registration, signed);
        }
        assertThat(get(limited, "limited", LIMITED_PIN, "/actuator/info").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void the_brokers_queues_can_be_browsed_with_the_read_permission_for_their_flow_and_not_changed() throws Exception {
        org.jukibus.management.JolokiaClient jolokia = new org.jukibus.management.JolokiaClient(net.managementUrl(OSAKA),
                watcher, PIN.toCharArray());
        String transferIn = queueMBean("jukibus.inbound.transfer-in");
        String dlq = queueMBean("jukibus.dlq");
        assertThat(jolokia.read(dlq, "MessageCount").asLong()).as("management reads the counts").isEqualTo(2);
        assertThat(jolokia.exec(transferIn, "browse()")).as("its flow's inbound queue").isEmpty();
        assertThatThrownBy(() -> jolokia.exec(dlq, "browse()")).as("the DLQ holds every flow's: dlq.read:*")
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> jolokia.exec(dlq, "removeAllMessages()")).as("no operator changes the broker")
                .isInstanceOf(java.io.IOException.class);
        assertThat(DeadLetterAssert.count(net, OSAKA)).isEqualTo(2);
        // outside the broker too: even an operator with every permission gets no heap dump (the node's keys)
        Path heap = Files.createTempDirectory("jukibus-heap").resolve("node.hprof");
        assertThatThrownBy(() -> net.jolokia(OSAKA).exec("com.sun.management:type=HotSpotDiagnostic",
                "dumpHeap(java.lang.String,boolean)", heap.toString(), true)).isInstanceOf(java.io.IOException.class);
        assertThat(heap).doesNotExist();

        assertThat(entries(AuditKind.OPERATION)).filteredOn(e -> e.actor().equals("operator:watcher"))
                .extracting(AuditEntry::flow, AuditEntry::detail)
                .containsExactly(tuple("transfer-in", "broker browse() on queue jukibus.inbound.transfer-in"));
        assertThat(entries(AuditKind.PERMISSION_DENIED)).filteredOn(e -> e.actor().equals("operator:watcher"))
                .extracting(AuditEntry::detail).satisfiesExactly(
                        d -> assertThat(d).isEqualTo("missing permission dlq.read:*"),
                        d -> assertThat(d).startsWith("broker removeAllMessages() on queue jukibus.dlq refused: "));
    }

    /**
     * A store outage is when operators most need to see the node: the login reads the lockout from the store, and a
     * scrape of the metrics with card and PIN failed exactly then. The lockout goes on from what the node knows
     * (operators.OperatorLockout): the right PIN gets in, a wrong one is refused and counted (and locks), a locked
     * operator stays locked, and what was counted is in the store once it is back.
     */
    @Test
    @Order(8)
    void while_the_store_is_down_the_right_pin_reads_the_metrics_wrong_pins_still_lock_and_a_lock_stays() throws Exception {
        CertificateAuthority ca = net.network.ca();
        Instant now = Instant.now();
        OperatorCard stuck = card(ca, "stuck", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        OperatorCard guesser = card(ca, "guesser", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        register(stuck, PIN, "dlq.read:*");
        register(guesser, PIN, "dlq.read:*");
        for (int i = 0; i < 3; i++) {
            assertThat(get(stuck, "stuck", "0000", "/actuator/info").statusCode()).isEqualTo(401);
        }
        assertThat(get(guesser, "guesser", PIN, "/actuator/info").statusCode()).isEqualTo(200);
        OperatorCard operator = net.operatorCard();
        String pin = new String(net.operatorPin());

        String login = "node_" + OSAKA;
        store("postgres", "alter role " + login + " connection limit 0",
                "select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + login + "'");
        try {
            HttpResponse<String> metrics = get(operator, NetworkProvisioner.OPERATOR, pin, "/actuator/prometheus");
            assertThat(metrics.statusCode()).as("the operator scrapes the metrics with the store down").isEqualTo(200);
            assertThat(metrics.body()).contains("jukibus_delivery_suspended");
            assertThat(get(operator, NetworkProvisioner.OPERATOR, "9999", "/actuator/prometheus").statusCode())
                    .as("a wrong PIN is still refused").isEqualTo(401);
            assertThat(get(stuck, "stuck", PIN, "/actuator/prometheus").statusCode()).as("a locked operator stays locked")
                    .isEqualTo(401);
            for (int i = 0; i < 3; i++) {
                assertThat(get(guesser, "guesser", "0000", "/actuator/prometheus").statusCode()).isEqualTo(401);
            }
            assertThat(get(guesser, "guesser", PIN, "/actuator/prometheus").statusCode())
                    .as("three wrong PINs lock without the store too").isEqualTo(401);
            HttpResponse<String> health = get(operator, NetworkProvisioner.OPERATOR, pin, "/actuator/health");
            assertThat(health.statusCode()).as("logged in: the health says DOWN (503), not 401").isEqualTo(503);
            assertThat(health.body()).contains("\"db\"").contains("DOWN");
        } finally {
            store("postgres", "alter role " + login + " connection limit -1");
        }
        // the store asked again at most 30 s after the last failure (operators.OperatorLockout)
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(5))
                .until(() -> lockedInStore("guesser") != null);
        try (java.sql.Connection c = net.store.superuser(login); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("select failed_attempts from operator_lockout where operator_id = 'guesser'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).as("the wrong PINs counted without the store are in it").isEqualTo(3);
        }
        assertThat(lockedInStore("stuck")).isNotNull();
        assertThat(get(stuck, "stuck", PIN, "/actuator/info").statusCode()).as("still locked, store back").isEqualTo(401);
        assertThat(get(guesser, "guesser", PIN, "/actuator/info").statusCode()).isEqualTo(401);
        assertThat(get(operator, NetworkProvisioner.OPERATOR, pin, "/actuator/info").statusCode()).isEqualTo(200);
    }

    /** The lock in the node's store, read there directly after a login (which asks the store again and adds what the node counted). */
    static java.sql.Timestamp lockedInStore(String operator) throws Exception {
        get(net.operatorCard(), NetworkProvisioner.OPERATOR, new String(net.operatorPin()), "/actuator/info");
        try (java.sql.Connection c = net.store.superuser("node_" + OSAKA); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("select locked_at from operator_lockout where operator_id = '" + operator + "'")) {
            return r.next() ? r.getTimestamp(1) : null;
        }
    }

    static void store(String database, String... statements) throws Exception {
        try (java.sql.Connection c = net.store.superuser(database); java.sql.Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    // --- helpers ---

    static String queueMBean(String queue) {
        return "org.apache.activemq.artemis:broker=\"jukibus-" + OSAKA + "\",component=addresses,address=\"" + queue
                + "\",subcomponent=queues,routing-type=\"anycast\",queue=\"" + queue + "\"";
    }

    /** Issues a card and keeps it (p12, password, certificate) under cards/. */
    static OperatorCard card(CertificateAuthority ca, String id, Instant notBefore, Instant notAfter) throws Exception {
        return new OperatorCards(cards).issue(ca, id, notBefore, notAfter);
    }

    /** Registers the card's operator with Osaka-shi's node as the officer does, with the CLI. */
    static void register(OperatorCard card, String pin, String permissions) throws Exception {
        new OperatorCards(cards).register(net, OSAKA, card, pin, permissions);
    }

    static DeadLetterToolingIT.Run unlock(Path officerDir, Path unlockDir) {
        return DeadLetterToolingIT.run("operator", "unlock", "--id", "locky", "--node-code", OSAKA, "--out", unlockDir.toString(),
                "--officer-keystore", officerDir.resolve("officer.p12").toString(),
                "--officer-password-file", officerDir.resolve("officer.pass").toString());
    }

    static DeadLetterToolingIT.Run dlq(OperatorCard card, String command, String... args) throws Exception {
        String id = card.operator().id();
        List<String> all = new ArrayList<>(List.of("dlq", command, "--node", net.managementUrl(OSAKA),
                "--operator-card", cards.resolve(id + ".p12").toString(), "--card-password-file", cards.resolve(id + ".pass").toString(),
                "--pin-file", cards.resolve(id + ".pin").toString()));
        all.addAll(List.of(args));
        return DeadLetterToolingIT.run(all.toArray(String[]::new));
    }

    static DeadLetterToolingIT.Run dlqAsOperator(String command, String... args) {
        List<String> all = new ArrayList<>(List.of("dlq", command));
        all.addAll(net.operatorLogin(OSAKA));
        all.addAll(List.of(args));
        return DeadLetterToolingIT.run(all.toArray(String[]::new));
    }

    /**
     * GET on Osaka-shi's management port over TLS with {@code card} (none: no client certificate, and then null when
     * the node refuses the connection, as it must), logging in as {@code user} with {@code pin}.
     */
    static HttpResponse<String> get(OperatorCard card, String user, String pin, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(net.managementUrl(OSAKA) + path)).GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pin).getBytes(StandardCharsets.UTF_8)));
        }
        if (card == null) {
            javax.net.ssl.SSLContext trustOnly = javax.net.ssl.SSLContext.getInstance("TLS");
            trustOnly.init(null, trustOurRoot(), null);
            try {
                HttpClient.newBuilder().sslContext(trustOnly).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
                throw new AssertionError("the node served a request over TLS without a client certificate");
            } catch (java.io.IOException refused) {
                return null;
            }
        }
        return get(card.sslContext(), request);
    }

    static HttpResponse<String> get(javax.net.ssl.SSLContext tls, String user, String pin, String path) throws Exception {
        return get(tls, HttpRequest.newBuilder(URI.create(net.managementUrl(OSAKA) + path)).GET()
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pin).getBytes(StandardCharsets.UTF_8))));
    }

    private static HttpResponse<String> get(javax.net.ssl.SSLContext tls, HttpRequest.Builder request) throws Exception {
        return HttpClient.newBuilder().sslContext(tls).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** TLS presenting a card of another CA (its own chain) while trusting our root CA for the node. */
    static javax.net.ssl.SSLContext foreignCard(KeyMaterial foreign) throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("card", foreign.privateKey(), new char[0], foreign.chain().toArray(new java.security.cert.Certificate[0]));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), trustOurRoot(), null);
        return tls;
    }

    static javax.net.ssl.TrustManager[] trustOurRoot() throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", net.network.ca().certificate());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    static List<AuditEntry> entries(AuditKind kind) throws Exception {
        return HashChainLog.entries(net.node(OSAKA).home().resolve("audit")).stream().filter(e -> e.kind() == kind).toList();
    }
}
