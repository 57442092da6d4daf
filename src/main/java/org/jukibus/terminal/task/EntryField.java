package org.jukibus.terminal.task;

/**
 * One field of a terminal form as it went into the legacy input document: the form's name for it, the element of the
 * schema it fills, and the value entered (null when left blank).
 *
 * @param key     the form field's name (as the page posts it, e.g. {@code members[1].name})
 * @param element the local name of the element it fills (e.g. {@code Name})
 * @param value   the value entered, trimmed; null when blank
 */
public record EntryField(String key, String element, String value) {
}
