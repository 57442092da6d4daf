package org.jukibus.flow.changeinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * A retry of a change info message sends the changes its first attempt selected, by their positions, whatever the
 * holder register says by then (the authority may have taken the first attempt; a different selection under the same
 * message id would be dropped there as a duplicate).
 */
class CertificateHoldersSelectionTest {

    @Test
    void the_selection_of_the_first_attempt_gives_the_same_changes_again() throws Exception {
        Document message = parse("""
                <ChangeInfo xmlns="urn:jukibus:change-info:1">
                  <Change><ResidentCode>10000000005</ResidentCode></Change>
                  <Change><ResidentCode>20000000000</ResidentCode></Change>
                  <Change><ResidentCode>30000000006</ResidentCode></Change>
                </ChangeInfo>""");

        CertificateHolders.Filtered again = CertificateHolders.select(message, List.of(0, 2));

        assertThat(again.sent()).isEqualTo(2);
        assertThat(again.withheld()).isEqualTo(1);
        assertThat(again.positions()).containsExactly(0, 2);
        assertThat(codes(again.payload())).containsExactly("10000000005", "30000000006");
        assertThat(codes(message)).as("the message itself is left as it came").hasSize(3);
        assertThat(CertificateHolders.select(message, List.of()).sent()).isZero();
    }

    private static List<String> codes(Document doc) {
        NodeList list = doc.getElementsByTagNameNS(ChangeInfo.NS, "ResidentCode");
        return java.util.stream.IntStream.range(0, list.getLength()).mapToObj(i -> list.item(i).getTextContent()).toList();
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
