-- delivery_status by (message_id, recipient), not by message_id alone (issue 14): an answer's id is derived from
-- a message id a peer chose, so a row for one recipient must never stand in for, or block, the row for another.
ALTER TABLE delivery_status DROP CONSTRAINT delivery_status_pkey;
ALTER TABLE delivery_status ADD PRIMARY KEY (message_id, recipient);
