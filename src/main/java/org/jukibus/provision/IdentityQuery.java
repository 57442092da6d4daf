package org.jukibus.provision;

import java.time.LocalDate;
import java.util.List;

/**
 * A requester's query for identity information (本人確認情報の照会), as {@link QueryConditions} accepted it: its id,
 * the purpose (利用事務) and one limited condition per person (第4の4(7)). More than one person is a bulk provision.
 */
public record IdentityQuery(String queryId, String purpose, List<Condition> persons) {

    public IdentityQuery {
        persons = List.copyOf(persons);
    }

    public boolean bulk() {
        return persons.size() > 1;
    }

    /** One person, named exactly. */
    public sealed interface Condition permits ByResidentCode, ByNameAndBirthDate {
    }

    /** By resident code (住民票コード). */
    public record ByResidentCode(String residentCode) implements Condition {
    }

    /** By exact name and birth date (氏名 + 出生の年月日), optionally with sex and address (null when not given). */
    public record ByNameAndBirthDate(String name, LocalDate birthDate, String sex, String address) implements Condition {
    }
}
