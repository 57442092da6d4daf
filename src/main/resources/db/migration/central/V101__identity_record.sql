-- 本人確認情報 (identity information) of the whole nation, as central (指定情報処理機関) keeps it
-- (第6の6(3)): the same items and history rule as the prefecture's table (prefecture/V100), filled
-- from the identity updates delegating prefectures forward (issue #4); provision to national
-- agencies (第6の8) reads it.
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
