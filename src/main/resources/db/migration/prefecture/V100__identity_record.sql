-- 本人確認情報 (identity information) of the prefecture's residents, as the prefecture node keeps it
-- (第6の6(2)): resident code, name, birth date, sex, address and the change that produced the record
-- (異動事由, 異動年月日). Issue #4's identity-info flow fills this table; the transfer-out confirmation
-- (第6の3(2), V101) notes transfers against it.
--
-- History is kept: a new record for a person supersedes the current one (superseded_at and
-- superseded_by are set on the old row), it never overwrites it. Erasure (第6の7) works on
-- superseded_at. At most one record per person is current (superseded_at is null).
create table identity_record (
    id                bigint generated always as identity primary key,
    resident_code     varchar(11)  not null check (resident_code ~ '^[0-9]{11}$'),
    name              varchar(100) not null,
    name_kana         varchar(100),
    birth_date        date         not null,
    sex               char(1)      not null check (sex in ('1', '2', '9')),
    address           varchar(200) not null,
    change_reason     varchar(32)  not null,
    change_date       date         not null,
    municipality_code varchar(6)   not null check (municipality_code ~ '^[0-9]{6}$'),
    -- the identity update that brought this record (null when it came otherwise, e.g. an initial load);
    -- unique, so that a redelivered update adds nothing
    message_id        varchar(36)  unique,
    recorded_at       timestamptz  not null,
    superseded_at     timestamptz,
    superseded_by     bigint references identity_record (id)
);

create unique index identity_record_current on identity_record (resident_code) where superseded_at is null;
create index identity_record_by_resident on identity_record (resident_code, recorded_at);
