package org.jukibus.operators;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jukibus.approval.OfficerApprovalException;
import org.jukibus.approval.OfficerSignature;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The operators registered with one node (schemas/operators.xsd), approved by the responsible officer who signs the
 * file ({@link OfficerSignature}, as routes/APPROVED.xml is signed): standard 第4の4(1)–(5).
 *
 * <pre>{@code
 * <operators xmlns="urn:jukibus:operators:1" node="131041" approvedBy="…" approvedAt="2026-11-26T01:00:00Z">
 *   <operator id="yamada" name="新宿区 住民課 山田" certificateSha256="…" pinHash="$2a$12$…">
 *     <permission>dlq.read:transfer-in</permission>
 *   </operator>
 *   <ds:Signature>…</ds:Signature>
 * </operators>
 * }</pre>
 */
public record OperatorRegistration(String node, String approvedBy, Instant approvedAt, List<RegisteredOperator> operators) {

    public static final String NS = "urn:jukibus:operators:1";
    static final String SCHEMA = "operators.xsd";
    static final int MAX_BYTES = 4 * 1024 * 1024;

    public OperatorRegistration {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(approvedBy, "approvedBy");
        Objects.requireNonNull(approvedAt, "approvedAt");
        operators = List.copyOf(operators);
    }

    /** The operator whose card this is, if registered. */
    public Optional<RegisteredOperator> byCertificate(X509Certificate card) {
        String fingerprint = RegisteredOperator.fingerprint(card);
        return operators.stream().filter(o -> o.certificateSha256().equals(fingerprint)).findFirst();
    }

    public Optional<RegisteredOperator> byId(String id) {
        return operators.stream().filter(o -> o.id().equals(id)).findFirst();
    }

    /** The same registration with {@code operator} added, or replacing the one of the same id. */
    public OperatorRegistration with(RegisteredOperator operator, String officer, Instant at) {
        List<RegisteredOperator> all = new ArrayList<>(operators.stream().filter(o -> !o.id().equals(operator.id())).toList());
        all.add(operator);
        return new OperatorRegistration(node, officer, at, all);
    }

    /** The signed file's bytes. */
    public byte[] sign(KeyMaterial officer) {
        return OfficerSignature.sign(toDocument(), "the operators", approvedBy, officer);
    }

    /**
     * The registration in {@code xml} if the approving officer signed it, for this node.
     *
     * @throws OfficerApprovalException naming what is wrong: not signed, changed after signing, signed by someone
     *         else, by an officer whose certificate is not acceptable, or for another node
     */
    public static OperatorRegistration verify(byte[] xml, String what, String node, X509Certificate officer,
                                              CertificateValidator validator) throws OfficerApprovalException {
        return verify(xml, what, node, officer, validator::validateOfficer);
    }

    /** As {@link #verify(byte[], String, String, X509Certificate, CertificateValidator)}, judging the officer so. */
    public static OperatorRegistration verify(byte[] xml, String what, String node, X509Certificate officer,
                                              OfficerSignature.OfficerCheck check) throws OfficerApprovalException {
        OfficerSignature.Verified verified = OfficerSignature.verify(xml, what, SCHEMA, MAX_BYTES, officer, check);
        OperatorRegistration registration;
        try {
            registration = fromDocument(verified.document());
        } catch (IllegalArgumentException e) {
            throw new OfficerApprovalException(what + ": " + e.getMessage(), e);
        }
        if (!registration.approvedBy().equals(verified.officer().name())) {
            throw new OfficerApprovalException(what + " says it was approved by '" + registration.approvedBy()
                    + "' but it is signed by " + verified.officer());
        }
        if (!registration.node().equals(node)) {
            throw new OfficerApprovalException(what + " registers the operators of node " + registration.node()
                    + ", not of this node (" + node + ")");
        }
        return registration;
    }

    Document toDocument() {
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(NS, "operators");
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", NS);
        root.setAttribute("node", node);
        root.setAttribute("approvedBy", approvedBy);
        root.setAttribute("approvedAt", approvedAt.toString());
        doc.appendChild(root);
        for (RegisteredOperator o : operators) {
            root.appendChild(doc.createTextNode("\n  "));
            Element e = doc.createElementNS(NS, "operator");
            e.setAttribute("id", o.id());
            e.setAttribute("name", o.name());
            e.setAttribute("certificateSha256", o.certificateSha256());
            e.setAttribute("pinHash", o.pinHash());
            o.permissions().stream().map(Permission::toString).sorted().forEach(p -> {
                e.appendChild(doc.createTextNode("\n    "));
                Element pe = doc.createElementNS(NS, "permission");
                pe.setTextContent(p);
                e.appendChild(pe);
            });
            e.appendChild(doc.createTextNode("\n  "));
            root.appendChild(e);
        }
        root.appendChild(doc.createTextNode("\n"));
        return doc;
    }

    /** Reads a schema-valid document (the signature is the caller's business). */
    static OperatorRegistration fromDocument(Document doc) {
        Element root = doc.getDocumentElement();
        if (!NS.equals(root.getNamespaceURI()) || !"operators".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a registration of operators (root must be {" + NS + "}operators)");
        }
        List<RegisteredOperator> operators = new ArrayList<>();
        for (Element e : children(root, "operator")) {
            Set<Permission> permissions = new LinkedHashSet<>();
            children(e, "permission").forEach(p -> permissions.add(Permission.parse(p.getTextContent())));
            operators.add(new RegisteredOperator(e.getAttribute("id"), e.getAttribute("name"),
                    e.getAttribute("certificateSha256"), e.getAttribute("pinHash"), permissions));
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(root.getAttribute("approvedAt").trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad approvedAt '" + root.getAttribute("approvedAt") + "'");
        }
        return new OperatorRegistration(root.getAttribute("node"), root.getAttribute("approvedBy"), at, operators);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }
}
