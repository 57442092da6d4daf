-- Issue 14: a peer's message id names a message only together with its sender.
--
-- certificate_info_answer: one answer per first transfer-in notice, i.e. per (notice message id, new
-- municipality = the notice's verified sender), so a municipality that used another's notice id first
-- neither takes nor blocks the other's answer (the answer's id already derives from both).
alter table certificate_info_answer drop constraint certificate_info_answer_notice_message_id_key;
alter table certificate_info_answer add constraint certificate_info_answer_notice unique (notice_message_id, new_municipality);

-- identity_record: the shared identity store (org.jukibus.flow.identity.IdentityStore) keys an update's
-- records by (message id, sender) on every role; here the sender is this node itself (its own updates).
alter table identity_record add column sender varchar(16);
update identity_record set sender = (select value from node_info where key = 'node.code') where message_id is not null;
alter table identity_record drop constraint identity_record_message_item;
alter table identity_record add constraint identity_record_message_item unique (message_id, sender, item_number);

-- certificate_copy_received: the home municipality's record of a certificate copy request is named by its message id
-- together with its sender, the issuing municipality: a request another municipality sent first under the same id
-- no longer makes this one count as recorded (it was skipped, and its answer then found no request).
alter table certificate_copy_received drop constraint certificate_copy_received_pkey;
alter table certificate_copy_received add primary key (message_id, issuing_municipality);
