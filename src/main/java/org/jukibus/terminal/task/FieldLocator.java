package org.jukibus.terminal.task;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which form field a refusal of the intake is about, read from its message: the intake names the element
 * (a schema error {@code at <Name>: …}, a missing element {@code One of '{"ns":Name}' is expected}, a rule
 * {@code HomeMunicipality 999997 is not in the node directory}) and mostly the value too. Of the fields that fill that
 * element, the first in document order whose value the message quotes, else the first left blank, else the first:
 * the schema stops at the first wrong element in document order, so that is the one.
 */
final class FieldLocator {

    /** A required element that is missing (left blank): the schema names the one it expected. */
    private static final Pattern MISSING = Pattern.compile("One of '\\{\"[^\"]*\":([A-Za-z]+)");
    /** The element the schema validator was at ({@code xml.Schemas}), possibly with a prefix. */
    private static final Pattern AT = Pattern.compile("at <(?:[A-Za-z0-9_.-]+:)?([A-Za-z]+)>");

    private FieldLocator() {
    }

    /** The key of the field the message is about, or empty when it names none of them. */
    static Optional<String> locate(String message, List<EntryField> fields) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher missing = MISSING.matcher(message);
        if (missing.find()) {
            return pick(fields, missing.group(1), f -> f.value() == null);
        }
        Matcher at = AT.matcher(message);
        if (at.find() && fields.stream().anyMatch(f -> f.element().equals(at.group(1)))) {
            return pick(fields, at.group(1), f -> quotes(message, f.value()));
        }
        return named(message, fields).flatMap(element -> pick(fields, element, f -> quotes(message, f.value())));
    }

    /**
     * The field element the message names first (as a word) that was filled in: a rule names what the input shows
     * ("… shows them (HouseholdHead / Relationship)"); else the first it names at all.
     */
    private static Optional<String> named(String message, List<EntryField> fields) {
        TreeMap<Integer, String> byPosition = new TreeMap<>();
        for (EntryField f : fields) {
            Matcher m = Pattern.compile("\\b" + Pattern.quote(f.element()) + "\\b").matcher(message);
            if (m.find()) {
                byPosition.putIfAbsent(m.start(), f.element());
            }
        }
        return byPosition.values().stream()
                .filter(element -> fields.stream().anyMatch(f -> f.element().equals(element) && f.value() != null))
                .findFirst().or(() -> byPosition.values().stream().findFirst());
    }

    private static Optional<String> pick(List<EntryField> fields, String element, Predicate<EntryField> preferred) {
        List<EntryField> candidates = fields.stream().filter(f -> f.element().equals(element)).toList();
        return candidates.stream().filter(preferred).findFirst()
                .or(() -> candidates.stream().filter(f -> f.value() == null).findFirst())
                .or(() -> candidates.stream().findFirst())
                .map(EntryField::key);
    }

    private static boolean quotes(String message, String value) {
        return value != null && !value.isEmpty() && message.contains(value);
    }
}
