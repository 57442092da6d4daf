package org.jukibus.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jukibus.envelope.PayloadTypes;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A payload as a sheet for the screen and the printer (端末機画面又はプリンタ等から打ち出された書類, 第6の5(5)): one row
 * per element in document order, labelled in Japanese with the {@code xs:documentation xml:lang="ja"} its schema
 * gives the element (and the code's meaning, e.g. 男 for sex 1, from the enumeration's documentation), so every
 * payload type is shown the same way without a page of its own. Group elements (a certificate, a household member)
 * are rows without a value that indent what they hold.
 */
public final class PayloadSheet {

    private static final String XS = "http://www.w3.org/2001/XMLSchema";
    private static final Map<String, Labels> LABELS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final PayloadTypes TYPES = PayloadTypes.defaults();

    /**
     * One row.
     *
     * @param depth   nesting below the root (0 for the root's children)
     * @param element the element's local name
     * @param label   the schema's Japanese label, or the element name if it has none
     * @param value   the text (null for a group), followed by the code's meaning when the schema names one
     */
    public record Row(int depth, String element, String label, String value) {
    }

    private PayloadSheet() {
    }

    /** The rows of a schema-valid payload of the message type {@code type} (e.g. {@code TransferOutCertificateInfo}). */
    public static List<Row> ofType(String type, byte[] payload) throws XmlRejectedException {
        return rows(payload, schemaOf(type));
    }

    /** The schema's Japanese title of the message type {@code type} (e.g. 転出証明書情報の通知). */
    public static String titleOf(String type) {
        return title(type, schemaOf(type));
    }

    private static String schemaOf(String type) {
        return TYPES.schemaFor(type).orElseThrow(() -> new IllegalArgumentException("no payload type " + type));
    }

    /** The rows of a schema-valid payload of the schema {@code schemaFile} (in {@code schemas/}). */
    public static List<Row> rows(byte[] payload, String schemaFile) throws XmlRejectedException {
        Document doc = SecureXml.parse(payload);
        Labels labels = LABELS.computeIfAbsent(schemaFile, PayloadSheet::load);
        List<Row> rows = new ArrayList<>();
        add(doc.getDocumentElement(), -1, labels, rows);
        return rows;
    }

    /** The schema's title for the payload's root element. */
    public static String title(String rootElement, String schemaFile) {
        return LABELS.computeIfAbsent(schemaFile, PayloadSheet::load).label(rootElement);
    }

    private static void add(Element element, int depth, Labels labels, List<Row> rows) {
        List<Element> children = children(element);
        if (depth >= 0) {
            String name = element.getLocalName();
            String value = children.isEmpty() ? element.getTextContent().trim() : null;
            String meaning = value == null ? null : labels.codes().getOrDefault(name, Map.of()).get(value);
            if (meaning != null) {
                value = value + " (" + meaning + ")";
            }
            rows.add(new Row(depth, name, labels.label(name), value));
        }
        children.forEach(c -> add(c, depth + 1, labels, rows));
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    /** What a schema (with the schemas it includes) says of its elements in Japanese: labels, and codes' meanings per element. */
    private record Labels(Map<String, String> elements, Map<String, Map<String, String>> codes) {

        String label(String element) {
            return elements.getOrDefault(element, element);
        }
    }

    private static Labels load(String schemaFile) {
        Labels labels = new Labels(new HashMap<>(), new HashMap<>());
        Map<String, Map<String, String>> codesByType = new HashMap<>();
        Map<String, String> typeOf = new HashMap<>();
        read(schemaFile, new HashSet<>(), labels, codesByType, typeOf);
        // codes are explained only for elements whose type documents them (1 is 男 for Sex, not for a count)
        typeOf.forEach((element, type) -> {
            Map<String, String> codes = codesByType.get(type);
            if (codes != null) {
                labels.codes().put(element, codes);
            }
        });
        return labels;
    }

    private static void read(String schemaFile, Set<String> seen, Labels labels, Map<String, Map<String, String>> codesByType,
                             Map<String, String> typeOf) {
        if (!seen.add(schemaFile)) {
            return;
        }
        Document xsd;
        try (InputStream in = PayloadSheet.class.getClassLoader().getResourceAsStream(Schemas.FOLDER + schemaFile)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema " + Schemas.FOLDER + schemaFile + " on the classpath");
            }
            xsd = SecureXml.parse(in.readAllBytes());
        } catch (IOException | XmlRejectedException e) {
            throw new IllegalStateException("cannot read schema " + schemaFile + ": " + e.getMessage(), e);
        }
        for (Element e : descendants(xsd.getDocumentElement())) {
            switch (e.getLocalName()) {
                case "include" -> read(e.getAttribute("schemaLocation"), seen, labels, codesByType, typeOf);
                case "element" -> {
                    String name = e.getAttribute("name");
                    String ja = japanese(e);
                    if (!name.isEmpty() && ja != null) {
                        labels.elements().putIfAbsent(name, ja);
                    }
                    if (!name.isEmpty() && !e.getAttribute("type").isEmpty()) {
                        typeOf.putIfAbsent(name, e.getAttribute("type").replaceFirst("^.*:", ""));
                    }
                }
                case "enumeration" -> {
                    String ja = japanese(e);
                    Element type = enclosingType(e);
                    if (ja != null && type != null) {
                        codesByType.computeIfAbsent(type.getAttribute("name"), t -> new HashMap<>()).put(e.getAttribute("value"), ja);
                    }
                }
                default -> { }
            }
        }
    }

    /** The element's own {@code xs:annotation/xs:documentation xml:lang="ja"}, or null. */
    private static String japanese(Element declaration) {
        for (Element annotation : children(declaration)) {
            if (XS.equals(annotation.getNamespaceURI()) && "annotation".equals(annotation.getLocalName())) {
                for (Element doc : children(annotation)) {
                    if ("documentation".equals(doc.getLocalName()) && "ja".equals(doc.getAttributeNS(javax.xml.XMLConstants.XML_NS_URI, "lang"))) {
                        return doc.getTextContent().trim();
                    }
                }
            }
        }
        return null;
    }

    private static Element enclosingType(Element e) {
        for (Node n = e.getParentNode(); n instanceof Element p; n = p.getParentNode()) {
            if ("simpleType".equals(p.getLocalName()) && !p.getAttribute("name").isEmpty()) {
                return p;
            }
        }
        return null;
    }

    private static List<Element> descendants(Element root) {
        List<Element> out = new ArrayList<>();
        for (Element c : children(root)) {
            if (XS.equals(c.getNamespaceURI())) {
                out.add(c);
                out.addAll(descendants(c));
            }
        }
        return out;
    }
}
