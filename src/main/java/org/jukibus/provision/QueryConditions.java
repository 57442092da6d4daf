package org.jukibus.provision;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jukibus.flow.ResidentCode;
import org.jukibus.xml.Schemas;
import org.jukibus.xml.SecureXml;
import org.jukibus.xml.XmlRejectedException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The limited query conditions (照会の条件の限定, 第4の4(7)): reads an {@code IdentityQuery} through the hardened
 * parser and accepts only a person named exactly, by resident code or by exact name + full birth date (+ sex,
 * + address). Everything else is refused with the {@link ProvisionError} that names it: a wildcard, a range, a
 * partial name, date or code, no condition, an element or attribute the format does not have. The rules are
 * checked here first so that the requester learns what was wrong; the schema ({@value #SCHEMA}) is the final
 * word on the shape. Messages never repeat a condition's value (it is personal data, and they are logged).
 */
public final class QueryConditions {

    public static final String NAMESPACE = "urn:jukibus:provision:1";
    public static final String SCHEMA = "identity-query.xsd";

    private static final Pattern WILDCARD = Pattern.compile("[%*?_％＊？＿]");
    private static final Pattern RANGE_VALUE = Pattern.compile(".*(\\.\\.|/|~|〜|～|<|>|,).*");
    private static final Pattern RANGE_NAME = Pattern.compile(
            "(.*[a-z])?(From|To|Min|Max|Range|Before|After|Since|Until|Between)|(?i:from|to|min|max|range|before|after|since|until|between)");
    private static final Pattern RANGE_ATTRIBUTE = Pattern.compile("(?i)from|to|min|max|range|before|after|since|until|between|op|operator");
    private static final Pattern PARTIAL_ATTRIBUTE = Pattern.compile("(?i)match|mode|like|contains|prefix|suffix|partial|fuzzy");
    private static final Pattern PARTIAL_NAME = Pattern.compile(
            "(.*[a-z])?(Prefix|Suffix|Contains|Like|Partial|StartsWith|EndsWith)|(Family|Given|First|Last|Sur)Name|(?i:partial|prefix|suffix|like|contains)");
    private static final Pattern FULL_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final Pattern PARTIAL_DATE = Pattern.compile("[0-9]{4}(-[0-9]{1,2})?");
    private static final Pattern RESIDENT_CODE = Pattern.compile("[0-9]{11}");
    private static final Pattern SOME_DIGITS = Pattern.compile("[0-9]{1,10}");
    private static final Set<String> QUERY_ELEMENTS = Set.of("QueryId", "Purpose", "Person");
    private static final Set<String> PERSON_ELEMENTS = Set.of("ResidentCode", "Name", "BirthDate", "Sex", "Address");

    private QueryConditions() {
    }

    /** Parses and checks a query body. */
    public static IdentityQuery parse(byte[] body) throws ProvisionRefused {
        Document doc;
        try {
            doc = SecureXml.parse(body);
        } catch (XmlRejectedException e) {
            throw switch (e.reason()) {
                case DTD -> new ProvisionRefused(ProvisionError.DTD_NOT_ALLOWED, "the query has a DOCTYPE: DTDs and entities are not allowed");
                case OVERSIZE -> new ProvisionRefused(ProvisionError.TOO_LARGE, e.getMessage());
                default -> new ProvisionRefused(ProvisionError.MALFORMED, "the query is not well-formed XML: " + e.getMessage());
            };
        }
        return check(doc);
    }

    /** Checks a parsed query. */
    public static IdentityQuery check(Document doc) throws ProvisionRefused {
        Element root = doc.getDocumentElement();
        if (!NAMESPACE.equals(root.getNamespaceURI()) || !"IdentityQuery".equals(root.getLocalName())) {
            throw new ProvisionRefused(ProvisionError.UNKNOWN_ELEMENT, "the document is " + qualified(root)
                    + ", not an IdentityQuery in " + NAMESPACE);
        }
        checkAttributes(root);
        String queryId = null;
        String purpose = null;
        List<IdentityQuery.Condition> persons = new ArrayList<>();
        for (Element child : children(root)) {
            String name = ours(child, QUERY_ELEMENTS, "IdentityQuery");
            switch (name) {
                case "QueryId" -> queryId = text(child);
                case "Purpose" -> purpose = text(child);
                default -> persons.add(person(child, persons.size() + 1));
            }
        }
        if (persons.isEmpty()) {
            throw new ProvisionRefused(ProvisionError.NO_CONDITION, "the query names no Person: every query names each person "
                    + "by resident code, or by name and birth date");
        }
        try {
            Schemas.validate(SCHEMA, doc, true);
        } catch (XmlRejectedException e) {
            throw new ProvisionRefused(ProvisionError.INVALID_QUERY, "not a valid IdentityQuery: " + e.getMessage());
        }
        return new IdentityQuery(queryId, purpose, persons);
    }

    private static IdentityQuery.Condition person(Element person, int n) throws ProvisionRefused {
        checkAttributes(person);
        String where = "Person " + n;
        String code = null;
        String name = null;
        String birthDate = null;
        String sex = null;
        String address = null;
        for (Element child : children(person)) {
            String element = ours(child, PERSON_ELEMENTS, where);
            checkAttributes(child);
            String value = text(child);
            if (WILDCARD.matcher(value).find()) {
                throw new ProvisionRefused(ProvisionError.WILDCARD, where + ": " + element + " holds a wildcard character "
                        + "(% * ? _): only exact values are accepted");
            }
            switch (element) {
                case "ResidentCode" -> code = value;
                case "Name" -> name = value;
                case "BirthDate" -> birthDate = value;
                case "Sex" -> sex = value;
                default -> address = value;
            }
        }
        if (code != null && (name != null || birthDate != null || sex != null || address != null)) {
            throw new ProvisionRefused(ProvisionError.INVALID_QUERY, where + ": give either ResidentCode or Name and "
                    + "BirthDate (with Sex and Address if wished), not both");
        }
        if (code != null) {
            return new IdentityQuery.ByResidentCode(residentCode(code, where));
        }
        if (name == null && birthDate == null) {
            throw new ProvisionRefused(ProvisionError.NO_CONDITION, where + " has no condition: it needs a ResidentCode, "
                    + "or a Name and a BirthDate" + (sex != null || address != null ? " (Sex and Address only narrow those)" : ""));
        }
        if (birthDate == null) {
            throw new ProvisionRefused(ProvisionError.PARTIAL, where + ": a Name needs the exact BirthDate");
        }
        LocalDate date = birthDate(birthDate, where);
        if (name == null) {
            throw new ProvisionRefused(ProvisionError.PARTIAL, where + ": a BirthDate needs the exact Name");
        }
        if (name.isBlank()) {
            throw new ProvisionRefused(ProvisionError.NO_CONDITION, where + ": the Name is empty");
        }
        return new IdentityQuery.ByNameAndBirthDate(name, date, sex, address);
    }

    private static String residentCode(String value, String where) throws ProvisionRefused {
        if (RESIDENT_CODE.matcher(value).matches()) {
            if (!ResidentCode.isValid(value)) {
                throw new ProvisionRefused(ProvisionError.INVALID_QUERY, where + ": ResidentCode has a wrong check digit");
            }
            return value;
        }
        if (RANGE_VALUE.matcher(value).matches() || value.matches("[0-9]+-[0-9]+")) {
            throw new ProvisionRefused(ProvisionError.RANGE, where + ": ResidentCode is a range; give one 11-digit code");
        }
        if (SOME_DIGITS.matcher(value).matches()) {
            throw new ProvisionRefused(ProvisionError.PARTIAL, where + ": ResidentCode has " + value.length()
                    + " digits; give all 11");
        }
        throw new ProvisionRefused(ProvisionError.INVALID_QUERY, where + ": ResidentCode is not an 11-digit code");
    }

    private static LocalDate birthDate(String value, String where) throws ProvisionRefused {
        if (FULL_DATE.matcher(value).matches()) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeException e) {
                throw new ProvisionRefused(ProvisionError.INVALID_QUERY, where + ": BirthDate is not a calendar date");
            }
        }
        if (RANGE_VALUE.matcher(value).matches()) {
            throw new ProvisionRefused(ProvisionError.RANGE, where + ": BirthDate is a range; give the one exact date (YYYY-MM-DD)");
        }
        if (PARTIAL_DATE.matcher(value).matches()) {
            throw new ProvisionRefused(ProvisionError.PARTIAL, where + ": BirthDate is only a year or month; give the "
                    + "exact date (YYYY-MM-DD)");
        }
        throw new ProvisionRefused(ProvisionError.INVALID_QUERY, where + ": BirthDate is not a date (YYYY-MM-DD)");
    }

    /** The element's local name if it is one of ours; else the error that names what it tried. */
    private static String ours(Element e, Set<String> allowed, String where) throws ProvisionRefused {
        String name = e.getLocalName();
        if (NAMESPACE.equals(e.getNamespaceURI()) && allowed.contains(name)) {
            return name;
        }
        if (name != null && RANGE_NAME.matcher(name).matches()) {
            throw new ProvisionRefused(ProvisionError.RANGE, where + ": " + qualified(e) + " is a range condition; "
                    + "only exact conditions are accepted");
        }
        if (name != null && PARTIAL_NAME.matcher(name).matches()) {
            throw new ProvisionRefused(ProvisionError.PARTIAL, where + ": " + qualified(e) + " is a partial condition; "
                    + "give the exact Name");
        }
        throw new ProvisionRefused(ProvisionError.UNKNOWN_ELEMENT, where + ": unknown element " + qualified(e)
                + " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
    }

    private static void checkAttributes(Element e) throws ProvisionRefused {
        NamedNodeMap attributes = e.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if ("http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                continue; // namespace declarations
            }
            String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
            ProvisionError error = RANGE_ATTRIBUTE.matcher(name).matches() ? ProvisionError.RANGE
                    : PARTIAL_ATTRIBUTE.matcher(name).matches() ? ProvisionError.PARTIAL : ProvisionError.UNKNOWN_ELEMENT;
            throw new ProvisionRefused(error, "attribute '" + name + "' on " + e.getLocalName()
                    + (error == ProvisionError.UNKNOWN_ELEMENT ? " is not part of the query format"
                    : " asks for a " + error.name().toLowerCase() + " condition; only exact conditions are accepted"));
        }
    }

    private static List<Element> children(Element parent) throws ProvisionRefused {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            } else if (n.getNodeType() == Node.TEXT_NODE && !n.getNodeValue().isBlank()) {
                throw new ProvisionRefused(ProvisionError.INVALID_QUERY, parent.getLocalName() + " holds text; it holds elements only");
            }
        }
        return out;
    }

    private static String text(Element e) throws ProvisionRefused {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                throw new ProvisionRefused(ProvisionError.UNKNOWN_ELEMENT, e.getLocalName() + " holds an element ("
                        + qualified(child) + "); it holds a value only");
            }
        }
        return e.getTextContent();
    }

    private static String qualified(Element e) {
        String ns = e.getNamespaceURI();
        return (ns == null ? "" : "{" + ns + "}") + (e.getLocalName() == null ? e.getTagName() : e.getLocalName());
    }
}
