package org.jukibus.core;

import java.util.Locale;

/**
 * The four kinds of node in the network (standard 第1). The lower-case id is what appears in
 * certificates (OU), the directory, broker roles and configuration.
 */
public enum NodeRole {
    /** コミュニケーションサーバ (CS): one per municipality. */
    MUNICIPAL,
    /** 都道府県サーバ: one per prefecture. */
    PREFECTURE,
    /** 指定情報処理機関サーバ: the central node (J-LIS). */
    CENTRAL,
    /** 認証業務連携サーバ: relays change info to the certification authority. */
    LIAISON;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NodeRole fromId(String id) {
        for (NodeRole r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown node role '" + id + "' (expected municipal, prefecture, central or liaison)");
    }
}
