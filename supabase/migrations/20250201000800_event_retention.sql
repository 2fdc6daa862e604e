-- Event retention, and the `canceled` step status.
--
-- 1. Run events older than a configurable age are deleted, so a Free project's 500 MB holds
--    months of runs. ops.delete_old_run_events deletes the events of runs that finished more than
--    `p_older_than` ago (the executor's OPS_EVENT_RETENTION_DAYS, default 30), at most `p_limit`
--    rows per call, and marks a run whose log is gone with `events_removed_at`, so the viewer says
--    the log was removed by retention instead of showing an empty log. The run keeps everything
--    else: its summary, error, step results, last_seq, artifacts, approvals and audit entries. A
--    run that has not finished (running, queued, waiting for approval) keeps its whole log, however
--    old. The scheduled drain (the executor invoked by the service role without a run) calls it
--    once per invocation, after its runs; the next drain deletes the next batch.
--
--    ops.run_events stays in the supabase_realtime publication (older clients subscribe to its
--    INSERTs). A DELETE is sent only to subscribers of DELETE or `*` on the table (Realtime sends
--    deletes to every such subscriber, unfiltered); no client of this project subscribes to those,
--    the plugin and widget take events over Broadcast and older builds subscribed to INSERT only,
--    so the deletes reach nobody. The run's own row changes once, when its log is gone (one
--    Broadcast to its topic and its workspace's).
--
-- 2. A step the run was canceled in is recorded as `canceled` (it was left `running`):
--    ops.record_step_with_events takes that status too.
--
-- Who may do what:
-- - delete old events: the service role only (the executor's drain); users, anon and outsiders
--   may not call the function (no grant), and no role has a DELETE grant on ops.run_events;
-- - read events_removed_at: whoever may read the run (the runs policy); nobody but the function
--   sets it (runs_guard_columns refuses users every column but the title).

alter table ops.runs add column events_removed_at timestamptz;
comment on column ops.runs.events_removed_at is
  'When retention (ops.delete_old_run_events) deleted this finished run''s log; null while it is kept';

-- The runs whose logs retention has still to look at, oldest first.
create index runs_retention_pending on ops.runs (finished_at)
  where finished_at is not null and events_removed_at is null;

create function ops.delete_old_run_events(p_older_than interval default interval '30 days', p_limit int default 5000)
returns table (deleted_events int, emptied_runs int, more boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  cutoff timestamptz;
  v_deleted int;
  v_emptied int;
begin
  if p_older_than is null or p_older_than < interval '1 hour' then
    raise exception 'events are kept at least an hour after their run ends, got %', coalesce(p_older_than::text, 'null')
      using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 50000 then
    raise exception 'a retention batch deletes 1 to 50000 events, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  cutoff := now() - p_older_than;

  with doomed as (
    select e.id
    from ops.runs r
    join ops.run_events e on e.run_id = r.id
    where r.finished_at is not null and r.finished_at < cutoff and r.events_removed_at is null
    order by r.finished_at, e.seq
    limit p_limit
  )
  delete from ops.run_events e using doomed d where e.id = d.id;
  get diagnostics v_deleted = row_count;

  -- A run is marked once nothing of its log is left (at most a batch's worth of runs at a time).
  with emptied as (
    select r.id
    from ops.runs r
    where r.finished_at is not null and r.finished_at < cutoff and r.events_removed_at is null
      and not exists (select 1 from ops.run_events e where e.run_id = r.id)
    order by r.finished_at
    limit p_limit
  )
  update ops.runs r set events_removed_at = now() from emptied where r.id = emptied.id;
  get diagnostics v_emptied = row_count;

  return query
  select v_deleted, v_emptied,
         exists (
           select 1 from ops.runs r
           where r.finished_at is not null and r.finished_at < cutoff and r.events_removed_at is null
         );
end
$$;

revoke all on function ops.delete_old_run_events(interval, int) from public, anon, authenticated;
grant execute on function ops.delete_old_run_events(interval, int) to service_role;

-- The canceled step status: ops.record_step_with_events as 20250201000200_executor_budget.sql
-- defined it, with `canceled` among the statuses it takes.
create or replace function ops.record_step_with_events(
  p_run_id uuid,
  p_worker text,
  p_step_id text,
  p_result jsonb,
  p_events jsonb default '[]'::jsonb,
  p_batch_id uuid default null,
  p_lease_seconds int default 30
)
returns table (last_seq int, cancel_requested boolean)
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform ops.lock_leased_run(p_run_id, p_worker);
  if p_lease_seconds is null or p_lease_seconds not between 1 and 3600 then
    raise exception 'lease must be 1 to 3600 seconds, got %', p_lease_seconds using errcode = '22023';
  end if;
  if p_step_id is null or char_length(p_step_id) not between 1 and 100 then
    raise exception 'step id must be 1 to 100 characters' using errcode = '22023';
  end if;
  if jsonb_typeof(p_result) is distinct from 'object'
     or (p_result ->> 'status') not in ('running', 'succeeded', 'failed', 'skipped', 'canceled') then
    raise exception 'step result must be an object whose status is running, succeeded, failed, skipped or canceled'
      using errcode = '22023';
  end if;
  if jsonb_typeof(p_events) is distinct from 'array' then
    raise exception 'events must be a JSON array, got %', coalesce(jsonb_typeof(p_events), 'null')
      using errcode = '22023';
  end if;
  if jsonb_array_length(p_events) > 0 then
    perform ops.append_run_events(p_run_id, p_worker, p_events, p_batch_id);
  end if;
  return query
  update ops.runs r
  set step_results = r.step_results || jsonb_build_object(p_step_id, p_result),
      current_step = p_step_id,
      lease_expires_at = now() + make_interval(secs => p_lease_seconds)
  where r.id = p_run_id
  returning r.last_seq, r.cancel_requested;
end
$$;
