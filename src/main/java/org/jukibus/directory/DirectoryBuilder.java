package org.jukibus.directory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;

/** Builds an unsigned directory document. Not thread-safe. */
public final class DirectoryBuilder {

    private long serial;
    private Instant issuedAt;
    private Instant nextUpdate;
    private final Map<String, NodeEntry> entries = new LinkedHashMap<>();

    public DirectoryBuilder() {
    }

    /** Starts from an existing directory's serial, issue time and entries. */
    public static DirectoryBuilder from(NodeDirectory dir) {
        DirectoryBuilder b = new DirectoryBuilder().serial(dir.serial()).issuedAt(dir.issuedAt()).nextUpdate(dir.nextUpdate());
        dir.all().forEach(b::add);
        return b;
    }

    public DirectoryBuilder serial(long serial) {
        if (serial < 0) {
            throw new IllegalArgumentException("serial must not be negative");
        }
        this.serial = serial;
        return this;
    }

    public DirectoryBuilder issuedAt(Instant issuedAt) {
        this.issuedAt = issuedAt;
        return this;
    }

    /** When central will have published a newer directory at the latest; null: no expiry. */
    public DirectoryBuilder nextUpdate(Instant nextUpdate) {
        this.nextUpdate = nextUpdate;
        return this;
    }

    /** Adds a node; refuses a code already present. */
    public DirectoryBuilder add(NodeEntry entry) {
        if (entries.putIfAbsent(entry.code(), entry) != null) {
            throw new IllegalArgumentException("node " + entry.code() + " is already in the directory");
        }
        return this;
    }

    public DirectoryBuilder addAll(List<NodeEntry> list) {
        list.forEach(this::add);
        return this;
    }

    public long serial() {
        return serial;
    }

    public List<NodeEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** The model (checks duplicate certificates too). */
    public NodeDirectory toDirectory() {
        return new NodeDirectory(serial, issuedAt, nextUpdate, new ArrayList<>(entries.values()));
    }

    /** The unsigned XML document. */
    public Document build() {
        toDirectory();
        return DirectoryXml.toDocument(serial, issuedAt, nextUpdate, new ArrayList<>(entries.values()));
    }

    /** The unsigned XML document, serialized (UTF-8). */
    public byte[] toXml() {
        return SecureXml.serialize(build());
    }
}
