package org.jukibus.terminal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one query condition the terminal's message pages take (照会の条件の限定, 第4の4(7)): a whole message id, as
 * the envelope carries it (a UUID). Anything else is refused with what is wrong, before any store is asked.
 */
final class MessageIdQuery {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private MessageIdQuery() {
    }

    /** The id as typed (trimmed, lower case) if it is a whole message id. */
    static String of(String typed) {
        String id = typed == null ? "" : typed.trim().toLowerCase(Locale.ROOT);
        if (!UUID.matcher(id).matches()) {
            throw new IllegalArgumentException("メッセージIDの形式ではありません(36文字の UUID、例 0f8fad5b-d9cb-469f-a165-70867728950e):"
                    + " not a message id");
        }
        return id;
    }
}
