package org.jukibus.flow.changeinfo;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.jukibus.flow.ResidentCode;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The certification authority's feed of certificate holders ({@code schemas/certificate-holders.xsd}),
 * read over the liaison node's mutual-TLS link to it: {@code GET <endpoint>?after=<last seq>} until an
 * answer holds no change, each answer applied to the {@link CertificateHolders} register as it comes.
 * The liaison reads it before it hands on each change info, so a certificate issued a moment ago counts.
 */
public final class HolderFeed {

    static final String NS = "urn:jukibus:certificate-holders:1";
    private static final String SCHEMA = "certificate-holders.xsd";
    /** Answers bigger than this are refused: the authority pages its feed. */
    private static final int MAX_BYTES = 16 << 20;
    /** Enough pages for any backlog; a feed that never ends is a fault of the authority, not a reason to loop. */
    private static final int MAX_PAGES = 10_000;

    private final URI endpoint;
    private final CertificationAuthorityLink link;
    private final CertificateHolders holders;

    public HolderFeed(URI endpoint, CertificationAuthorityLink link, CertificateHolders holders) {
        this.endpoint = endpoint;
        this.link = link;
        this.holders = holders;
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * Brings the register up to date with the feed.
     *
     * @throws IOException when the authority cannot be read or answers something that is not a valid feed
     */
    public void refresh() throws IOException, InterruptedException {
        for (int page = 0; page < MAX_PAGES; page++) {
            long after = holders.lastSeq();
            List<CertificateHolders.Change> changes = read(link.fetch(URI.create(endpoint + "?after=" + after), MAX_BYTES), after);
            if (changes.isEmpty()) {
                return;
            }
            holders.apply(changes);
        }
        throw new IOException("the certificate holder feed at " + endpoint + " did not end after " + MAX_PAGES + " answers");
    }

    /** An answer, checked: schema-valid, resident codes with their check digit, Seq increasing and after {@code after}. */
    static List<CertificateHolders.Change> read(byte[] body, long after) throws IOException {
        Document doc;
        try {
            doc = SecureXml.parse(body, MAX_BYTES);
            Schemas.validate(SCHEMA, doc);
        } catch (XmlRejectedException e) {
            throw new IOException("the certificate holder feed is not valid (" + SCHEMA + "): " + e.getMessage(), e);
        }
        var wrong = ResidentCode.firstWrong(doc);
        if (wrong.isPresent()) {
            throw new IOException("the certificate holder feed: " + wrong.get().describe());
        }
        NodeList list = doc.getDocumentElement().getElementsByTagNameNS(NS, "Change");
        List<CertificateHolders.Change> changes = new ArrayList<>(list.getLength());
        long last = after;
        for (int i = 0; i < list.getLength(); i++) {
            Element e = (Element) list.item(i);
            long seq = Long.parseLong(text(e, "Seq"));
            if (seq <= last) {
                throw new IOException("the certificate holder feed answered Seq " + seq + " after " + last
                        + ": a feed's changes come in increasing Seq, after the one asked for");
            }
            changes.add(new CertificateHolders.Change(seq, text(e, "ResidentCode"), "HOLDER".equals(text(e, "Status"))));
            last = seq;
        }
        return changes;
    }

    private static String text(Element change, String name) {
        return change.getElementsByTagNameNS(NS, name).item(0).getTextContent().trim();
    }
}
