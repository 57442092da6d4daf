package org.jukibus.flow.transferout;

import java.util.List;

import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;

/**
 * Checks a transfer-out confirmation that the old municipality's legacy system drops into
 * {@code legacy/inbox/transfer-out/} (a confirmation made by hand, a correction) beyond its schema
 * and the shared sender/recipient rules (sender = this node, recipient = this node's prefecture).
 */
public final class ConfirmationInputCheck implements FlowHandler {

    @Override
    public List<String> flows() {
        return List.of(TransferOutFlow.NAME);
    }

    @Override
    public String check(LegacyInput input) throws LegacyInputException {
        String oldMunicipality = input.text("OldMunicipality");
        String newMunicipality = input.text("NewMunicipality");
        if (!NodeCodes.isValid(NodeRole.MUNICIPAL, newMunicipality)) {
            throw new LegacyInputException("NewMunicipality " + newMunicipality
                    + " is not a local government code (wrong prefecture part or check digit)");
        }
        if (newMunicipality.equals(oldMunicipality)) {
            throw new LegacyInputException("NewMunicipality " + newMunicipality
                    + " is this municipality: a move within it is no transfer-out");
        }
        return null; // answers no message of this node's: no correlation id
    }
}
