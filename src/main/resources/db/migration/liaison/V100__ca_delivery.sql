-- 異動等情報 (change info, 第6の8(6)) handed on to the designated certification authority: one row
-- per change-info message received from central. Written on every attempt (the HTTP status of the
-- last one, how many), delivered_at once the authority accepted it; a redelivered message already
-- delivered is not sent again.
create table ca_delivery (
    message_id    varchar(36)  primary key,
    entries       integer      not null check (entries > 0),
    -- SHA-256 (hex) of the last body sent: the envelope sealed for the authority (each attempt is sealed anew)
    sent_sha256   char(64),
    -- HTTP status of the last attempt; null when it got no answer (connection refused, timeout)
    http_status   integer,
    last_error    varchar(1000),
    attempts      integer      not null default 0,
    first_seen_at timestamptz  not null,
    delivered_at  timestamptz
);

create index ca_delivery_undelivered on ca_delivery (first_seen_at) where delivered_at is null;
