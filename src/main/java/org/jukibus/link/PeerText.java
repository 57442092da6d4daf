package org.jukibus.link;

/**
 * Text a peer's broker chose (the message of a refusal, of a failure it answered with) as this node may log it or keep
 * it on a parked envelope: at most {@value #MAX_CHARS} characters, line breaks and other control characters escaped.
 * A peer holding a valid certificate is hostile: unbounded, its text would fill this node's log and every parked copy;
 * with a line break in it, it would write log lines of its own making (analysis-merge11 L5).
 */
public final class PeerText {

    /** How much of a peer's text is kept. */
    public static final int MAX_CHARS = 300;

    private PeerText() {
    }

    /**
     * {@code text} (null: "null") with each control or format character ({@code \n}, {@code \r}, a tab, an escape
     * sequence's ESC, U+0085, U+2028, U+2029, a bidirectional override, …) written as a backslash-u escape and a
     * backslash doubled (an escape in the peer's text cannot pass for one of ours), then cut to at most
     * {@value #MAX_CHARS} characters in all, "…" marking a cut.
     */
    public static String of(String text) {
        String raw = String.valueOf(text);
        StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_CHARS) + 8);
        int fits = 0; // the length of the escaped text up to the last whole character that leaves room for the "…"
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
            if (out.length() > MAX_CHARS) {
                out.setLength(fits);
                return out.append('…').toString();
            }
            if (out.length() < MAX_CHARS && !Character.isHighSurrogate(c)) {
                fits = out.length();
            }
        }
        return out.toString();
    }
}
