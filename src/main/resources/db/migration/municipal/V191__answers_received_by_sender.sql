-- Issue 14: the answers this node received are named by their message id together with their sender, like every
-- other record of a peer's message (V190): an answer another municipality sent first under the same id no longer
-- keeps the real answer out of the record of what arrived.
alter table certificate_info_received drop constraint certificate_info_received_pkey;
alter table certificate_info_received add primary key (message_id, old_municipality);
alter table certificate_copy_reply_received drop constraint certificate_copy_reply_received_pkey;
alter table certificate_copy_reply_received add primary key (message_id, home_municipality);
