-- The prefecture's own use of identity information (本人確認情報の利用, 第6の8(5)ア): a body of the prefecture itself
-- registered as a requester for its own use; what it received is in the provision log as used, not provided, so
-- that a person's disclosure request shows both. Central registers none (the column is shared code's).
alter table provision_requester add column own_use boolean not null default false;
alter table provision_log add column own_use boolean not null default false;
