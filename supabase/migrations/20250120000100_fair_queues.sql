-- Ops Control Room: fair queues.
--
-- Before this, the drain always took the oldest queued run, so one person's 20 queued runs held
-- everyone else's back, and nothing bounded how many runs one person or one team kept going.
--
-- Order. A claim without a run id takes turns: among the workspaces that have a queued run and a
-- free running slot, the one served least recently (never served first); in it, the starter
-- (runs.created_by) served least recently; that starter's oldest queued run. Only when no queued
-- run can be claimed does it take a run whose lease expired (a resumption), which needs no free
-- slot: it already holds one. ops.queue_turns remembers when each workspace and starter was last
-- served. Claims are serialized by one transaction-level advisory lock taken before any row lock,
-- so the turns and the running count are exact with any number of executors; the lock is held for
-- the few milliseconds of one claim, and its holder never waits for anything else (run rows are
-- locked with SKIP LOCKED), so no deadlock can form.
--
-- Limits (ops.deployment_settings, one row for the whole deployment):
--   max_running_per_workspace (default 5): runs of one workspace in status `running` at once. A
--     claim skips a full workspace; its runs stay queued, also when the plugin invokes the
--     executor for one of them by id, and are claimed when a slot frees. Five lets a team run a
--     few deploys and checks side by side while one team can never occupy every executor.
--     Runs in a wait step count (they are `running`); runs in `waiting_approval` do not (they hold
--     no lease and no executor).
--   max_active_per_starter (default 10): runs one person has `queued` or `running` in one
--     workspace. Inserting one more through the API fails with SQLSTATE PT429 (HTTP 429):
--     "You already have 10 runs queued or running in this workspace (the limit is 10); wait for
--     one to finish or cancel one". Ten is twice the running limit: a person can fill every slot
--     and still have the next batch waiting. `waiting_approval` runs do not count: they wait for
--     other people, not for the executor, and when approved they queue like any other run. The
--     limit binds users (role authenticated); the service role and direct database sessions (the
--     deployer's own tools) are not limited by it.
--
-- Who may change what: only the deployment's operator, with the service role (or as the database
-- owner): `select ops.set_queue_limits(10, 20);` or `update ops.deployment_settings set …`.
-- Members, workspace admins included, read the limits and cannot change them: fairness is across
-- workspaces, so no workspace raises its own. ops.queue_turns is written only by the claim and
-- by the trigger on ops.runs; the service role may read it, users may not.

-- ===========================================================================================
-- Settings
-- ===========================================================================================

alter table ops.deployment_settings
  add column max_running_per_workspace int not null default 5
    constraint deployment_settings_max_running_range check (max_running_per_workspace between 1 and 1000),
  add column max_active_per_starter int not null default 10
    constraint deployment_settings_max_active_range check (max_active_per_starter between 1 and 10000);
comment on column ops.deployment_settings.max_running_per_workspace is
  'Runs of one workspace running at once; a full workspace''s runs stay queued until one finishes';
comment on column ops.deployment_settings.max_active_per_starter is
  'Runs one person may have queued or running in one workspace; one more is refused at insert (PT429)';

-- Changes either limit (null keeps it) and returns the settings. Service role only.
create function ops.set_queue_limits(p_max_running_per_workspace int default null, p_max_active_per_starter int default null)
returns ops.deployment_settings
language plpgsql
security definer
set search_path = ''
as $$
declare
  s ops.deployment_settings;
begin
  if p_max_running_per_workspace is not null and p_max_running_per_workspace not between 1 and 1000 then
    raise exception 'max_running_per_workspace must be 1 to 1000, got %', p_max_running_per_workspace using errcode = '22023';
  end if;
  if p_max_active_per_starter is not null and p_max_active_per_starter not between 1 and 10000 then
    raise exception 'max_active_per_starter must be 1 to 10000, got %', p_max_active_per_starter using errcode = '22023';
  end if;
  update ops.deployment_settings
  set max_running_per_workspace = coalesce(p_max_running_per_workspace, max_running_per_workspace),
      max_active_per_starter = coalesce(p_max_active_per_starter, max_active_per_starter)
  returning * into s;
  return s;
end
$$;

-- ===========================================================================================
-- Whose turn it is
-- ===========================================================================================

