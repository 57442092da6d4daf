package org.jukibus.flow.specialtransfer;

import java.util.List;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.LegacyInput;
import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.LegacyOutbox;
import org.jukibus.flow.Payloads;
import org.jukibus.core.NodeCodes;
import org.jukibus.core.NodeRole;

/**
 * {@code legacy/inbox/transfer-out-certificate/}: the old municipality registers transfer-out
 * certificate info (転出証明書情報の登録, 第6の5(2)) into the {@link CertificateRegister}. The planned
 * new municipality, when given, must be another municipality of the network.
 */
final class TransferOutCertificateHandler implements FlowHandler {

    private final CertificateRegister certificates;
    private final NodeDirectory directory;
    private final String self;

    TransferOutCertificateHandler(CertificateRegister certificates, NodeDirectory directory, String self) {
        this.certificates = certificates;
        this.directory = directory;
        this.self = self;
    }

    @Override
    public List<String> flows() {
        return List.of(SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE.name());
    }

    @Override
    public void local(LegacyInput input, LegacyOutbox outbox) throws Exception {
        TransferOutCertificate certificate = Payloads.read(input.payload(), TransferOutCertificate.class);
        requirePlannedNewMunicipality(certificate.plannedNewMunicipality());
        HouseholdMembers.requireDistinct(certificate.residentCode(),
                certificate.householdMembers().stream().map(TransferOutCertificate.Member::residentCode).toList());
        certificates.register(certificate, input.fileName());
    }

    private void requirePlannedNewMunicipality(String code) throws LegacyInputException {
        if (code == null) {
            return;
        }
        try {
            NodeCodes.requireValid(NodeRole.MUNICIPAL, code);
        } catch (IllegalArgumentException e) {
            throw new LegacyInputException("PlannedNewMunicipality: " + e.getMessage());
        }
        if (code.equals(self)) {
            throw new LegacyInputException("PlannedNewMunicipality " + code + " is this node itself");
        }
        if (directory.byCode(code).filter(e -> e.role() == NodeRole.MUNICIPAL).isEmpty()) {
            throw new LegacyInputException("PlannedNewMunicipality " + code + " is not a municipality in the node directory");
        }
    }
}
