package org.jukibus.flow.nondelivery;

/**
 * What a recipient's {@link NonDeliveryNotice} may put into the sender's legacy NonDelivery file (issue 14 I). The
 * recipient holds a valid certificate but may be hostile: its reason code is taken only if it is one of ours
 * ({@link NonDeliveryFlow#knownReason}), else {@value NonDeliveryNotices#UNDELIVERABLE}; its free text is bounded,
 * stripped of control characters and markup, and labelled as the recipient's claim, never passed on as ours.
 */
final class RecipientClaim {

    /** Longest detail text a recipient gets into the sender's file. */
    static final int MAX_DETAIL = 200;

    private RecipientClaim() {
    }

    /** The reason code for the sender's file: the recipient's if it is one of ours, else UNDELIVERABLE. */
    static String reasonCode(String claimed) {
        return NonDeliveryFlow.knownReason(claimed) ? claimed : NonDeliveryNotices.UNDELIVERABLE;
    }

    /**
     * The detail for the sender's file, labelled as {@code recipient}'s claim, with an unknown reason code named in it;
     * at most {@link #MAX_DETAIL} characters in all (the schema's bound), the claim cut short with an ellipsis.
     */
    static String detail(String recipient, String claimedReason, String claimedDetail) {
        String label = "recipient " + recipient + " says: ";
        String code = NonDeliveryFlow.knownReason(claimedReason) ? ""
                : " [reason code given: " + cut(clean(String.valueOf(claimedReason)), 64) + "]";
        int room = MAX_DETAIL - label.length() - code.length();
        return label + cut(clean(claimedDetail == null ? "" : claimedDetail), room) + code;
    }

    /** Printable text only, without markup, whitespace runs as one space. */
    static String clean(String s) {
        return s.replaceAll("[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}]", " ").replaceAll("[<>&\"']", "")
                .replaceAll("\\s+", " ").strip();
    }

    /** {@code s} if it has at most {@code max} characters (code points), else its first {@code max - 1} and an ellipsis. */
    private static String cut(String s, int max) {
        int n = s.codePointCount(0, s.length());
        return n <= max ? s : s.substring(0, s.offsetByCodePoints(0, Math.max(0, max - 1))) + "…";
    }
}
