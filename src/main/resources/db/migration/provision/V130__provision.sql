-- Provision of identity information (本人確認情報の提供, 第6の8) to requesters (国の機関等, and for a
-- prefecture the other bodies it provides to), as org.jukibus.provision keeps it. The same tables on
-- prefecture and central nodes (both provide; the migration folders are per role).

-- Who may query: registered by an operator (jukibus provision register-requester); the requester's
-- certificate (OU=requester, CN=<id>) maps to the id.
create table provision_requester (
    id            varchar(64)  primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name          varchar(128) not null,
    registered_at timestamptz  not null,
    registered_by varchar(256) not null
);

-- The purposes (事務) a requester may query for; a query naming any other purpose is refused.
create table provision_purpose (
    requester_id  varchar(64)  not null references provision_requester (id),
    purpose       varchar(64)  not null,
    registered_at timestamptz  not null,
    registered_by varchar(256) not null,
    primary key (requester_id, purpose)
);

-- The provision log (本人確認情報の提供の状況, 第6の8(5)): one row per person per provision, kept for
-- disclosure to that person (自己情報の開示) and erased after jukibus.provision.log-retention.
create table provision_log (
    id            bigint generated always as identity primary key,
    resident_code varchar(11)  not null check (resident_code ~ '^[0-9]{11}$'),
    requester_id  varchar(64)  not null,
    purpose       varchar(64)  not null,
    items         varchar(256) not null,
    query_id      varchar(64)  not null,
    provided_at   timestamptz  not null
);

create index provision_log_by_resident on provision_log (resident_code, provided_at);
create index provision_log_by_time on provision_log (provided_at);

-- Approvals of bulk provision (大量のデータの出力, 第4の8(2)カ): recorded before a query for more than
-- one person is answered; a query beyond max_persons or outside the validity is refused.
create table provision_bulk_approval (
    id           bigint generated always as identity primary key,
    requester_id varchar(64)  not null references provision_requester (id),
    purpose      varchar(64)  not null,
    max_persons  integer      not null check (max_persons > 1),
    valid_from   timestamptz  not null,
    valid_until  timestamptz  not null check (valid_until > valid_from),
    approved_by  varchar(256) not null,
    recorded_by  varchar(256) not null,
    recorded_at  timestamptz  not null
);

create index provision_bulk_approval_by_requester on provision_bulk_approval (requester_id, purpose, valid_until);
