-- Every answered provision query (第4の8(2)カ, 第6の8(5)), for the per-requester limits that keep many single-person
-- queries from getting round the approval of bulk output (org.jukibus.provision.ProvisionLimits): how many queries a
-- requester made in the last minute and how many persons it asked for in the last 24 hours. Erased with the
-- provision log (jukibus.provision.log-retention).
create table provision_query (
    id           bigint generated always as identity primary key,
    requester_id varchar(64) not null,
    query_id     varchar(64) not null,
    persons      integer     not null check (persons > 0),
    bulk         boolean     not null,
    queried_at   timestamptz not null
);

create index provision_query_by_requester on provision_query (requester_id, queried_at);
