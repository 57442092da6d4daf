-- Issue 14: an identity update's message id is its sender's choice, so it names an update only together
-- with its sender. Keyed by the id alone, a peer that used another peer's id first would decide what
-- became of the other's update (refused, or answered with the first one's list). Now the update-count
-- list and the records an update brought are keyed by (message id, sender): two senders with the same
-- id are each recorded and answered on their own.
alter table identity_update_received drop constraint identity_update_received_pkey;
alter table identity_update_received add primary key (message_id, sender);

-- the verified sender of the update that brought the record (null when it came otherwise)
alter table identity_record add column sender varchar(16);
update identity_record r set sender = u.sender from identity_update_received u where r.message_id = u.message_id;
alter table identity_record drop constraint identity_record_message_item;
alter table identity_record add constraint identity_record_message_item unique (message_id, sender, item_number);

-- transfer_out_annotation: a transfer-out confirmation is named by its message id together with its sender, the
-- old municipality (OldMunicipality is checked against the envelope's signer): another municipality that used the
-- id first no longer makes the real confirmation count as noted before.
alter table transfer_out_annotation drop constraint transfer_out_annotation_confirmation_message_id_key;
alter table transfer_out_annotation add constraint transfer_out_annotation_confirmation unique (confirmation_message_id, old_municipality);
