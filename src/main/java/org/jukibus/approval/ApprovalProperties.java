package org.jukibus.approval;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Approved programs only ({@code jukibus.approval.*}, standard 第4の5(2), 第4の7(4), 第4の8(1)イ): the node loads
 * its routes and broker configuration only as the responsible officer approved them.
 */
@ConfigurationProperties("jukibus.approval")
public class ApprovalProperties {

    /**
     * Whether the node checks its routes and broker configuration against the officer's signed manifest. Only an
     * explicit {@code false} turns it off, for development only: the node then warns loudly and says so in the
     * operation log.
     */
    private boolean required = true;
    /** The approving officer's certificate (PEM, from {@code jukibus pki issue-officer}). */
    private Path officerCertificate;
    /** The signed manifest; {@code ${jukibus.routes-dir}/APPROVED.xml} unless set. */
    private Path manifest;

    public boolean isRequired() { return required; }
    public void setRequired(boolean required) { this.required = required; }
    public Path getOfficerCertificate() { return officerCertificate; }
    public void setOfficerCertificate(Path officerCertificate) { this.officerCertificate = officerCertificate; }
    public Path getManifest() { return manifest; }
    public void setManifest(Path manifest) { this.manifest = manifest; }
}
