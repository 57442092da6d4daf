package org.jukibus.terminal.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a posted form's values (name to value, as the page sends them) into a legacy input model, noting for each
 * value the element it fills ({@link EntryField}). A blank value is null: the element is left out and the schema
 * names it as missing, as it would in a dropped file.
 */
final class FormReader {

    private final Map<String, String> values;
    private final List<EntryField> fields = new ArrayList<>();

    FormReader(Map<String, String> values) {
        this.values = values;
    }

    /** The value of {@code key} for {@code element}, trimmed, or null when blank. */
    String get(String key, String element) {
        String value = raw(key);
        fields.add(new EntryField(key, element, value));
        return value;
    }

    /** A check box: true when sent as {@code true} or {@code on}. */
    boolean flag(String key) {
        String value = raw(key);
        return "true".equals(value) || "on".equals(value);
    }

    /** Whether any value of a repeated row ({@code <row>.<name>}) was entered: an empty row is not part of the input. */
    boolean filled(String row) {
        return values.entrySet().stream().anyMatch(e -> e.getKey().startsWith(row + ".") && e.getValue() != null
                && !e.getValue().isBlank());
    }

    List<EntryField> fields() {
        return List.copyOf(fields);
    }

    private String raw(String key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
