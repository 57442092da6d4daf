package org.jukibus.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Validation of node codes.
 *
 * <ul>
 *   <li>municipal: the 6-digit local government code (全国地方公共団体コード, JIS X 0402) whose last
 *       digit is the check digit (検査数字): the first five digits are multiplied by 6, 5, 4, 3, 2, the
 *       products summed, the sum divided by 11, and the check digit is the last digit of
 *       {@code 11 - remainder} (so remainder 0 gives 1, remainder 1 gives 0);</li>
 *   <li>prefecture: the 2-digit prefecture code 01..47 (JIS X 0401);</li>
 *   <li>central and liaison: a short id of letters, digits and '-' (at most 32 characters).</li>
 * </ul>
 */
public final class NodeCodes {

    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
    private static final Pattern TWO_DIGITS = Pattern.compile("[0-9]{2}");
    private static final Pattern SHORT_ID = Pattern.compile("[A-Za-z0-9-]{1,32}");

    private NodeCodes() {
    }

    /** Throws IllegalArgumentException naming the code and the reason unless {@code code} is valid for {@code role}. */
    public static String requireValid(NodeRole role, String code) {
        Objects.requireNonNull(role, "role");
        if (code == null || code.isEmpty()) {
            throw new IllegalArgumentException("missing " + role.id() + " node code");
        }
        switch (role) {
            case MUNICIPAL -> {
                if (!SIX_DIGITS.matcher(code).matches()) {
                    throw new IllegalArgumentException("bad municipal code '" + code
                            + "': a local government code has exactly 6 digits (5 digits + check digit)");
                }
                requirePrefecture(code.substring(0, 2), "municipal code '" + code + "'");
                int expected = checkDigit(code.substring(0, 5));
                int actual = code.charAt(5) - '0';
                if (expected != actual) {
                    throw new IllegalArgumentException("bad municipal code '" + code + "': check digit is " + actual
                            + " but should be " + expected + " for " + code.substring(0, 5));
                }
            }
            case PREFECTURE -> {
                if (!TWO_DIGITS.matcher(code).matches()) {
                    throw new IllegalArgumentException("bad prefecture code '" + code + "': expected 2 digits 01..47");
                }
                requirePrefecture(code, "prefecture code '" + code + "'");
            }
            case CENTRAL, LIAISON -> {
                if (!SHORT_ID.matcher(code).matches()) {
                    throw new IllegalArgumentException("bad " + role.id() + " code '" + code
                            + "': expected 1 to 32 characters of A-Z, a-z, 0-9 and '-'");
                }
            }
        }
        return code;
    }

    /** True when {@code code} is valid for {@code role}. */
    public static boolean isValid(NodeRole role, String code) {
        try {
            requireValid(role, code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The check digit for the first five digits of a local government code. */
    public static int checkDigit(String firstFiveDigits) {
        if (firstFiveDigits == null || !firstFiveDigits.matches("[0-9]{5}")) {
            throw new IllegalArgumentException("expected 5 digits, got '" + firstFiveDigits + "'");
        }
        int[] weights = {6, 5, 4, 3, 2};
        int sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += (firstFiveDigits.charAt(i) - '0') * weights[i];
        }
        return (11 - sum % 11) % 10;
    }

    /** Throws unless {@code code} is a valid 2-digit prefecture code. */
    public static String requirePrefectureCode(String code) {
        if (code == null || !TWO_DIGITS.matcher(code).matches()) {
            throw new IllegalArgumentException("bad prefecture code '" + code + "': expected 2 digits 01..47");
        }
        return requirePrefecture(code, "prefecture code '" + code + "'");
    }

    private static String requirePrefecture(String twoDigits, String what) {
        int p = Integer.parseInt(twoDigits);
        if (p < 1 || p > 47) {
            throw new IllegalArgumentException("bad " + what + ": prefecture " + twoDigits + " is not in 01..47");
        }
        return twoDigits;
    }
}
