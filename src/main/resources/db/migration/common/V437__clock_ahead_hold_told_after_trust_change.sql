-- What a held envelope's sender must be told if its put-back copy no longer opens (flow.ClockAheadHold#heldAs): its
-- sender left the directory or changed its certificate during the hold (UNKNOWN_SENDER, BAD_SIGNATURE), or this
-- node's key rolled (UNDECRYPTABLE). Then no signed header exists at the refusal; the row's, verified when it was
-- held, names the message. NULL on rows held before this migration: their copy is refused as before (nothing told).
-- put_backs: how often the row was put back, part of the copy's broker duplicate id (ClockAheadRelease), so that a
-- batch put back again after a failed "released" write is dropped by the broker, and a row held again after an early
-- put-back (the clock moved back) goes back once more.
ALTER TABLE clock_ahead_hold ADD COLUMN message_type TEXT;
ALTER TABLE clock_ahead_hold ADD COLUMN recipient TEXT;
ALTER TABLE clock_ahead_hold ADD COLUMN put_backs INTEGER NOT NULL DEFAULT 0;
