package org.jukibus.approval;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import org.jukibus.audit.Sha256;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The list of approved program files (schemas/approved-programs.xsd): each file's path and SHA-256, who approved them
 * and when, and an optional note (the change ticket, what was reviewed). Signed by the officer, it is the record that
 * the programs were registered with the responsible officer's approval (standard 第4の8(1)イ).
 *
 * <pre>{@code
 * <approvedPrograms xmlns="urn:jukibus:approved-programs:1" approvedBy="…" approvedAt="2026-11-25T01:00:00Z">
 *   <note>…</note>
 *   <file path="node.jar" sha256="…"/>
 *   <file path="routes/common/flow-templates.yaml" sha256="…"/>
 *   <file path="schemas/envelope.xsd" sha256="…"/>
 *   …
 *   <ds:Signature>…</ds:Signature>
 * </approvedPrograms>
 * }</pre>
 */
public record ProgramManifest(String approvedBy, Instant approvedAt, String note, SortedMap<String, String> files) {

    public static final String NS = "urn:jukibus:approved-programs:1";
    static final String SCHEMA = "approved-programs.xsd";

    public ProgramManifest {
        Objects.requireNonNull(approvedBy, "approvedBy");
        Objects.requireNonNull(approvedAt, "approvedAt");
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
        for (String path : files.keySet()) {
            if (!ProgramFiles.PATH.matcher(path).matches()) {
                throw new IllegalArgumentException("'" + path + "' cannot be approved: program files are "
                        + "routes/<folder>/<name>.yaml, broker-config/<name>.xml, schemas/<name>.xsd (letters, digits, '.', '_', '-') "
                        + "and " + ProgramFiles.JAR);
            }
        }
    }

    /** A manifest approving exactly these files (path to content) and this program (its jar and schemas). */
    public static ProgramManifest of(String approvedBy, Instant approvedAt, String note, Map<String, byte[]> contents,
                                     NodeProgram program) {
        SortedMap<String, String> digests = new TreeMap<>(program.digests());
        contents.forEach((path, bytes) -> digests.put(path, Sha256.hex(bytes)));
        return new ProgramManifest(approvedBy, approvedAt, note, digests);
    }

    /** The files a node of this role loads, of those approved. */
    public SortedMap<String, String> filesFor(NodeRole role) {
        SortedMap<String, String> out = new TreeMap<>();
        files.forEach((path, digest) -> {
            if (ProgramFiles.loadedBy(path, role)) {
                out.put(path, digest);
            }
        });
        return out;
    }

    /** The unsigned document. */
    Document toDocument() {
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(NS, "approvedPrograms");
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", NS);
        root.setAttribute("approvedBy", approvedBy);
        root.setAttribute("approvedAt", approvedAt.toString());
        doc.appendChild(root);
        if (note != null && !note.isBlank()) {
            root.appendChild(doc.createTextNode("\n  "));
            Element n = doc.createElementNS(NS, "note");
            n.setTextContent(note);
            root.appendChild(n);
        }
        files.forEach((path, digest) -> {
            root.appendChild(doc.createTextNode("\n  "));
            Element f = doc.createElementNS(NS, "file");
            f.setAttribute("path", path);
            f.setAttribute("sha256", digest);
            root.appendChild(f);
        });
        root.appendChild(doc.createTextNode("\n"));
        return doc;
    }

    /** Reads a schema-valid manifest document (the signature is the caller's business). */
    static ProgramManifest fromDocument(Document doc) {
        Element root = doc.getDocumentElement();
        if (!NS.equals(root.getNamespaceURI()) || !"approvedPrograms".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a manifest of approved programs (root must be {" + NS + "}approvedPrograms)");
        }
        String note = null;
        SortedMap<String, String> files = new TreeMap<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && NS.equals(e.getNamespaceURI())) {
                if ("note".equals(e.getLocalName())) {
                    note = e.getTextContent();
                } else if ("file".equals(e.getLocalName())) {
                    files.put(e.getAttribute("path"), e.getAttribute("sha256"));
                }
            }
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(root.getAttribute("approvedAt").trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad approvedAt '" + root.getAttribute("approvedAt") + "'");
        }
        return new ProgramManifest(root.getAttribute("approvedBy"), at, note, files);
    }
}
