-- The cutoff each outage-window purge last used (flow.PurgeCutoff): a purge moves it on by at most twice the time
-- that passed since the last one (monotonic time), so a host clock that jumps forward (by 40 days, say) does not make
-- the hourly purge forget delivered ids that are back inside the window once the clock is set right: a replay or
-- redelivery of one would then be delivered twice. One row per purge.
create table purge_cutoff (
    purge  text primary key,
    cutoff timestamptz not null
);