-- One row per workspace and starter that ever queued a run there: the directory of queues the
-- claim walks, and when each was last served (null: never).
create table ops.queue_turns (
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  started_by uuid not null references auth.users (id) on delete cascade,
  served_at timestamptz,
  primary key (workspace_id, started_by)
);
comment on table ops.queue_turns is 'When each starter''s queue in each workspace was last served; the claim takes turns by it';
create index queue_turns_served_idx on ops.queue_turns (workspace_id, served_at);

insert into ops.queue_turns (workspace_id, started_by)
select distinct workspace_id, created_by from ops.runs
on conflict do nothing;

-- A starter's queued runs, oldest first, and the running runs of a workspace (and of a starter in
-- it): the lookups of every claim and insert.
create index runs_queued_by_starter_idx on ops.runs (workspace_id, created_by, created_at) where status = 'queued';
create index runs_running_by_starter_idx on ops.runs (workspace_id, created_by) where status = 'running';

-- Runs of the workspace holding a running slot (expired leases included: they are resumed, not
-- replaced). Internal.
create function ops.running_in_workspace(p_workspace uuid) returns int
language sql stable
set search_path = ''
as $$
  select count(*)::int from ops.runs where workspace_id = p_workspace and status = 'running'
$$;

-- ===========================================================================================
-- Starting a run: register its queue, and hold a person to their limit
-- ===========================================================================================

-- Every run's queue is in ops.queue_turns, also when the service role moves a run (users cannot):
-- a queue missing there would never get a turn. Named to run after runs_pin_template (triggers
-- fire in name order), which fills in the workspace. The advisory lock makes two simultaneous
-- inserts of one person count each other.
create function ops.enqueue_run() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  max_active int;
  active int;
begin
  insert into ops.queue_turns (workspace_id, started_by) values (new.workspace_id, new.created_by)
  on conflict do nothing;
  if tg_op <> 'INSERT' then
    return new;
  end if;
  -- Users only, and only for themselves (anything else is refused by row-level security next).
  if new.status not in ('queued', 'running') or coalesce(auth.role(), '') <> 'authenticated'
     or new.created_by is distinct from auth.uid() then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('ops.runs active ' || new.workspace_id || ' ' || new.created_by, 0));
  select s.max_active_per_starter into max_active from ops.deployment_settings s;
  select count(*)::int into active from ops.runs
  where workspace_id = new.workspace_id and created_by = new.created_by and status in ('queued', 'running');
  if active >= max_active then
    raise exception 'You already have % runs queued or running in this workspace (the limit is %); wait for one to finish or cancel one',
      active, max_active
      using errcode = 'PT429',
            hint = 'The deployment sets this limit (ops.deployment_settings.max_active_per_starter); runs waiting for approval do not count.';
  end if;
  return new;
end
$$;

create trigger runs_queue_limit before insert or update of workspace_id, created_by on ops.runs
  for each row execute function ops.enqueue_run();

-- ===========================================================================================
-- Claiming in turns
-- ===========================================================================================

-- Replaces the claim of 20250103000000_ops_schema.sql (same signature and result): the given run
-- if it is claimable now (queued in a workspace with a free slot, or its lease expired), else a
-- queued run chosen in turns (see the top of this file), else the run whose lease expired longest
-- ago. A given run id is never swapped for another run: the caller asked for that one.
create or replace function ops.claim_run(p_worker text, p_run_id uuid default null, p_lease_seconds int default 30)
returns setof ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  max_running int;
  claimed_id uuid;
  was_queued boolean := false;
  ws record;
  starter record;
