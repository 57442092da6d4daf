-- Which changes of a change info message were handed on, as their positions in the message ("0,2,5"; no personal
-- data), fixed at its first attempt: a retry under the same message id must send the same selection even if the
-- holder register changed meanwhile, or an authority that already took the first attempt would drop the retry as a
-- duplicate and a newly added holder's change would be lost without a trace.
alter table ca_delivery add column selected text;
