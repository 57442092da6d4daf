package org.jukibus.operators;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The node's operators ({@code jukibus.operators.*}, standard 第4の4): who may operate it, with card and PIN, and
 * when they are locked out.
 */
@ConfigurationProperties("jukibus.operators")
public class OperatorsProperties {

    /**
     * The operators' registration signed by the responsible officer ({@code jukibus operator register}); checked
     * against {@code jukibus.approval.officer-certificate}. {@code ${jukibus.home}/operators.xml} unless set.
     */
    private Path registration;
    /** Consecutive wrong PINs after which the operator is locked until the officer unlocks. */
    private int maxFailedAttempts = 3;
    /** Where the officer's signed unlocks go ({@code jukibus operator unlock --out}); {@code ${jukibus.home}/operators/unlock} unless set. */
    private Path unlockDir;

    public Path getRegistration() { return registration; }
    public void setRegistration(Path registration) { this.registration = registration; }
    public int getMaxFailedAttempts() { return maxFailedAttempts; }
    public void setMaxFailedAttempts(int maxFailedAttempts) { this.maxFailedAttempts = maxFailedAttempts; }
    public Path getUnlockDir() { return unlockDir; }
    public void setUnlockDir(Path unlockDir) { this.unlockDir = unlockDir; }
}
