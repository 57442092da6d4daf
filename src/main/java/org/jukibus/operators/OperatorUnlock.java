package org.jukibus.operators;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.jukibus.approval.OfficerApprovalException;
import org.jukibus.approval.OfficerSignature;
import org.jukibus.pki.CertificateValidator;
import org.jukibus.pki.KeyMaterial;
import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The responsible officer's signed order to end an operator's lock on one node (schemas/operator-unlock.xsd,
 * standard 第4の4(8)): {@code jukibus operator unlock} writes it into the node's unlock folder.
 */
public record OperatorUnlock(String node, String operator, String approvedBy, Instant approvedAt) {

    public static final String NS = "urn:jukibus:operator-unlock:1";
    static final String SCHEMA = "operator-unlock.xsd";

    /** The signed file's bytes. */
    public byte[] sign(KeyMaterial officer) {
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(NS, "operatorUnlock");
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", NS);
        root.setAttribute("node", node);
        root.setAttribute("operator", operator);
        root.setAttribute("approvedBy", approvedBy);
        root.setAttribute("approvedAt", approvedAt.toString());
        doc.appendChild(root);
        return OfficerSignature.sign(doc, "an unlock", approvedBy, officer);
    }

    /** The unlock in {@code xml} if the approving officer signed it. */
    public static OperatorUnlock verify(byte[] xml, String what, X509Certificate officer, CertificateValidator validator)
            throws OfficerApprovalException {
        OfficerSignature.Verified verified = OfficerSignature.verify(xml, what, SCHEMA, 64 * 1024, officer, validator);
        Element root = verified.document().getDocumentElement();
        Instant at;
        try {
            at = OffsetDateTime.parse(root.getAttribute("approvedAt").trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new OfficerApprovalException(what + ": bad approvedAt '" + root.getAttribute("approvedAt") + "'", e);
        }
        OperatorUnlock unlock = new OperatorUnlock(root.getAttribute("node"), root.getAttribute("operator"),
                root.getAttribute("approvedBy"), at);
        if (!unlock.approvedBy().equals(verified.officer().name())) {
            throw new OfficerApprovalException(what + " says it was approved by '" + unlock.approvedBy()
                    + "' but it is signed by " + verified.officer());
        }
        return unlock;
    }
}
