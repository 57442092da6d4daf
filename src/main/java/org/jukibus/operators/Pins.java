package org.jukibus.operators;

import java.util.regex.Pattern;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Operators' PINs (暗証番号), kept only as bcrypt hashes of cost {@value #COST} or more: slow and salted, so a copy
 * of the registration does not give the PINs away.
 */
public final class Pins {

    /** bcrypt cost of new hashes (2^12 rounds, a few hundred milliseconds). */
    public static final int COST = 12;
    /** A PIN is 4 to 64 characters. */
    public static final int MIN_LENGTH = 4;

    private static final BCryptPasswordEncoder ENCODER = new BCryptPasswordEncoder(COST);
    private static final Pattern HASH = Pattern.compile("\\$2[aby]\\$(1[2-9]|2[0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    private Pins() {
    }

    /** A new salted hash of the PIN. */
    public static String hash(char[] pin) {
        if (pin.length < MIN_LENGTH || pin.length > 64) {
            throw new IllegalArgumentException("a PIN has " + MIN_LENGTH + " to 64 characters");
        }
        return ENCODER.encode(java.nio.CharBuffer.wrap(pin));
    }

    public static boolean matches(CharSequence pin, String hash) {
        return pin != null && ENCODER.matches(pin, hash);
    }

    /** Whether {@code text} is a bcrypt hash of cost {@value #COST} or more. */
    public static boolean isHash(String text) {
        return text != null && HASH.matcher(text).matches();
    }
}
