package org.jukibus.attack;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;

import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;
import org.jukibus.pki.CertificateAuthority;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.pki.KeyStores;
import org.jukibus.pki.NodeIdentity;

/**
 * Attacks on the link itself: who may connect to the target's broker (mutual TLS with a
 * certificate of our CA that the directory lists and the CRL does not revoke, TLS 1.3 only) and
 * what a connected peer may do there (send only what its role may send, never consume or create).
 */
final class LinkAttacks {

    /** The broker refused the action itself: no permission, or no such destination (and it will not create one). */
    private static final Predicate<JMSException> REFUSAL =
            e -> e instanceof JMSSecurityException || e instanceof InvalidDestinationException;

    private final AttackTarget t;

    LinkAttacks(AttackTarget target) {
        this.t = target;
    }

    List<Attack> catalogue() {
        List<Attack> a = new ArrayList<>();
        a.add(new Attack("no-client-certificate", "certificate", "connect over TLS without a client certificate",
                this::noCertificate));
        a.add(new Attack("foreign-ca-certificate", "certificate",
                "present a certificate naming the attacking node, issued by another CA", this::foreignCa));
        a.add(new Attack("unlisted-certificate", "certificate",
                "log in with a certificate of our CA for a node the directory does not list", this::unlisted));
        a.add(new Attack("expired-certificate", "certificate",
                "present an expired certificate of our CA naming the attacking node", this::expired));
        a.add(new Attack("revoked-certificate", "certificate", "present a certificate our CA has revoked",
                () -> t.revokedKeystore == null
                        ? Outcome.notRun("give --revoked-keystore (a node certificate on the CRL)")
                        : presentedThenLogin("revoked", KeyStores.readKeyStore(t.revokedKeystore, t.revokedPassword.toCharArray()))));
        a.add(new Attack("tls-1.2-downgrade", "certificate", "connect with the attacking node's own key over TLS 1.2",
                this::downgrade));
        a.add(new Attack("send-to-outbound", "broker", "put a message straight into the target's outbound queue",
                () -> sendTo("jukibus.outbound")));
        a.add(new Attack("send-to-dlq", "broker", "put a message into the target's dead-letter queue",
                () -> sendTo("jukibus.dlq")));
        a.add(new Attack("create-address", "broker", "make the target's broker create a new address", this::createAddress));
        a.add(new Attack("send-not-allowed-for-role", "broker",
                "send to an inbound address the attacking node's role may not use", () -> sendTo(forbiddenInbound())));
        a.add(new Attack("remote-consume", "broker", "consume the target's inbound queue from outside",
                () -> asAttacker(s -> s.createConsumer(s.createQueue("jukibus.inbound.transfer-in")).receiveNoWait())));
        a.add(new Attack("remote-browse", "broker", "browse the target's inbound queue from outside",
                () -> asAttacker(s -> s.createBrowser(s.createQueue("jukibus.inbound.transfer-in")).getEnumeration().hasMoreElements())));
        return a;
    }

    private Outcome noCertificate() throws Exception {
        TlsProbe.Result r = probe(null, AttackTarget.TLS);
        return r.verdict() == TlsProbe.Verdict.ACCEPTED
                ? Outcome.notRefused(r.describe()) : Outcome.refused(r.describe());
    }

