package org.jukibus.attack;

/**
 * What one simulated attack achieved against the target node.
 *
 * @param verdict whether the node refused it
 * @param detail  how: the refusal the node gave (a dead-letter reason, an HTTP status, a JMS error), or
 *                what got through, or why the attack could not be run
 */
public record Outcome(Verdict verdict, String detail) {

    /** The three possible results; only {@link #REFUSED} is a pass. */
    public enum Verdict { REFUSED, NOT_REFUSED, NOT_RUN }

    public static Outcome refused(String how) {
        return new Outcome(Verdict.REFUSED, how);
    }

    public static Outcome notRefused(String what) {
        return new Outcome(Verdict.NOT_REFUSED, what);
    }

    public static Outcome notRun(String why) {
        return new Outcome(Verdict.NOT_RUN, why);
    }
}
