package org.jukibus.flow;

import java.util.Optional;
import java.util.regex.Pattern;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.w3c.dom.Document;

/**
 * The resident code (住民票コード): 11 digits, the last a check digit (平成14年総務省告示第436号).
 * Modulus 11 over the first ten digits weighted 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 from the left;
 * the check digit is {@code 11 - (sum mod 11)}, and a remainder of 0 or 1 gives 0.
 * <p>
 * Every flow's payload is checked by {@link #firstWrong} (at intake by {@link LegacyIntake}, at the
 * recipient by {@link InboundDelivery}), so no flow can carry a code that no municipality could
 * have issued. The schemas keep the shape (11 digits); the check digit needs arithmetic.
 */
public final class ResidentCode {

    /** The element every payload names a resident code with. */
    public static final String ELEMENT = "ResidentCode";
    /** Dead-letter reason at the recipient: a payload carries a resident code with a wrong check digit. */
    public static final String INVALID = "INVALID_RESIDENT_CODE";

    private static final Pattern ELEVEN_DIGITS = Pattern.compile("[0-9]{11}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final int[] WEIGHTS = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

    private ResidentCode() {
    }

    /** Whether {@code code} is 11 digits whose last is the check digit of the first ten. */
    public static boolean isValid(String code) {
        return code != null && ELEVEN_DIGITS.matcher(code).matches()
                && code.charAt(10) - '0' == checkDigit(code.substring(0, 10));
    }

    /** The check digit of ten digits. */
    public static int checkDigit(String tenDigits) {
        if (tenDigits == null || tenDigits.length() != 10 || !DIGITS.matcher(tenDigits).matches()) {
            throw new IllegalArgumentException("a resident code's check digit is made from 10 digits, not '" + tenDigits + "'");
        }
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += (tenDigits.charAt(i) - '0') * WEIGHTS[i];
        }
        int remainder = sum % 11;
        return remainder <= 1 ? 0 : 11 - remainder;
    }

    /** A valid resident code: {@code tenDigits} and their check digit (test data, generated samples). */
    public static String of(String tenDigits) {
        return tenDigits + checkDigit(tenDigits);
    }

    /** A valid resident code made from a number (0 to 9,999,999,999), e.g. the n-th person of a generated batch. */
    public static String of(long number) {
        return of(String.format("%010d", number));
    }

    /**
     * The first resident code in {@code payload} whose check digit is wrong, or empty. Every element
     * named {@value #ELEMENT}, at any depth, whose value is digits is a code; a value that is not (a
     * certificate copy request's {@code CopyItems/ResidentCode} is a yes/no) is left to the schema.
     */
    public static Optional<Wrong> firstWrong(Document payload) {
        Element root = payload.getDocumentElement();
        NodeList codes = root.getElementsByTagNameNS(root.getNamespaceURI(), ELEMENT);
        for (int i = 0; i < codes.getLength(); i++) {
            String value = codes.item(i).getTextContent().trim();
            if (DIGITS.matcher(value).matches() && !isValid(value)) {
                return Optional.of(new Wrong(i + 1, codes.getLength(), value));
            }
        }
        return Optional.empty();
    }

    /** A wrong code: the {@code n}-th of the payload's {@code of} ResidentCode elements. */
    public record Wrong(int n, int of, String value) {

        /** For the legacy operator's .error report: names the code, so the record can be found and corrected. */
        public String describe() {
            return where() + " " + value + (value.length() != 11 ? " has " + value.length() + " digits, not 11"
                    : " is not a resident code: its check digit is " + value.charAt(10) + " but should be "
                    + checkDigit(value.substring(0, 10)));
        }

        /** For a dead letter: without the code, which names a person (dead-letter headers are stored and shown). */
        public String describeWithoutValue() {
            return where() + " has a wrong check digit";
        }

        private String where() {
            return of == 1 ? ELEMENT : ELEMENT + " (the " + n + ". of " + of + ")";
        }
    }
}
