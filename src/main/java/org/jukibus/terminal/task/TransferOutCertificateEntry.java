package org.jukibus.terminal.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jukibus.flow.specialtransfer.SpecialTransferFlow;
import org.jukibus.flow.specialtransfer.TransferOutCertificate;

/**
 * 転出証明書情報の手入力 (第6の5(2)) at the old municipality: the card holder's items and the household members moving
 * with them (rows {@code member1.} … {@code member<N>.}; an empty row is left out) become the
 * {@code TransferOutCertificate} a legacy system drops into {@code legacy/inbox/transfer-out-certificate/}, registered
 * by the same handler; a first transfer-in notice for the holder is then answered with it. This node is the old
 * municipality.
 */
public final class TransferOutCertificateEntry {

    /** How many household member rows the form has. */
    public static final int MEMBER_ROWS = 5;

    private TransferOutCertificateEntry() {
    }

    public static LegacyEntry entry(Map<String, String> values, String self) {
        FormReader form = new FormReader(values);
        String registrationId = form.get("registrationId", "RegistrationId");
        String residentCode = form.get("residentCode", "ResidentCode");
        String name = form.get("name", "Name");
        String nameKana = form.get("nameKana", "NameKana");
        String birthDate = form.get("birthDate", "BirthDate");
        String sex = form.get("sex", "Sex");
        String address = form.get("address", "Address");
        String householdHead = form.get("householdHead", "HouseholdHead");
        String relationship = form.get("relationship", "Relationship");
        String plannedDate = form.get("plannedTransferOutDate", "PlannedTransferOutDate");
        String newAddress = form.get("newAddress", "NewAddress");
        String cardNumber = form.get("cardNumber", "CardNumber");
        String plannedNew = form.get("plannedNewMunicipality", "PlannedNewMunicipality");
        List<TransferOutCertificate.Member> members = new ArrayList<>();
        for (int i = 1; i <= MEMBER_ROWS; i++) {
            String row = "member" + i;
            if (form.filled(row)) {
                members.add(new TransferOutCertificate.Member(form.get(row + ".residentCode", "ResidentCode"),
                        form.get(row + ".name", "Name"), form.get(row + ".nameKana", "NameKana"),
                        form.get(row + ".birthDate", "BirthDate"), form.get(row + ".sex", "Sex"),
                        form.get(row + ".relationship", "Relationship")));
            }
        }
        TransferOutCertificate certificate = new TransferOutCertificate(registrationId, residentCode, name, nameKana,
                birthDate, sex, address, householdHead, relationship, plannedDate, newAddress, cardNumber, self, plannedNew,
                members);
        return new LegacyEntry(SpecialTransferFlow.TRANSFER_OUT_CERTIFICATE.name(), EntryRoute.HANDLE, certificate,
                form.fields());
    }
}
