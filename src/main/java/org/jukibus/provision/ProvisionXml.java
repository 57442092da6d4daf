package org.jukibus.provision;

import org.jukibus.xml.SecureXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The channel's answers as XML of {@code schemas/identity-query.xsd}: an IdentityAnswer or a ProvisionError. */
final class ProvisionXml {

    private ProvisionXml() {
    }

    static byte[] answer(IdentityProvision.Answer answer) {
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(QueryConditions.NAMESPACE, "IdentityAnswer");
        doc.appendChild(root);
        add(root, "QueryId", answer.queryId());
        add(root, "Purpose", answer.purpose());
        add(root, "ProvidedAt", answer.providedAt().toString());
        for (IdentityProvision.Result result : answer.results()) {
            Element r = add(root, "Result", null);
            r.setAttribute("person", Integer.toString(result.person()));
            for (IdentityLookup.Provided p : result.records()) {
                Element record = add(r, "Record", null);
                add(record, "ResidentCode", p.residentCode());
                add(record, "Name", p.name());
                add(record, "BirthDate", p.birthDate().toString());
                add(record, "Sex", p.sex());
                add(record, "Address", p.address());
                add(record, "ChangeReason", p.changeReason());
                add(record, "ChangeDate", p.changeDate().toString());
            }
        }
        return SecureXml.serialize(doc);
    }

    static byte[] error(ProvisionError error, String message) {
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS(QueryConditions.NAMESPACE, "ProvisionError");
        doc.appendChild(root);
        add(root, "Code", error.name());
        add(root, "Message", message);
        return SecureXml.serialize(doc);
    }

    private static Element add(Element parent, String name, String text) {
        Element e = parent.getOwnerDocument().createElementNS(QueryConditions.NAMESPACE, name);
        if (text != null) {
            e.setTextContent(text);
        }
        parent.appendChild(e);
        return e;
    }
}
