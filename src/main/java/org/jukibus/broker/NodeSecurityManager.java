package org.jukibus.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnection;
import org.apache.activemq.artemis.core.remoting.CertificateUtil;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may log in to a node's broker, and as what.
 *
 * <ul>
 *   <li>The node itself, over the in-VM acceptor only, as {@value #LOCAL_USER} with a secret made
 *       fresh at every start: role {@value #LOCAL_ROLE}.</li>
 *   <li>A peer, over TLS with a client certificate (the acceptors require one), if and only if that
 *       exact certificate is in the signed directory: user = its code, role = its directory role.
 *       User names and passwords sent by remote clients are ignored.</li>
 * </ul>
 * What each role may do per address is in the role's broker.xml {@code <security-settings>}.
 */
public final class NodeSecurityManager implements ActiveMQSecurityManager5 {

    public static final String LOCAL_USER = "node-local";
    public static final String LOCAL_ROLE = "node-local";

    private static final Logger log = LoggerFactory.getLogger(NodeSecurityManager.class);

    /** A peer as the broker sees it: its code and role id. */
    public record Peer(String code, String role) {
    }

    private final byte[] localSecret;
    private final Function<X509Certificate, Optional<Peer>> peers;
    private final SecurityEvents events;

    /**
     * @param localSecret the in-VM password of the node itself
     * @param peers       maps a client certificate to the directory entry holding exactly that certificate
     * @param events      told about every refused login, for intrusion detection
     */
    public NodeSecurityManager(String localSecret, Function<X509Certificate, Optional<Peer>> peers, SecurityEvents events) {
        this.localSecret = localSecret.getBytes(StandardCharsets.UTF_8);
        this.peers = peers;
        this.events = events;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (connection != null && connection.getTransportConnection() instanceof InVMConnection) {
            if (LOCAL_USER.equals(user) && password != null
                    && MessageDigest.isEqual(localSecret, password.getBytes(StandardCharsets.UTF_8))) {
                return subject(LOCAL_USER, LOCAL_ROLE);
            }
            events.loginRefused("in-vm", "wrong local credentials for user '" + user + "'");
            return null;
        }
        X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
        String remote = connection == null ? "?" : connection.getRemoteAddress();
        if (chain == null || chain.length == 0) {
            events.loginRefused(remote, "no client certificate");
            return null;
        }
        Optional<Peer> peer = peers.apply(chain[0]);
        if (peer.isEmpty()) {
            events.loginRefused(remote, "certificate " + chain[0].getSubjectX500Principal().getName()
                    + " (serial " + chain[0].getSerialNumber().toString(16) + ") is not in the directory");
            return null;
        }
        log.debug("peer {} ({}) logged in from {}", peer.get().code(), peer.get().role(), remote);
        return subject(peer.get().code(), peer.get().role());
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        for (RolePrincipal principal : subject.getPrincipals(RolePrincipal.class)) {
            for (Role role : roles) {
                if (role.getName().equals(principal.getName()) && checkType.hasRole(role)) {
                    return true;
                }
            }
        }
        String user = subject.getPrincipals(UserPrincipal.class).stream().findFirst().map(UserPrincipal::getName).orElse("?");
        events.permissionDenied(user, checkType.name(), address);
        return false;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return false; // only certificate and in-VM logins exist (authenticate above)
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return false;
    }

    private static Subject subject(String user, String role) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        subject.getPrincipals().add(new RolePrincipal(role));
        return subject;
    }
}
