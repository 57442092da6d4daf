package org.jukibus.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;

import org.apache.xml.security.c14n.Canonicalizer;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** What is signed in memory must canonicalise as what the receiver parses from the serialised bytes. */
class NamespaceDeclarationsTest {

    static {
        XmlSecurity.init();
    }

    @Test
    void plainAndMissingDeclarationsCanonicaliseAsTheParsedDocument() throws Exception {
        Document doc = SecureXml.newDocument();
        Element root = doc.createElementNS("urn:a", "a:Root");
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:a", "urn:a");
        doc.appendChild(root);
        Element plain = doc.createElementNS("urn:b", "b:Plain");
        plain.setAttribute("xmlns:b", "urn:b"); // DOM level 1 style, as Santuario writes some
        root.appendChild(plain);
        Element undeclared = doc.createElementNS("urn:c", "c:Undeclared");
        undeclared.setAttributeNS("urn:d", "d:attr", "v");
        plain.appendChild(undeclared);
        Element redeclared = doc.createElementNS("urn:other", "a:Rebound");
        undeclared.appendChild(redeclared);
        assertThat(c14n(doc)).as("before the fix the in-memory form differs").isNotEqualTo(c14n(reparsed(doc)));

        NamespaceDeclarations.declare(root);

        assertThat(c14n(doc)).isEqualTo(c14n(reparsed(doc)));
        assertThat(c14n(doc)).contains("<b:Plain xmlns:b=\"urn:b\">", "xmlns:c=\"urn:c\"", "xmlns:d=\"urn:d\"",
                "<a:Rebound xmlns:a=\"urn:other\">");
    }

    private static Document reparsed(Document doc) throws Exception {
        return SecureXml.parse(SecureXml.serialize(doc));
    }

    private static String c14n(Document doc) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Canonicalizer.getInstance(WholeDocumentSignature.C14N_METHOD).canonicalizeSubtree(doc, out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
