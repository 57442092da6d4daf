-- 電子証明書の発行を受けている者 (certificate holders, 第1の5, 第6の8(6)): the liaison node hands on
-- change info of these residents only. Fed by the certification authority over the liaison's mutual-TLS
-- link (schemas/certificate-holders.xsd, docs/provision.md): a feed of numbered changes, applied in order.
create table certificate_holder (
    resident_code char(11)    primary key,
    -- the feed change that made the resident a holder
    since_seq     bigint      not null,
    recorded_at   timestamptz not null
);

-- how far the feed has been applied; one row
create table certificate_holder_feed (
    id           integer     primary key check (id = 1),
    last_seq     bigint      not null,
    refreshed_at timestamptz
);
insert into certificate_holder_feed (id, last_seq) values (1, 0);

-- change info of residents who hold no certificate is counted, not sent: a message may hold none to send
alter table ca_delivery drop constraint ca_delivery_entries_check;
alter table ca_delivery add constraint ca_delivery_entries_check check (entries >= 0);
alter table ca_delivery add column withheld integer not null default 0 check (withheld >= 0);
