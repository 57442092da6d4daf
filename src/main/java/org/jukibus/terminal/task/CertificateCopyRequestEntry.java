package org.jukibus.terminal.task;

import java.util.Map;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.flow.certificatecopy.CertificateCopyFlow;
import org.jukibus.flow.certificatecopy.CertificateCopyRequest;

/**
 * 住民票の写しの交付の特例に係る請求の入力 (第6の4(1)(2)) at the issuing municipality's counter: the request form becomes
 * the {@code CertificateCopyRequest} a legacy system drops into {@code legacy/inbox/certificate-copy-request/}, sent to
 * the home municipality through the same intake. This node is the issuing municipality.
 */
public final class CertificateCopyRequestEntry {

    private CertificateCopyRequestEntry() {
    }

    public static LegacyEntry entry(Map<String, String> values, String self) throws EntryRefusedException {
        FormReader form = new FormReader(values);
        String requestId = form.get("requestId", "RequestId");
        String requestDate = form.get("requestDate", "RequestDate");
        String home = form.get("homeMunicipality", "HomeMunicipality");
        CertificateCopyRequest.Requester requester = new CertificateCopyRequest.Requester(form.get("name", "Name"),
                form.get("nameKana", "NameKana"), form.get("birthDate", "BirthDate"), form.get("sex", "Sex"),
                form.get("address", "Address"), form.get("residentCode", "ResidentCode"));
        String identityCheck = form.get("identityCheck", "IdentityCheck");
        CertificateCopyRequest.CopyItems items = new CertificateCopyRequest.CopyItems(form.get("scope", "Scope"),
                form.flag("householdHeadAndRelationship"), form.flag("residentCodeShown"));
        Integer copies = number(form.get("copies", "Copies"), "copies", "Copies");
        CertificateCopyRequest request = new CertificateCopyRequest(requestId, requestDate, self, home, requester,
                identityCheck, items, copies);
        return new LegacyEntry(CertificateCopyFlow.REQUEST.name(), EntryRoute.SEND, request, form.fields());
    }

    /** A count typed in: a number, or null when blank; the schema checks its range. */
    static Integer number(String value, String key, String element) throws EntryRefusedException {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new EntryRefusedException(ErrorCode.SCHEMA, element + ": '" + value + "' is not a number", key);
        }
    }
}
