-- 住民票の写しの交付の特例 (certificate copy issued elsewhere, standard 第6の4).
-- Rows are never deleted; a request's state moves PENDING -> ANSWERED or PENDING -> TIMED_OUT once.

-- Requests this municipality sent as the issuing municipality (交付地市町村).
CREATE TABLE certificate_copy_sent (
    message_id        text        PRIMARY KEY,          -- the request envelope's id; replies carry it as correlation id
    request_id        text        NOT NULL,             -- the issuing system's id of the request
    home_municipality text        NOT NULL,
    sent_at           timestamptz NOT NULL,
    answer_deadline   timestamptz NOT NULL,
    state             text        NOT NULL CHECK (state IN ('PENDING', 'ANSWERED', 'TIMED_OUT')),
    answered_at       timestamptz,
    reply_message_id  text,
    timed_out_at      timestamptz,
    CHECK ((state = 'ANSWERED') = (reply_message_id IS NOT NULL)),
    CHECK ((state = 'TIMED_OUT') = (timed_out_at IS NOT NULL))
);
-- one pending request per request id; an id may be used again once its request is answered or timed out
CREATE UNIQUE INDEX certificate_copy_sent_one_pending ON certificate_copy_sent (request_id) WHERE state = 'PENDING';
CREATE INDEX certificate_copy_sent_deadline ON certificate_copy_sent (answer_deadline) WHERE state = 'PENDING';

-- Every reply that reached this node as the issuing municipality, and what became of it.
CREATE TABLE certificate_copy_reply_received (
    message_id         text        PRIMARY KEY,
    request_message_id text,                            -- the envelope's correlation id, as sent
    request_id         text        NOT NULL,
    home_municipality  text        NOT NULL,
    received_at        timestamptz NOT NULL,
    outcome            text        NOT NULL CHECK (outcome IN ('ANSWERED', 'LATE', 'UNEXPECTED')),
    problem            text                             -- why a LATE or UNEXPECTED reply went to legacy/error/
);

-- Requests this municipality received as the home municipality (住所地市町村), with what they asked for:
-- the reply may not show more than that.
CREATE TABLE certificate_copy_received (
    message_id           text        PRIMARY KEY,
    request_id           text        NOT NULL,
    issuing_municipality text        NOT NULL,
    received_at          timestamptz NOT NULL,
    scope                text        NOT NULL CHECK (scope IN ('requester', 'household')),
    household_head       boolean     NOT NULL,
    resident_code        boolean     NOT NULL,
    answered_at          timestamptz,
    reply_message_id     text,
    CHECK ((answered_at IS NULL) = (reply_message_id IS NULL))
);
CREATE INDEX certificate_copy_received_request ON certificate_copy_received (issuing_municipality, request_id);
