package org.jukibus.terminal.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jukibus.flow.certificatecopy.CertificateCopyFlow;
import org.jukibus.flow.certificatecopy.CertificateCopyReply;
import org.jukibus.flow.certificatecopy.ReceivedRequests.ReceivedRequest;

/**
 * 住民票の写しの情報の通知 (第6の4(2)(3)) at the home municipality, after the request was reviewed on screen: either
 * the residence record's items for the copy (persons in rows {@code person1.} … {@code person<N>.}; an empty row is
 * left out) or a refusal with its reason. It becomes the {@code CertificateCopyReply} a legacy system drops into
 * {@code legacy/inbox/certificate-copy-reply/}, so the reply handler checks it against the request (answered once,
 * nothing beyond what was asked) exactly as it checks a dropped file.
 */
public final class CertificateCopyAnswerEntry {

    /** How many person rows the form has. */
    public static final int PERSON_ROWS = 6;
    /** The {@code answer} value for a certificate; anything else is a refusal. */
    public static final String CERTIFICATE = "certificate";

    private CertificateCopyAnswerEntry() {
    }

    public static LegacyEntry entry(Map<String, String> values, String self, ReceivedRequest request) {
        FormReader form = new FormReader(values);
        CertificateCopyReply.Certificate certificate = null;
        CertificateCopyReply.Refusal refusal = null;
        if (CERTIFICATE.equals(values.get("answer"))) {
            String asOf = form.get("asOf", "AsOf");
            String address = form.get("address", "Address");
            String householdHead = form.get("householdHead", "HouseholdHead");
            List<CertificateCopyReply.Person> persons = new ArrayList<>();
            for (int i = 1; i <= PERSON_ROWS; i++) {
                String row = "person" + i;
                if (form.filled(row)) {
                    persons.add(new CertificateCopyReply.Person(form.get(row + ".name", "Name"),
                            form.get(row + ".nameKana", "NameKana"), form.get(row + ".birthDate", "BirthDate"),
                            form.get(row + ".sex", "Sex"), form.get(row + ".relationship", "Relationship"),
                            form.get(row + ".becameResidentDate", "BecameResidentDate"),
                            form.get(row + ".addressSetDate", "AddressSetDate"),
                            form.get(row + ".notificationDate", "NotificationDate"),
                            form.get(row + ".previousAddress", "PreviousAddress"),
                            form.get(row + ".residentCode", "ResidentCode")));
                }
            }
            certificate = new CertificateCopyReply.Certificate(asOf, address, householdHead, persons);
        } else {
            refusal = new CertificateCopyReply.Refusal(form.get("reasonCode", "ReasonCode"), form.get("reason", "Reason"));
        }
        CertificateCopyReply reply = new CertificateCopyReply(request.requestId(), self, request.issuingMunicipality(),
                certificate, refusal);
        return new LegacyEntry(CertificateCopyFlow.REPLY.name(), EntryRoute.SEND, reply, form.fields());
    }
}
