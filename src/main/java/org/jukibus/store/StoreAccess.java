package org.jukibus.store;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a node reaches a store on an external server: what its {@code jukibus.store.*} settings say. */
public record StoreAccess(String url, String username, Path passwordFile) {

    /** The node properties naming this store. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(StoreSettings.URL_KEY, url);
        p.put(StoreSettings.USERNAME_KEY, username);
        p.put(StoreSettings.PASSWORD_FILE_KEY, passwordFile.toString());
        return p;
    }
}
