-- The SHA-256 (hex) of the envelope this node sent (org.jukibus.flow.nondelivery.SentMessages): a receipt names
-- the digest of the envelope its recipient received, and the sender takes it as delivery only if the two agree.
-- Null for rows recorded before this migration (their receipts are taken as before).
ALTER TABLE delivery_status ADD COLUMN envelope_sha256 VARCHAR(64);