begin
  if p_worker is null or char_length(p_worker) not between 1 and 200 then
    raise exception 'worker id must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_lease_seconds is null or p_lease_seconds not between 1 and 3600 then
    raise exception 'lease must be 1 to 3600 seconds, got %', p_lease_seconds using errcode = '22023';
  end if;

  -- One claim at a time across the deployment, before any row lock (see the top of this file).
  perform pg_advisory_xact_lock(hashtextextended('ops.claim_run', 0));
  select s.max_running_per_workspace into max_running from ops.deployment_settings s;

  if p_run_id is not null then
    select r.id, r.status = 'queued' into claimed_id, was_queued from ops.runs r
    where r.id = p_run_id
      and ((r.status = 'queued' and ops.running_in_workspace(r.workspace_id) < max_running)
           or (r.status = 'running' and r.lease_expires_at < now()))
    for update skip locked;
  else
    <<turns>>
    for ws in
      select t.workspace_id, max(t.served_at) as served_at
      from ops.queue_turns t
      where exists (select 1 from ops.runs r where r.workspace_id = t.workspace_id and r.created_by = t.started_by and r.status = 'queued')
      group by t.workspace_id
      order by max(t.served_at) nulls first, t.workspace_id
    loop
      continue when ops.running_in_workspace(ws.workspace_id) >= max_running;
      for starter in
        select t.started_by from ops.queue_turns t
        where t.workspace_id = ws.workspace_id
          and exists (select 1 from ops.runs r where r.workspace_id = t.workspace_id and r.created_by = t.started_by and r.status = 'queued')
        order by t.served_at nulls first, t.started_by
      loop
        select r.id into claimed_id from ops.runs r
        where r.workspace_id = ws.workspace_id and r.created_by = starter.started_by and r.status = 'queued'
        order by r.created_at, r.id
        limit 1
        for update skip locked;
        if claimed_id is not null then
          was_queued := true;
          exit turns;
        end if;
      end loop;
    end loop;
    if claimed_id is null then
      select r.id into claimed_id from ops.runs r
      where r.status = 'running' and r.lease_expires_at < now()
      order by r.lease_expires_at
      limit 1
      for update skip locked;
    end if;
  end if;

  if claimed_id is null then
    return;
  end if;

  if was_queued then
    insert into ops.queue_turns (workspace_id, started_by, served_at)
    select r.workspace_id, r.created_by, clock_timestamp() from ops.runs r where r.id = claimed_id
    on conflict (workspace_id, started_by) do update set served_at = excluded.served_at;
  end if;

  return query
  update ops.runs
  set status = 'running',
      claimed_by = p_worker,
      lease_expires_at = now() + make_interval(secs => p_lease_seconds),
      attempt = attempt + 1,
      started_at = coalesce(started_at, now())
  where id = claimed_id
  returning *;
end
$$;

-- Whether a claim without a run id would find something now: a queued run in a workspace with a
-- free slot, or an expired lease. The drain asks this before invoking the executor, so runs that
-- only wait for a slot do not wake it every tick. Service role only.
create function ops.has_claimable_run() returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select exists (select 1 from ops.runs r where r.status = 'running' and r.lease_expires_at < now())
      or exists (
        select 1 from ops.queue_turns t
        where exists (select 1 from ops.runs r where r.workspace_id = t.workspace_id and r.created_by = t.started_by and r.status = 'queued')
          and ops.running_in_workspace(t.workspace_id) < (select s.max_running_per_workspace from ops.deployment_settings s)
      )
$$;

-- Why ops.claim_run(worker, p_run_id) would not claim this run now, in a sentence for the
-- executor's report; null when it would. Service role only.
create function ops.why_not_claimable(p_run_id uuid) returns text
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  r ops.runs;
  max_running int := (select s.max_running_per_workspace from ops.deployment_settings s);
  running int;
begin
  select * into r from ops.runs where id = p_run_id;
  if not found then
    return 'The run does not exist';
  end if;
  if r.status in ('success', 'error', 'canceled') then
    return format('The run has already finished (%s)', r.status);
  end if;
  if r.status = 'waiting_approval' then
    return 'The run is waiting for approval; it is queued again once approved';
  end if;
  if r.status = 'running' and r.lease_expires_at >= now() then
    return format('The run is being executed by %s (its lease ends at %s)', r.claimed_by, r.lease_expires_at);
  end if;
  if r.status = 'queued' then
    running := ops.running_in_workspace(r.workspace_id);
    if running >= max_running then
      return format('The run stays queued: its workspace already has %s runs running (the limit is %s); it starts when one of them finishes',
        running, max_running);
    end if;
  end if;
  return null;
end
$$;

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================

revoke all on ops.queue_turns from public, anon, authenticated, service_role;
grant select on ops.queue_turns to service_role;
alter table ops.queue_turns enable row level security;

revoke execute on function ops.set_queue_limits(int, int), ops.running_in_workspace(uuid), ops.enqueue_run(),
  ops.has_claimable_run(), ops.why_not_claimable(uuid) from public, anon, authenticated, service_role;
grant execute on function ops.claim_run(text, uuid, int) to service_role;
grant execute on function ops.set_queue_limits(int, int) to service_role;
grant execute on function ops.has_claimable_run() to service_role;
grant execute on function ops.why_not_claimable(uuid) to service_role;
