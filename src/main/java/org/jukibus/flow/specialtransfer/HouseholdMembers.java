package org.jukibus.flow.specialtransfer;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jukibus.flow.LegacyInputException;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.Member;
import org.jukibus.flow.specialtransfer.TransferOutCertificateInfo.MemberStatus;

/**
 * The old municipality's answer for the household members (世帯員, 第6の5(1)(5)) a first transfer-in notice
 * asks for: exactly those, in the notice's order, each looked up in the card holder's registration by
 * resident code and compared by name ({@link IdentityMatch#comparable}). A member the registration does not
 * hold is NOT_REGISTERED; a registered member the notice does not ask for is not sent. When the holder's
 * own answer is not FOUND, nothing about the household is sent (WITHHELD). Decided from the recorded
 * registration and the notice only, so a redelivered notice gets the same answer.
 */
final class HouseholdMembers {

    static final String NAME = IdentityMatch.NAME;

    private HouseholdMembers() {
    }

    /** A member not found, for the counter's report: resident code, status and what it means. */
    static String describe(Member m) {
        return m.residentCode() + " " + m.status() + ": " + switch (m.status()) {
            case NOT_REGISTERED -> "not among the household members of the card holder's registration";
            case MISMATCH -> "registered, but the name differs";
            case WITHHELD -> "not answered, since the card holder's own certificate info was not found";
            case FOUND -> "found";
        };
    }

    /**
     * Refuses household members that repeat a resident code or name the card holder: each person once.
     */
    static void requireDistinct(String holder, List<String> members) throws LegacyInputException {
        Set<String> seen = new HashSet<>();
        for (String code : members) {
            if (code.equals(holder)) {
                throw new LegacyInputException("HouseholdMember " + code + " is the card holder (ResidentCode) itself");
            }
            if (!seen.add(code)) {
                throw new LegacyInputException("HouseholdMember " + code + " is listed twice");
            }
        }
    }

    /** @param holders the card holder's registration when the answer is FOUND, else null */
    static List<Member> answer(TransferOutCertificate holders, List<FirstTransferInNotice.Member> asked) {
        if (holders == null) {
            return asked.stream().map(m -> Member.without(m.residentCode(), MemberStatus.WITHHELD, null)).toList();
        }
        Map<String, TransferOutCertificate.Member> registered = holders.householdMembers().stream()
                .collect(Collectors.toMap(TransferOutCertificate.Member::residentCode, Function.identity()));
        return asked.stream().map(m -> {
            TransferOutCertificate.Member r = registered.get(m.residentCode());
            if (r == null) {
                return Member.without(m.residentCode(), MemberStatus.NOT_REGISTERED, null);
            }
            if (!IdentityMatch.comparable(r.name()).equals(IdentityMatch.comparable(m.name()))) {
                return Member.without(m.residentCode(), MemberStatus.MISMATCH, List.of(NAME));
            }
            return Member.found(r);
        }).toList();
    }
}
