package org.jukibus.it;

import org.jukibus.flow.ResidentCode;

/**
 * The codes the integration tests use: the nodes of {@link TestNetwork} (local government codes with
 * their check digit) and residents (住民票コード, resident codes, with a valid check digit). One place, so
 * that a test names a node and no test spells a code another test spells differently.
 */
final class Codes {

    static final String CENTRAL = "central";
    static final String LIAISON = "liaison";
    static final String TOKYO_PREF = "13";
    static final String OSAKA_PREF = "27";
    static final String CHIYODA = "131016";
    static final String SHINJUKU = "131041";
    static final String BUNKYO = "131059";
    static final String OSAKA = "271004";

    /** A resident whose records no test looks at: only the notice carrying the code matters. */
    static final String RESIDENT = "70000000009";
    /** The resident of the samples in docs/samples/. */
    static final String SAMPLE_RESIDENT = "12345678903";

    private Codes() {
    }

    /** The resident code of these first ten digits, its check digit added (modulus 11, as {@link ResidentCode}). */
    static String resident(long tenDigits) {
        return ResidentCode.of(tenDigits);
    }
}
