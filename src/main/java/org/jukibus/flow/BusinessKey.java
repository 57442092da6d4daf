package org.jukibus.flow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jukibus.adapter.file.TransferLedger;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * What makes two legacy input files of a flow the same business message, whatever their bytes (a
 * trailing newline, a comment, another indentation or namespace prefix): the payload elements that
 * identify it, e.g. the sender's NoticeId. A flow whose payload has no such id is keyed by its
 * content ({@link #CONTENT}: every element's name and value in document order, formatting and
 * comments left out), so a file that differs in any value is another message. {@link LegacyIntake}
 * refuses a second file with the key of one already sent as DUPLICATE, whatever the flow.
 *
 * @param elements the payload elements (local names, each occurring once) whose values make the key; none for {@link #CONTENT}
 */
public record BusinessKey(List<String> elements) {

    /** The key of a flow whose payload has no id of its own: its whole business content. */
    public static final BusinessKey CONTENT = new BusinessKey(List.of());

    public BusinessKey {
        elements = List.copyOf(elements);
    }

    /** A key made of these payload elements' values. */
    public static BusinessKey of(String... elements) {
        return new BusinessKey(List.of(elements));
    }

    /** The key of a schema-valid payload, readable (it goes into a DUPLICATE report), e.g. {@code NoticeId SJK-2026-000123}. */
    public String keyOf(Document payload) throws LegacyInputException {
        if (elements.isEmpty()) {
            return "content " + contentDigest(payload);
        }
        List<String> parts = new ArrayList<>(elements.size());
        for (String element : elements) {
            parts.add(element + " " + Payloads.text(payload, element));
        }
        return String.join(", ", parts);
    }

    /** What the key is made of, for documentation and reports. */
    public String describe() {
        return elements.isEmpty() ? "the whole content" : String.join(" + ", elements);
    }

    /** SHA-256 of the payload's elements, attributes and non-blank text, each length-prefixed so no value can pose as structure. */
    private static String contentDigest(Document payload) {
        StringBuilder canonical = new StringBuilder();
        append(payload.getDocumentElement(), canonical);
        return TransferLedger.sha256(canonical.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void append(Element element, StringBuilder out) {
        field(out, "<" + element.getNamespaceURI() + " " + element.getLocalName());
        NamedNodeMap attributes = element.getAttributes();
        List<Attr> own = new ArrayList<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (!"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                own.add(a);
            }
        }
        own.sort(Comparator.comparing((Attr a) -> String.valueOf(a.getNamespaceURI())).thenComparing(Attr::getLocalName));
        for (Attr a : own) {
            field(out, "@" + a.getNamespaceURI() + " " + a.getLocalName());
            field(out, a.getValue());
        }
        StringBuilder text = new StringBuilder(); // text split by a comment is still one value
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                text(out, text);
                append(e, out);
            } else if (child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE) {
                text.append(child.getNodeValue());
            }
        }
        text(out, text);
        field(out, ">");
    }

    private static void text(StringBuilder out, StringBuilder text) {
        String value = text.toString().strip();
        if (!value.isEmpty()) {
            field(out, "=" + value);
        }
        text.setLength(0);
    }

    private static void field(StringBuilder out, String value) {
        out.append(value.length()).append(':').append(value);
    }
}
