package org.jukibus.flow.identity;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 本人確認情報の通知 (identity update), standard 第6の6: a batch of identity records from a municipality
 * to its prefecture, or from a delegating prefecture to central. A record's item number is its
 * position in {@link #records()}, from 1. Schema {@code schemas/identity-update.xsd}.
 *
 * @param sender    the sending node's code (a municipality, or a delegating prefecture)
 * @param recipient the receiving node's code (the sender's prefecture, or central)
 * @param records   1..N records
 */
@JacksonXmlRootElement(localName = "IdentityUpdate", namespace = IdentityUpdate.NS)
@JsonPropertyOrder({"Sender", "Recipient", "Record"})
public record IdentityUpdate(
        @JacksonXmlProperty(localName = "Sender", namespace = NS) String sender,
        @JacksonXmlProperty(localName = "Recipient", namespace = NS) String recipient,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Record", namespace = NS) List<IdentityRecord> records) {

    public static final String NS = "urn:jukibus:identity-update:1";
    public static final String TYPE = "IdentityUpdate";
    public static final String SCHEMA = "identity-update.xsd";

    public IdentityUpdate {
        records = records == null ? List.of() : List.copyOf(records);
    }

    /**
     * The update read off a payload document that is valid against {@link #SCHEMA} (the envelope opener's own
     * DOM): a 1,000-record update is not parsed a second time to fill the model. Dates are stripped, as the
     * schema's {@code xs:date} collapses their white space; every other value is a pattern or enumeration that
     * admits none.
     */
    public static IdentityUpdate of(Document payload) {
        String sender = null;
        String recipient = null;
        List<IdentityRecord> records = new ArrayList<>();
        for (Element e = firstChild(payload.getDocumentElement()); e != null; e = next(e)) {
            switch (e.getLocalName()) {
                case "Sender" -> sender = e.getTextContent();
                case "Recipient" -> recipient = e.getTextContent();
                case "Record" -> records.add(record(e));
                default -> {
                    // Operator: the legacy operator who dropped the file, not part of the update
                }
            }
        }
        return new IdentityUpdate(sender, recipient, records);
    }

    private static IdentityRecord record(Element record) {
        String[] v = new String[9];
        for (Element e = firstChild(record); e != null; e = next(e)) {
            int i = switch (e.getLocalName()) {
                case "ResidentCode" -> 0;
                case "Name" -> 1;
                case "NameKana" -> 2;
                case "BirthDate" -> 3;
                case "Sex" -> 4;
                case "Address" -> 5;
                case "ChangeReason" -> 6;
                case "ChangeDate" -> 7;
                case "Municipality" -> 8;
                default -> throw new IllegalArgumentException("an identity record has no " + e.getLocalName() + ": not a valid payload");
            };
            v[i] = e.getTextContent();
        }
        return new IdentityRecord(v[0], v[1], v[2], v[3].strip(), v[4], v[5], ChangeReason.valueOf(v[6]), v[7].strip(), v[8]);
    }

    private static Element firstChild(Node parent) {
        Node n = parent.getFirstChild();
        while (n != null && n.getNodeType() != Node.ELEMENT_NODE) {
            n = n.getNextSibling();
        }
        return (Element) n;
    }

    private static Element next(Element e) {
        Node n = e.getNextSibling();
        while (n != null && n.getNodeType() != Node.ELEMENT_NODE) {
            n = n.getNextSibling();
        }
        return (Element) n;
    }
}
