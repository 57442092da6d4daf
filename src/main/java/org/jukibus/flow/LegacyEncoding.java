package org.jukibus.flow;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Legacy input files are UTF-8 (docs/legacy-files.md). A file whose XML declaration names another encoding
 * (Shift_JIS, EUC-JP, UTF-16...) or that starts with a UTF-16/32 byte order mark is refused with a report naming
 * the encoding, rather than read in that encoding: its message id, business key and ledger digest are taken from
 * the bytes, and the recipient's legacy system expects UTF-8.
 */
final class LegacyEncoding {

    /** The XML declaration's encoding, read from the start of the file as ASCII (which every such declaration is). */
    private static final Pattern DECLARED = Pattern.compile("^(?:\\uFEFF|\\u00EF\\u00BB\\u00BF)?<\\?xml[^>]*?\\bencoding\\s*=\\s*[\"']([^\"']*)[\"']");

    private LegacyEncoding() {
    }

    static void requireUtf8(byte[] content) throws LegacyInputException {
        if (content.length >= 2 && ((content[0] == (byte) 0xFE && content[1] == (byte) 0xFF)
                || (content[0] == (byte) 0xFF && content[1] == (byte) 0xFE) || (content[0] == 0 && content[1] != 0))) {
            throw new LegacyInputException("the file is not UTF-8 (it starts with a UTF-16 or UTF-32 byte order mark or"
                    + " a zero byte); legacy files must be UTF-8");
        }
        String head = new String(content, 0, Math.min(content.length, 256), StandardCharsets.ISO_8859_1);
        Matcher m = DECLARED.matcher(head);
        if (m.find()) {
            String declared = m.group(1).strip();
            String name = declared.toUpperCase(Locale.ROOT);
            if (!name.equals("UTF-8") && !name.equals("UTF8")) {
                throw new LegacyInputException("the XML declaration names the encoding \"" + declared.replaceAll("[^\\x20-\\x7E]", "?")
                        + "\"; legacy files must be UTF-8 (convert the file, and declare encoding=\"UTF-8\" or none)");
            }
        }
    }
}
