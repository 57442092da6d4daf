package org.jukibus.terminal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jukibus.flow.identity.ChangeReason;

/** The choices of the data-entry forms' select boxes: the schemas' codes with their Japanese names. */
final class EntryChoices {

    static final Map<String, String> SEXES = ordered("1", "男", "2", "女", "9", "不明");
    static final Map<String, String> IDENTITY_CHECKS = ordered("resident-card", "住民基本台帳カード",
            "document", "施行規則第5条第2項の書類");
    static final Map<String, String> SCOPES = ordered("requester", "請求者本人のみ", "household", "世帯全員");
    static final Map<String, String> REFUSAL_REASONS = ordered("not-found", "該当する住民票がない",
            "mismatch", "請求の内容が住民票の記載と一致しない", "restricted", "交付が制限されている", "other", "その他");
    static final Map<String, String> CHANGE_REASONS = changeReasons();

    private EntryChoices() {
    }

    private static Map<String, String> ordered(String... codesAndNames) {
        Map<String, String> choices = new LinkedHashMap<>();
        for (int i = 0; i < codesAndNames.length; i += 2) {
            choices.put(codesAndNames[i], codesAndNames[i + 1]);
        }
        return Collections.unmodifiableMap(choices);
    }

    private static Map<String, String> changeReasons() {
        Map<String, String> names = ordered("BIRTH", "出生", "TRANSFER_IN", "転入", "REGISTRATION", "職権記載等",
                "ADDRESS_CHANGE", "転居", "NAME_CHANGE", "氏名の変更", "CORRECTION", "職権修正等", "TRANSFER_OUT", "転出",
                "DEATH", "死亡", "DELETION", "職権消除等");
        for (ChangeReason reason : ChangeReason.values()) { // every reason of the schema has its name here
            if (!names.containsKey(reason.name())) {
                throw new IllegalStateException("no Japanese name for change reason " + reason);
            }
        }
        return names;
    }
}
