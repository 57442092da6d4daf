package org.jukibus.flow.specialtransfer;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a first transfer-in notice is about the person whose certificate info is registered: the
 * old municipality sends the info only when the name and the birth date agree. Names are compared
 * after NFKC normalisation and without spaces, so full-width and half-width forms and the space
 * between family and given name do not matter; birth dates must be the same day.
 */
final class IdentityMatch {

    static final String NAME = "Name";
    static final String BIRTH_DATE = "BirthDate";

    private IdentityMatch() {
    }

    /** The items that differ ({@link #NAME}, {@link #BIRTH_DATE}), in that order; empty when they agree. */
    static List<String> mismatches(TransferOutCertificate registered, FirstTransferInNotice notice) {
        List<String> items = new ArrayList<>(2);
        if (!comparable(registered.name()).equals(comparable(notice.name()))) {
            items.add(NAME);
        }
        if (!LocalDate.parse(registered.birthDate().strip()).equals(LocalDate.parse(notice.birthDate().strip()))) {
            items.add(BIRTH_DATE);
        }
        return items;
    }

    static String comparable(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).replaceAll("\\s+", "");
    }
}
