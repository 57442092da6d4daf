-- 転入転出の特例 (special transfer with the resident card, standard 第6の5), municipal node.
-- History is kept: rows are inserted, never updated or deleted (the legacy system's corrections
-- are new rows). Every insert is idempotent, so a file or message handled again after a crash
-- adds nothing. Code: org.jukibus.flow.specialtransfer.

-- The card register: each issue, return and invalidation of a resident card (住民基本台帳カード).
-- A card's state is its latest event (by status date, then by registration order).
CREATE TABLE resident_card_event (
    id            bigserial   PRIMARY KEY,
    resident_code char(11)    NOT NULL,
    card_number   varchar(20) NOT NULL,
    status        varchar(12) NOT NULL CHECK (status IN ('ISSUED', 'RETURNED', 'INVALIDATED')),
    status_date   date        NOT NULL,
    registered_at timestamptz NOT NULL,
    source_file   text        NOT NULL,
    UNIQUE (card_number, status, status_date)
);
CREATE INDEX resident_card_event_resident ON resident_card_event (resident_code);

-- 転出証明書情報 (第6の5(2), 施行令 第24条の4): every registration; the latest for a resident code
-- (highest id) is the one answered with. A registration id is registered once.
CREATE TABLE transfer_out_certificate (
    id                        bigserial    PRIMARY KEY,
    registration_id           varchar(64)  NOT NULL UNIQUE,
    resident_code             char(11)     NOT NULL,
    name                      varchar(100) NOT NULL,
    name_kana                 varchar(100),
    birth_date                date         NOT NULL,
    sex                       char(1)      NOT NULL CHECK (sex IN ('1', '2', '9')),
    address                   varchar(200) NOT NULL,
    household_head            varchar(100) NOT NULL,
    relationship              varchar(50)  NOT NULL,
    planned_transfer_out_date date         NOT NULL,
    new_address               varchar(200) NOT NULL,
    card_number               varchar(20)  NOT NULL,
    old_municipality          char(6)      NOT NULL,
    planned_new_municipality  char(6),
    registered_at             timestamptz  NOT NULL,
    source_file               text         NOT NULL
);
CREATE INDEX transfer_out_certificate_resident ON transfer_out_certificate (resident_code, id);

-- Old municipality: every transfer-out certificate info it answered a first transfer-in notice
-- with (第6の5(4)): to whom, when, under which message id, and which registration it sent.
-- One answer per notice: a redelivered notice gets the recorded answer again.
CREATE TABLE certificate_info_answer (
    answer_message_id varchar(36) PRIMARY KEY,
    notice_message_id varchar(36) NOT NULL UNIQUE,
    notice_id         varchar(64) NOT NULL,
    new_municipality  char(6)     NOT NULL,
    resident_code     char(11)    NOT NULL,
    status            varchar(16) NOT NULL CHECK (status IN ('FOUND', 'NOT_REGISTERED', 'MISMATCH')),
    certificate_id    bigint      REFERENCES transfer_out_certificate (id),
    mismatched_items  varchar(40),
    answered_at       timestamptz NOT NULL,
    CHECK ((status = 'FOUND') = (certificate_id IS NOT NULL))
);
CREATE INDEX certificate_info_answer_resident ON certificate_info_answer (resident_code);

-- New municipality: the first transfer-in notices it sent (第6の5(3)) and the answers that came
-- back; an answer must answer a notice sent to the node that answers.
CREATE TABLE first_transfer_in_sent (
    message_id       varchar(36) PRIMARY KEY,
    notice_id        varchar(64) NOT NULL,
    resident_code    char(11)    NOT NULL,
    old_municipality char(6)     NOT NULL,
    queued_at        timestamptz NOT NULL
);

CREATE TABLE certificate_info_received (
    message_id        varchar(36) PRIMARY KEY,
    notice_message_id varchar(36) NOT NULL REFERENCES first_transfer_in_sent (message_id),
    old_municipality  char(6)     NOT NULL,
    status            varchar(16) NOT NULL CHECK (status IN ('FOUND', 'NOT_REGISTERED', 'MISMATCH')),
    received_at       timestamptz NOT NULL
);
