package org.jukibus.provision;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jukibus.pki.RequesterIdentity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The requesters (国の機関等) registered on this node and the purposes (利用事務) each may query for, in the node's
 * store ({@code provision_requester}, {@code provision_purpose}). Registration only adds: a requester registered
 * again keeps its purposes and gains the new ones.
 */
public final class Requesters {

    /** A purpose code, as the query's {@code Purpose} element allows it. */
    public static final Pattern PURPOSE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * A registered requester with its purposes; {@code ownUse}: a body of this prefecture itself, whose queries are
     * the prefecture's own use of identity information (利用, 第6の8(5)ア), not a provision.
     */
    public record Requester(String id, String name, Instant registeredAt, String registeredBy, Set<String> purposes,
                            boolean ownUse) {
    }

    private final JdbcTemplate jdbc;

    public Requesters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Registers the requester (or confirms it, refusing another name) and adds the purposes; returns it as stored. */
    public Requester register(RequesterIdentity requester, Set<String> purposes, String by, Instant at) {
        return register(requester, purposes, false, by, at);
    }

    /** As {@link #register(RequesterIdentity, Set, String, Instant)}, for provision or for the prefecture's own use. */
    public Requester register(RequesterIdentity requester, Set<String> purposes, boolean ownUse, String by, Instant at) {
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("a requester is registered for at least one purpose");
        }
        for (String purpose : purposes) {
            if (!PURPOSE.matcher(purpose).matches()) {
                throw new IllegalArgumentException("bad purpose '" + purpose + "': letters, digits, '.', '_' and '-', at most 64");
            }
        }
        Optional<Requester> existing = find(requester.id());
        if (existing.isPresent() && !existing.get().name().equals(requester.name())) {
            throw new IllegalArgumentException("requester " + requester.id() + " is registered as '" + existing.get().name()
                    + "', not '" + requester.name() + "'");
        }
        if (existing.isPresent() && existing.get().ownUse() != ownUse) {
            throw new IllegalArgumentException("requester " + requester.id() + " is registered "
                    + (ownUse ? "as a recipient of provision, not for the prefecture's own use"
                              : "for the prefecture's own use, not as a recipient of provision"));
        }
        if (existing.isEmpty()) {
            jdbc.update("insert into provision_requester (id, name, registered_at, registered_by, own_use) values (?, ?, ?, ?, ?)",
                    requester.id(), requester.name(), Timestamp.from(at), by, ownUse);
        }
        for (String purpose : purposes) {
            jdbc.update("""
                    insert into provision_purpose (requester_id, purpose, registered_at, registered_by) values (?, ?, ?, ?)
                    on conflict do nothing""", requester.id(), purpose, Timestamp.from(at), by);
        }
        return find(requester.id()).orElseThrow();
    }

    public Optional<Requester> find(String id) {
        return list().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Every registered requester, by id. */
    public List<Requester> list() {
        Map<String, Requester> out = new LinkedHashMap<>();
        jdbc.query("select id, name, registered_at, registered_by, own_use from provision_requester order by id", rs -> {
            out.put(rs.getString(1), new Requester(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                    rs.getString(4), new TreeSet<>(), rs.getBoolean(5)));
        });
        jdbc.query("select requester_id, purpose from provision_purpose order by purpose", rs -> {
            Requester r = out.get(rs.getString(1));
            if (r != null) {
                r.purposes().add(rs.getString(2));
            }
        });
        return new ArrayList<>(out.values());
    }
}
