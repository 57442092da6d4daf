package org.jukibus.attack;

/**
 * One entry of the simulated-attack catalogue (模擬攻撃, 第4の3(6)).
 *
 * @param name     short id printed in the report, e.g. {@code signature-wrapping-object}
 * @param category {@code certificate}, {@code broker}, {@code envelope} or {@code management}
 * @param what     one line saying what the attacker tries
 * @param run      carries the attack out against the target and says what happened
 */
public record Attack(String name, String category, String what, Run run) {

    /** Carries one attack out. An exception means the simulator itself failed, not the target. */
    @FunctionalInterface
    public interface Run {
        Outcome execute() throws Exception;
    }
}