    private Outcome foreignCa() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create(t.work().resolve("foreign-ca"), "Not Juki-net",
                t.workPassword().toCharArray());
        return presented(foreign.issueKeyMaterial(t.attacker.identity(), CertificateAuthority.DEFAULT_HOSTS, Duration.ofDays(1)));
    }

    /**
     * Presents the certificate, whatever CAs the target names: refused when the target ends the handshake
     * after seeing it; not run when it never went out (the attack would only repeat no-client-certificate).
     */
    private Outcome presented(KeyMaterial km) throws Exception {
        TlsProbe.Result r = probe(km, AttackTarget.TLS);
        if (!r.presented()) {
            return Outcome.notRun("the certificate was never presented (" + r.describe() + ")");
        }
        return r.refusedThePresentedCertificate() ? Outcome.refused(r.describe()) : Outcome.notRefused(r.describe());
    }

    /**
     * A revoked certificate: refused when the target ends the handshake after seeing it (a broker that
     * checks a CRL file at TLS, the standalone one), or else at the login, which checks the CRL in force
     * (the node's embedded broker, whose CRL changes while it runs).
     */
    private Outcome presentedThenLogin(String name, KeyMaterial km) throws Exception {
        TlsProbe.Result r = probe(km, AttackTarget.TLS);
        if (!r.presented()) {
            return Outcome.notRun("the certificate was never presented (" + r.describe() + ")");
        }
        return r.refusedThePresentedCertificate() ? Outcome.refused(r.describe()) : login(name, km);
    }

    /** Logs in to the target's broker with a certificate TLS accepted: the login must refuse it. */
    private Outcome login(String name, KeyMaterial km) throws Exception {
        try (Connection c = t.connect(t.keystoreOf(name, km), t.workPassword(), AttackTarget.TLS)) {
            c.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
            return Outcome.notRefused("the broker let the " + name + " certificate log in");
        } catch (JMSSecurityException e) {
            return Outcome.refused("TLS accepted the certificate, the login refused it: " + brief(e));
        } catch (JMSException | RuntimeException e) {
            return Outcome.notRun("the login failed otherwise than by a refusal: " + brief(e));
        }
    }

    private Outcome downgrade() throws Exception {
        TlsProbe.Result r = probe(t.attacker, "TLSv1.2");
        return r.verdict() == TlsProbe.Verdict.ACCEPTED ? Outcome.notRefused("TLS 1.2 handshake accepted")
                : Outcome.refused("TLS 1.2 refused: " + (r.verdict() == TlsProbe.Verdict.ALERT ? "alert " : "") + r.detail());
    }

    private TlsProbe.Result probe(KeyMaterial km, String protocol) throws Exception {
        return TlsProbe.probe(t.target.primary().host(), t.target.primary().port(), km, t.rootCa, protocol);
    }

    private Outcome unlisted() throws Exception {
        if (t.ca == null) {
            return Outcome.notRun("give --ca (our CA issues a certificate for a node the directory does not list)");
        }
        NodeIdentity stranger = new NodeIdentity(NodeRole.MUNICIPAL, unlistedMunicipalCode(), "模擬攻撃");
        KeyMaterial km = t.ca.issueKeyMaterial(stranger, CertificateAuthority.DEFAULT_HOSTS, Duration.ofDays(1));
        try {
            // the certificate is good for TLS: what must refuse it is the login, which looks it up in the directory
            TlsProbe.Result r = probe(km, AttackTarget.TLS);
            if (r.verdict() != TlsProbe.Verdict.ACCEPTED || !r.presented()) {
                return Outcome.notRun("TLS did not get as far as the login (" + r.describe() + ")");
            }
            return login("unlisted", km);
        } finally {
            t.ca.revoke(km.certificate().getSerialNumber()); // good for nothing afterwards
        }
    }

    private Outcome expired() throws Exception {
        if (t.ca == null) {
            return Outcome.notRun("give --ca (our CA issues an expired certificate)");
        }
        Instant now = Instant.now();
        KeyMaterial km = t.ca.issueKeyMaterial(t.attacker.identity(), CertificateAuthority.DEFAULT_HOSTS,
                now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        try {
            return presented(km);
        } finally {
            t.ca.revoke(km.certificate().getSerialNumber());
        }
    }

    private String unlistedMunicipalCode() {
        for (int n = 999; n > 100; n--) {
            String five = "13" + n;
            String code = five + NodeCodes.checkDigit(five);
            if (t.directory.byCode(code).isEmpty()) {
                return code;
            }
        }
        throw new IllegalStateException("no unlisted municipal code left in prefecture 13");
    }

    /** An inbound address the attacking node's role may not send to: only central sends node-status alerts. */
    private String forbiddenInbound() {
        return t.attacker.identity().role() == NodeRole.CENTRAL ? "jukibus.inbound.transfer-in" : "jukibus.inbound.node-status";
    }

    /** Refused: no permission, or the broker says the address does not exist rather than creating it. */
    private Outcome createAddress() {
        String address = "jukibus.attack-sim-" + System.nanoTime();
        return asAttacker(s -> send(s, address), e -> REFUSAL.test(e) || String.valueOf(e.getMessage()).contains(address));
    }

    private Outcome sendTo(String address) {
        return asAttacker(s -> send(s, address));
    }

    private static void send(Session s, String address) throws JMSException {
        BytesMessage m = s.createBytesMessage();
        m.writeBytes("attack-sim".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        s.createProducer(s.createQueue(address)).send(m);
    }

    private interface SessionAction {
        void run(Session s) throws JMSException;
    }

    /**
     * Runs the action as the attacking node; refused means the broker refused the action itself (no permission,
     * or, for an address it would have to create, no such address), not that something else went wrong.
     */
    private Outcome asAttacker(SessionAction action) {
        return asAttacker(action, REFUSAL);
    }

    private Outcome asAttacker(SessionAction action, Predicate<JMSException> refusal) {
        try (Connection c = t.connectAsAttacker()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try {
                action.run(s);
            } catch (JMSException e) {
                return refusal.test(e) ? Outcome.refused(brief(e)) : Outcome.notRun("failed otherwise than by a refusal: " + brief(e));
            } catch (RuntimeException e) {
                return Outcome.notRun("failed otherwise than by a refusal: " + brief(e));
            }
            return Outcome.notRefused("the broker let the attacking node do it");
        } catch (JMSException | RuntimeException e) {
            return Outcome.notRun("the attacking node itself cannot connect: " + brief(e));
        }
    }

    static String brief(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceAll("\\s+", " ");
        return m.length() > 120 ? m.substring(0, 117) + "..." : m;
    }
}
