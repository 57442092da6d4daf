package org.jukibus.terminal.task;

import java.util.List;
import java.util.Map;

import org.jukibus.adapter.file.ErrorCode;
import org.jukibus.flow.identity.ChangeReason;
import org.jukibus.flow.identity.IdentityFlow;
import org.jukibus.flow.identity.IdentityRecord;
import org.jukibus.flow.identity.IdentityUpdate;

/**
 * 本人確認情報の手入力 (第6の6(1)): one person's identity information after a change at the counter becomes the
 * {@code IdentityUpdate} a legacy system drops into {@code legacy/inbox/identity-update/}, recorded in this node's
 * store and sent to its prefecture by the same intake (reconciled with the prefecture's update-count list as every
 * update is).
 */
public final class IdentityInfoEntry {

    private IdentityInfoEntry() {
    }

    /** @param prefecture this municipality's prefecture code (the recipient) */
    public static LegacyEntry entry(Map<String, String> values, String self, String prefecture) throws EntryRefusedException {
        FormReader form = new FormReader(values);
        IdentityRecord record = new IdentityRecord(form.get("residentCode", "ResidentCode"), form.get("name", "Name"),
                form.get("nameKana", "NameKana"), form.get("birthDate", "BirthDate"), form.get("sex", "Sex"),
                form.get("address", "Address"), reason(form.get("changeReason", "ChangeReason")),
                form.get("changeDate", "ChangeDate"), self);
        return new LegacyEntry(IdentityFlow.UPDATE_NAME, EntryRoute.SEND_PARTS,
                new IdentityUpdate(self, prefecture, List.of(record)), form.fields());
    }

    /** The change reason chosen: one of the schema's (the model holds only those), or null when none was chosen. */
    private static ChangeReason reason(String value) throws EntryRefusedException {
        if (value == null) {
            return null;
        }
        try {
            return ChangeReason.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new EntryRefusedException(ErrorCode.SCHEMA, "ChangeReason: '" + value + "' is not a change reason",
                    "changeReason");
        }
    }
}
