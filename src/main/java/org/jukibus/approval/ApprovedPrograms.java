package org.jukibus.approval;

import java.nio.file.Path;

import org.jukibus.core.NodeRole;

/**
 * The programs a node runs, once approved: where its Camel routes and its broker configuration are loaded from.
 * With approval required these are the node's private copy of the verified bytes (see {@link ProgramApproval});
 * with {@code jukibus.approval.required=false}, the configured folders as they are.
 *
 * @param checked         whether they were checked against an officer's signed manifest
 * @param routesDir       the folder holding {@code common/} and {@code <role>/}
 * @param brokerConfigDir the folder holding {@code <role>.xml}
 * @param manifestSha256  the SHA-256 of the signed manifest (null when not checked)
 */
public record ApprovedPrograms(boolean checked, Path routesDir, Path brokerConfigDir, String manifestSha256) {

    /** Camel's {@code camel.main.routes-include-pattern} for this node's routes in {@link #routesDir}. */
    public String routesIncludePattern(NodeRole role) {
        return "file:" + routesDir.resolve(ProgramFiles.COMMON).toAbsolutePath() + "/*.yaml,file:"
                + routesDir.resolve(role.id()).toAbsolutePath() + "/*.yaml";
    }
}
