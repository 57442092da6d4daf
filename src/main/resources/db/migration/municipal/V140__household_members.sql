-- 世帯員に関する付記転出届 / 最初の世帯員に関する転入届 (household members in the special transfer,
-- 第6の5(1)(5)): a transfer-out certificate info registration may cover the card holder's household
-- members; a first transfer-in notice may ask for some of them. Code: org.jukibus.flow.specialtransfer.

-- Old municipality: the members of a registration (施行令 第24条の4 items of each member; the address,
-- household head, dates and new address are the registration's). Inserted with it, never changed.
CREATE TABLE transfer_out_certificate_member (
    certificate_id bigint       NOT NULL REFERENCES transfer_out_certificate (id),
    position       integer      NOT NULL,
    resident_code  char(11)     NOT NULL,
    name           varchar(100) NOT NULL,
    name_kana      varchar(100),
    birth_date     date         NOT NULL,
    sex            char(1)      NOT NULL CHECK (sex IN ('1', '2', '9')),
    relationship   varchar(50)  NOT NULL,
    PRIMARY KEY (certificate_id, position),
    UNIQUE (certificate_id, resident_code)
);

-- New municipality: the members a notice asked for (resident codes, comma-separated, in the notice's
-- order), so an answer must name exactly them.
ALTER TABLE first_transfer_in_sent ADD COLUMN member_codes varchar(1000);
