-- Ops Control Room: the `ops` schema.
--
-- Runs of runbook templates, their append-only event log and artifacts, the templates themselves
-- and the Spec Kit documents, with row-level security, the SQL functions the executor and the
-- plugin call, the realtime publication and seed data. Apply with `supabase db push`; add `ops` to
-- the API's exposed schemas. Later changes go into new migration files, never into this one.

create schema if not exists ops;
comment on schema ops is 'Ops Control Room: runbook runs, events, artifacts, templates and Spec Kit docs';

-- ===========================================================================================
-- Tables
-- ===========================================================================================

create table ops.run_templates (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint run_templates_slug_format check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  title text not null
    constraint run_templates_title_length check (char_length(title) between 1 and 200),
  description text not null default ''
    constraint run_templates_description_length check (char_length(description) <= 2000),
  kind text not null
    constraint run_templates_kind_format check (kind ~ '^[a-z][a-z0-9_-]{0,31}$'),
  template_yaml text not null
    constraint run_templates_yaml_size check (octet_length(template_yaml) <= 262144),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid default auth.uid() references auth.users (id) on delete set null
);
comment on table ops.run_templates is 'Runbook templates (YAML, version 1) that runs are made from';

create table ops.runs (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- A deleted template must not take its runs' history with it.
  template_slug text references ops.run_templates (slug) on update cascade on delete set null,
  kind text not null default 'custom'
    constraint runs_kind_format check (kind ~ '^[a-z][a-z0-9_-]{0,31}$'),
  env text not null default 'staging'
    constraint runs_env_format check (env ~ '^[a-z][a-z0-9_-]{0,31}$'),
  title text not null
    constraint runs_title_length check (char_length(title) between 1 and 300),
  intent text
    constraint runs_intent_length check (char_length(intent) <= 2000),
  inputs jsonb not null default '{}'::jsonb
    constraint runs_inputs_object check (jsonb_typeof(inputs) = 'object' and octet_length(inputs::text) <= 65536),
  plan jsonb,
  dry_run boolean not null default false,
  status text not null default 'queued'
    constraint runs_status_valid check (status in ('queued', 'running', 'waiting_approval', 'success', 'error', 'canceled')),
  cancel_requested boolean not null default false,
  attempt int not null default 0 constraint runs_attempt_nonnegative check (attempt >= 0),
  claimed_by text,
  lease_expires_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  summary text,
  error text,
  last_seq int not null default 0 constraint runs_last_seq_nonnegative check (last_seq >= 0),
  last_batch_id uuid,
  current_step text,
  step_results jsonb not null default '{}'::jsonb
    constraint runs_step_results_object check (jsonb_typeof(step_results) = 'object'),
  constraint runs_finished_when_terminal
    check ((status in ('success', 'error', 'canceled')) = (finished_at is not null)),
  constraint runs_lease_when_running
    check (status <> 'running' or (claimed_by is not null and lease_expires_at is not null))
);
comment on table ops.runs is 'One execution of a runbook template; status changes stream to the plugin over realtime';
comment on column ops.runs.last_seq is 'The seq of the run''s newest event; ops.append_run_events assigns the next ones';
comment on column ops.runs.step_results is 'Per step id: {status, attempt, started_at, finished_at, …}; a resumed run skips succeeded steps';

-- The Runs tab lists a user's runs newest first.
create index runs_created_by_created_at_idx on ops.runs (created_by, created_at desc);
-- Claiming reads the oldest queued run, then the oldest expired lease; partial indexes keep both
-- lookups small however long the history grows.
create index runs_queued_idx on ops.runs (created_at) where status = 'queued';
create index runs_running_lease_idx on ops.runs (lease_expires_at) where status = 'running';

create table ops.run_events (
  id bigint generated always as identity primary key,
  run_id uuid not null references ops.runs (id) on delete cascade,
  seq int not null constraint run_events_seq_positive check (seq > 0),
  ts timestamptz not null default now(),
  level text not null default 'info'
    constraint run_events_level_valid check (level in ('debug', 'info', 'warn', 'error')),
  source text not null default 'executor'
    constraint run_events_source_length check (char_length(source) between 1 and 100),
  phase text
    constraint run_events_phase_valid check (phase in ('validate', 'preflight', 'execute', 'verify', 'summarize')),
  step_id text constraint run_events_step_id_length check (char_length(step_id) <= 100),
  message text not null constraint run_events_message_length check (char_length(message) <= 65536),
  data jsonb constraint run_events_data_size check (octet_length(data::text) <= 65536),
  -- Also the index for reading a run's log in order and for backfilling after a seq.
  constraint run_events_run_seq_unique unique (run_id, seq)
);
comment on table ops.run_events is 'Append-only log of a run; seq is 1..N per run with no gaps';

create table ops.artifacts (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null references ops.runs (id) on delete cascade,
  created_at timestamptz not null default now(),
  -- Lets a resumed step write its artifact again without duplicating it.
  key text not null default gen_random_uuid()::text
    constraint artifacts_key_length check (char_length(key) between 1 and 200),
  step_id text constraint artifacts_step_id_length check (char_length(step_id) <= 100),
  kind text not null constraint artifacts_kind_valid check (kind in ('link', 'diff', 'file')),
  title text not null constraint artifacts_title_length check (char_length(title) between 1 and 300),
  -- Only web links: a javascript: or data: URL must never reach a link in the UI.
  url text constraint artifacts_url_http check (url ~* '^https?://'),
  content text constraint artifacts_content_size check (octet_length(content) <= 1048576),
  mime text constraint artifacts_mime_length check (char_length(mime) <= 200),
  size int constraint artifacts_size_nonnegative check (size >= 0),
  constraint artifacts_link_has_url check (kind <> 'link' or url is not null),
  constraint artifacts_body_has_content check (kind = 'link' or content is not null),
  constraint artifacts_run_key_unique unique (run_id, key)
);
comment on table ops.artifacts is 'Links, diffs and small files a run produced';
create index artifacts_run_id_created_at_idx on ops.artifacts (run_id, created_at);

create table ops.spec_docs (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint spec_docs_slug_format check (slug ~ '^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$' and char_length(slug) <= 200),
  title text not null constraint spec_docs_title_length check (char_length(title) between 1 and 200),
  content text not null default ''
    constraint spec_docs_content_size check (octet_length(content) <= 1048576),
  version int not null default 1 constraint spec_docs_version_positive check (version > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid default auth.uid() references auth.users (id) on delete set null
);
comment on table ops.spec_docs is 'Spec Kit documents; version is the optimistic-concurrency token of ops.save_spec_doc';

create table ops.spec_doc_revisions (
  id bigint generated always as identity primary key,
  doc_id uuid not null references ops.spec_docs (id) on delete cascade,
  version int not null,
  title text not null,
  content text not null,
  -- When and by whom this version had been saved.
  saved_at timestamptz not null,
  saved_by uuid references auth.users (id) on delete set null,
  constraint spec_doc_revisions_doc_version_unique unique (doc_id, version)
);
comment on table ops.spec_doc_revisions is 'Every superseded version of a spec doc, so no edit is ever lost';

-- ===========================================================================================
-- Triggers
-- ===========================================================================================

create function ops.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger runs_touch_updated_at before update on ops.runs
  for each row execute function ops.touch_updated_at();
create trigger run_templates_touch_updated_at before update on ops.run_templates
  for each row execute function ops.touch_updated_at();

-- Users may create runs and rename them; everything else on a run belongs to the executor and
-- changes only through the SQL functions below (which run as their owner). Column grants alone
-- would refuse with "permission denied for table runs"; this says which column and what to use.
create function ops.guard_run_columns() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  changed text[];
begin
  if current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  if tg_op = 'INSERT' then
    if new.status <> 'queued' or new.cancel_requested or new.attempt <> 0 or new.claimed_by is not null
       or new.lease_expires_at is not null or new.started_at is not null or new.finished_at is not null
       or new.summary is not null or new.error is not null or new.last_seq <> 0 or new.last_batch_id is not null
       or new.current_step is not null or new.step_results <> '{}'::jsonb or new.plan is not null then
      raise exception 'a new run starts queued: status, plan, lease, progress and result columns are set by the executor'
        using errcode = '42501',
              hint = 'Insert only template_slug, kind, env, title, intent, inputs and dry_run.';
    end if;
    return new;
  end if;
  select array_agg(o.key order by o.key) into changed
  from jsonb_each(to_jsonb(old)) o
  join jsonb_each(to_jsonb(new)) n using (key)
  where o.value is distinct from n.value and o.key not in ('title', 'updated_at');
  if changed is not null then
    raise exception 'ops.runs.% cannot be changed by users', array_to_string(changed, ', ')
      using errcode = '42501',
            hint = 'Only title is editable; cancel with ops.request_cancel and decide approvals with ops.decide_approval.';
  end if;
  return new;
end
$$;

create trigger runs_guard_columns before insert or update on ops.runs
  for each row execute function ops.guard_run_columns();

-- Append-only, even for the table owner. Deleting a run still removes its events (the cascade
-- deletes rows, it does not update them).
create function ops.forbid_event_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'ops.run_events is append-only: event % of run % cannot be changed', old.seq, old.run_id
    using errcode = '42501';
end
$$;

create trigger run_events_append_only before update on ops.run_events
  for each row execute function ops.forbid_event_update();

-- Every change of a spec doc's text keeps the previous text as a revision and bumps the version,
-- whether it comes through ops.save_spec_doc or a plain UPDATE. Security definer because users
-- have no write grant on the revisions table.
create function ops.keep_spec_doc_revision() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.id := old.id;
  new.slug := old.slug;
  new.created_at := old.created_at;
  if new.content is not distinct from old.content and new.title is not distinct from old.title then
    new.version := old.version;
    new.updated_at := old.updated_at;
    new.updated_by := old.updated_by;
    return new;
  end if;
  insert into ops.spec_doc_revisions (doc_id, version, title, content, saved_at, saved_by)
  values (old.id, old.version, old.title, old.content, old.updated_at, old.updated_by);
  new.version := old.version + 1;
  new.updated_at := now();
  new.updated_by := auth.uid();
  return new;
end
$$;

create trigger spec_docs_keep_revision before update on ops.spec_docs
  for each row execute function ops.keep_spec_doc_revision();

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================
-- Explicit for every API role. anon gets schema usage only, so an unsigned request is told
-- "permission denied" rather than shown an empty list. service_role bypasses RLS but is still
-- bound by grants, which is what keeps run_events append-only for the executor too.

revoke all on schema ops from public;
grant usage on schema ops to anon, authenticated, service_role;
revoke all on all tables in schema ops from public, anon, authenticated, service_role;

grant select, insert, update, delete on ops.runs to authenticated;
grant select, insert, update, delete on ops.runs to service_role;

grant select on ops.run_events to authenticated;
grant select on ops.run_events to service_role;

grant select on ops.artifacts to authenticated;
grant select, insert on ops.artifacts to service_role;

grant select, insert, update, delete on ops.run_templates to authenticated, service_role;

grant select, insert, update on ops.spec_docs to authenticated, service_role;
grant select on ops.spec_doc_revisions to authenticated, service_role;

alter table ops.runs enable row level security;
alter table ops.run_events enable row level security;
alter table ops.artifacts enable row level security;
alter table ops.run_templates enable row level security;
alter table ops.spec_docs enable row level security;
alter table ops.spec_doc_revisions enable row level security;

-- `(select auth.uid())` is evaluated once per statement instead of once per row.
create policy "Runs are visible to their creator" on ops.runs
  for select to authenticated using (created_by = (select auth.uid()));
create policy "Users create runs for themselves" on ops.runs
  for insert to authenticated with check (created_by = (select auth.uid()));
create policy "Users update their own runs" on ops.runs
  for update to authenticated
  using (created_by = (select auth.uid())) with check (created_by = (select auth.uid()));
create policy "Users delete their own finished runs" on ops.runs
  for delete to authenticated
  using (created_by = (select auth.uid()) and status in ('success', 'error', 'canceled'));

create policy "Run events are visible to the run's creator" on ops.run_events
  for select to authenticated
  using (exists (select 1 from ops.runs r where r.id = run_id and r.created_by = (select auth.uid())));

create policy "Artifacts are visible to the run's creator" on ops.artifacts
  for select to authenticated
  using (exists (select 1 from ops.runs r where r.id = run_id and r.created_by = (select auth.uid())));

create policy "Templates are readable by signed-in users" on ops.run_templates
  for select to authenticated using (true);
create policy "Signed-in users add templates" on ops.run_templates
  for insert to authenticated with check (true);
create policy "Signed-in users edit templates" on ops.run_templates
  for update to authenticated using (true) with check (true);
create policy "Signed-in users delete templates" on ops.run_templates
  for delete to authenticated using (true);

create policy "Spec docs are readable by signed-in users" on ops.spec_docs
  for select to authenticated using (true);
create policy "Signed-in users add spec docs" on ops.spec_docs
  for insert to authenticated with check (true);
create policy "Signed-in users edit spec docs" on ops.spec_docs
  for update to authenticated using (true) with check (true);

create policy "Spec doc revisions are readable by signed-in users" on ops.spec_doc_revisions
  for select to authenticated using (true);

-- ===========================================================================================
-- SQL functions: one per operation. Executor functions are security definer, executable by
-- service_role only, and check the lease; user functions check ownership themselves.
-- Errors use PostgREST's PTxxx codes so the HTTP status says what happened (PT404 unknown run,
-- PT409 conflict) and 42501 for "not yours" (403).
-- ===========================================================================================

-- Inserts events for a run whose row the caller has locked, numbering them after p_after_seq.
-- Internal: both the executor's append and the owner's actions go through it, so seq stays 1..N.
create function ops.insert_run_events(p_run_id uuid, p_after_seq int, p_events jsonb)
returns int
language plpgsql
set search_path = ''
as $$
declare
  n int;
begin
  if jsonb_typeof(p_events) is distinct from 'array' then
    raise exception 'events must be a JSON array, got %', coalesce(jsonb_typeof(p_events), 'null')
      using errcode = '22023';
  end if;
  n := jsonb_array_length(p_events);
  if n > 1000 then
    raise exception 'at most 1000 events per batch, got %', n using errcode = '22023';
  end if;
  insert into ops.run_events (run_id, seq, ts, level, source, phase, step_id, message, data)
  select p_run_id, p_after_seq + e.ord::int,
         coalesce((e.value ->> 'ts')::timestamptz, now()),
         coalesce(e.value ->> 'level', 'info'),
         coalesce(e.value ->> 'source', 'executor'),
         e.value ->> 'phase',
         e.value ->> 'step_id',
         coalesce(e.value ->> 'message', ''),
         e.value -> 'data'
  from jsonb_array_elements(p_events) with ordinality as e(value, ord);
  return n;
end
$$;

-- Claim: the given run, else the oldest queued run, else the run whose lease expired longest ago.
-- One row lock with SKIP LOCKED means concurrent executors never wait for each other and never
-- claim the same run; the status and lease conditions are re-checked after the lock, so a run that
-- another executor claimed a moment earlier is not claimed again. A given run id is never swapped
-- for another run: the caller asked for that one.
create function ops.claim_run(p_worker text, p_run_id uuid default null, p_lease_seconds int default 30)
returns setof ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  claimed_id uuid;
begin
  if p_worker is null or char_length(p_worker) not between 1 and 200 then
    raise exception 'worker id must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_lease_seconds is null or p_lease_seconds not between 1 and 3600 then
    raise exception 'lease must be 1 to 3600 seconds, got %', p_lease_seconds using errcode = '22023';
  end if;

  if p_run_id is not null then
    select id into claimed_id from ops.runs
    where id = p_run_id
      and (status = 'queued' or (status = 'running' and lease_expires_at < now()))
    for update skip locked;
  else
    select id into claimed_id from ops.runs
    where status = 'queued'
    order by created_at
    limit 1
    for update skip locked;
    if claimed_id is null then
      select id into claimed_id from ops.runs
      where status = 'running' and lease_expires_at < now()
      order by lease_expires_at
      limit 1
      for update skip locked;
    end if;
  end if;

  if claimed_id is null then
    return;
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

-- Locks a run and checks that p_worker holds its lease. A worker whose lease was taken over must
-- stop at once, so this raises rather than returning a flag the caller might ignore.
create function ops.lock_leased_run(p_run_id uuid, p_worker text)
returns ops.runs
language plpgsql
set search_path = ''
as $$
declare
  r ops.runs;
begin
  select * into r from ops.runs where id = p_run_id for update;
  if not found then
    raise exception 'run % does not exist', p_run_id using errcode = 'PT404';
  end if;
  if r.status <> 'running' or r.claimed_by is distinct from p_worker then
    raise exception 'worker % does not hold the lease of run % (status %, leased by %)',
      p_worker, p_run_id, r.status, coalesce(r.claimed_by, 'nobody')
      using errcode = 'PT409', hint = 'The run was taken over or finished; stop working on it.';
  end if;
  return r;
end
$$;

-- Heartbeat: extends the lease of the holder only, and tells it whether cancel was requested so
-- the executor learns of a cancel without another round trip.
create function ops.heartbeat_run(p_run_id uuid, p_worker text, p_lease_seconds int default 30)
returns table (lease_expires_at timestamptz, cancel_requested boolean)
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_lease_seconds is null or p_lease_seconds not between 1 and 3600 then
    raise exception 'lease must be 1 to 3600 seconds, got %', p_lease_seconds using errcode = '22023';
  end if;
  perform ops.lock_leased_run(p_run_id, p_worker);
  return query
  update ops.runs r
  set lease_expires_at = now() + make_interval(secs => p_lease_seconds)
  where r.id = p_run_id
  returning r.lease_expires_at, r.cancel_requested;
end
$$;

-- Append a batch of events. The run row lock serialises appenders of one run, so seq is
-- last_seq+1 … last_seq+n with no gap or duplicate, and one UPDATE per batch (not per event) keeps
-- the hot path cheap. A batch retried with the same id after a lost response is not applied twice.
create function ops.append_run_events(p_run_id uuid, p_worker text, p_events jsonb, p_batch_id uuid default null)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
  n int;
begin
  r := ops.lock_leased_run(p_run_id, p_worker);
  if p_batch_id is not null and r.last_batch_id = p_batch_id then
    return r.last_seq;
  end if;
  n := ops.insert_run_events(p_run_id, r.last_seq, p_events);
  update ops.runs set last_seq = last_seq + n, last_batch_id = p_batch_id where id = p_run_id;
  return r.last_seq + n;
end
$$;

-- Stores the resolved plan once, at the first validation: a resumed run must execute the plan it
-- started with even if its template was edited since.
create function ops.set_run_plan(p_run_id uuid, p_worker text, p_plan jsonb)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
begin
  r := ops.lock_leased_run(p_run_id, p_worker);
  if r.plan is not null then
    return r;
  end if;
  if jsonb_typeof(p_plan) is distinct from 'object' then
    raise exception 'plan must be a JSON object' using errcode = '22023';
  end if;
  update ops.runs set plan = p_plan where id = p_run_id returning * into r;
  return r;
end
$$;

-- Records a step's state (running, succeeded, failed, skipped) before the executor moves on, so
-- a resumed run knows exactly which steps are finished and never repeats them.
create function ops.record_step(p_run_id uuid, p_worker text, p_step_id text, p_result jsonb)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
begin
  perform ops.lock_leased_run(p_run_id, p_worker);
  if p_step_id is null or char_length(p_step_id) not between 1 and 100 then
    raise exception 'step id must be 1 to 100 characters' using errcode = '22023';
  end if;
  if jsonb_typeof(p_result) is distinct from 'object'
     or (p_result ->> 'status') not in ('running', 'succeeded', 'failed', 'skipped') then
    raise exception 'step result must be an object whose status is running, succeeded, failed or skipped'
      using errcode = '22023';
  end if;
  update ops.runs
  set step_results = step_results || jsonb_build_object(p_step_id, p_result),
      current_step = p_step_id
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

-- Adds an artifact; the (run, key) pair makes a resumed step's second write a no-op.
create function ops.add_run_artifact(p_run_id uuid, p_worker text, p_artifact jsonb)
returns ops.artifacts
language plpgsql
security definer
set search_path = ''
as $$
declare
  a ops.artifacts;
begin
  perform ops.lock_leased_run(p_run_id, p_worker);
  insert into ops.artifacts (run_id, key, step_id, kind, title, url, content, mime, size)
  values (
    p_run_id,
    coalesce(p_artifact ->> 'key', gen_random_uuid()::text),
    p_artifact ->> 'step_id',
    p_artifact ->> 'kind',
    p_artifact ->> 'title',
    p_artifact ->> 'url',
    p_artifact ->> 'content',
    p_artifact ->> 'mime',
    coalesce((p_artifact ->> 'size')::int, octet_length(p_artifact ->> 'content'))
  )
  on conflict (run_id, key) do nothing
  returning * into a;
  if a.id is null then
    select * into a from ops.artifacts
    where run_id = p_run_id and key = p_artifact ->> 'key';
  end if;
  return a;
end
$$;

-- Hand-back: an executor about to be cut off (the hosted wall clock) returns its run to the queue
-- so the next invocation continues at once instead of waiting for the lease to expire.
create function ops.release_run(p_run_id uuid, p_worker text)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
begin
  perform ops.lock_leased_run(p_run_id, p_worker);
  update ops.runs
  set status = 'queued', claimed_by = null, lease_expires_at = null
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

-- Parks a run at an approval step. An Edge Function cannot wait hours for a person, so the lease
-- is released; ops.decide_approval requeues the run (or cancels it) and any executor resumes it.
create function ops.await_approval(p_run_id uuid, p_worker text, p_step_id text)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
begin
  perform ops.lock_leased_run(p_run_id, p_worker);
  update ops.runs
  set status = 'waiting_approval',
      current_step = p_step_id,
      step_results = step_results || jsonb_build_object(p_step_id, jsonb_build_object(
        'status', 'running', 'waiting_since', now())),
      claimed_by = null,
      lease_expires_at = null
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

-- Finish: only the lease holder ends a run, so a worker that lost its lease cannot overwrite the
-- outcome written by the one that took over.
create function ops.finish_run(p_run_id uuid, p_worker text, p_status text, p_summary text, p_error text default null)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
begin
  if p_status is null or p_status not in ('success', 'error', 'canceled') then
    raise exception 'a run finishes as success, error or canceled, not %', coalesce(p_status, 'null')
      using errcode = '22023';
  end if;
  perform ops.lock_leased_run(p_run_id, p_worker);
  update ops.runs
  set status = p_status,
      summary = p_summary,
      error = p_error,
      finished_at = now(),
      lease_expires_at = null
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

-- Locks a run for an action of its owner (or the service role acting for the platform).
create function ops.lock_owned_run(p_run_id uuid)
returns ops.runs
language plpgsql
set search_path = ''
as $$
declare
  r ops.runs;
begin
  select * into r from ops.runs where id = p_run_id for update;
  if not found then
    raise exception 'run % does not exist', p_run_id using errcode = 'PT404';
  end if;
  if r.created_by is distinct from auth.uid() and coalesce(auth.role(), '') <> 'service_role' then
    -- Same words whether the run exists or not would hide existence, but the id is a random
    -- uuid the caller already holds; saying "not yours" is the more useful message.
    raise exception 'only the creator of run % can do this', p_run_id using errcode = '42501';
  end if;
  return r;
end
$$;

-- Cancel: a run nobody is executing (queued, waiting for approval) ends at once; a running one
-- gets cancel_requested and its executor stops at the next safe point. Repeating it is harmless.
create function ops.request_cancel(p_run_id uuid)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
begin
  r := ops.lock_owned_run(p_run_id);
  if r.status in ('success', 'error', 'canceled') or r.cancel_requested then
    return r;
  end if;
  perform ops.insert_run_events(p_run_id, r.last_seq, jsonb_build_array(jsonb_build_object(
    'level', 'warn', 'source', 'user', 'step_id', r.current_step,
    'message', case when r.status = 'running' then 'Cancel requested by the owner; stopping at the next safe point'
                    else 'Canceled by the owner' end)));
  if r.status = 'running' then
    update ops.runs set cancel_requested = true, last_seq = last_seq + 1
    where id = p_run_id returning * into r;
  else
    update ops.runs
    set status = 'canceled', cancel_requested = true, finished_at = now(), last_seq = last_seq + 1,
        summary = case when r.status = 'queued' then 'Canceled before it started'
                       else format('Canceled while waiting for approval at step %s', r.current_step) end
    where id = p_run_id returning * into r;
  end if;
  return r;
end
$$;

-- Approve or reject a run waiting at an approval step. Approving records the decision as the
-- step's result and requeues the run, so the next executor resumes after that step; rejecting
-- cancels the run.
create function ops.decide_approval(p_run_id uuid, p_approve boolean, p_comment text default null)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
  decision jsonb;
begin
  if p_approve is null then
    raise exception 'p_approve must be true (approve) or false (reject)' using errcode = '22023';
  end if;
  if char_length(p_comment) > 2000 then
    raise exception 'comment must be at most 2000 characters' using errcode = '22023';
  end if;
  r := ops.lock_owned_run(p_run_id);
  if r.status <> 'waiting_approval' then
    raise exception 'run % is %, not waiting for approval', p_run_id, r.status using errcode = 'PT409';
  end if;
  decision := jsonb_build_object(
    'status', case when p_approve then 'succeeded' else 'failed' end,
    'decision', case when p_approve then 'approved' else 'rejected' end,
    'decided_by', auth.uid(), 'decided_at', now(), 'comment', p_comment,
    'waiting_since', r.step_results -> r.current_step -> 'waiting_since',
    'finished_at', now());
  perform ops.insert_run_events(p_run_id, r.last_seq, jsonb_build_array(jsonb_build_object(
    'level', case when p_approve then 'info' else 'warn' end, 'source', 'user', 'step_id', r.current_step,
    'message', case when p_approve then 'Approved by the owner' else 'Rejected by the owner' end
               || coalesce(': ' || p_comment, ''),
    'data', jsonb_build_object('decision', decision -> 'decision'))));
  update ops.runs
  set step_results = step_results || jsonb_build_object(r.current_step, decision),
      last_seq = last_seq + 1,
      status = case when p_approve then 'queued' else 'canceled' end,
      finished_at = case when p_approve then null else now() end,
      summary = case when p_approve then summary
                     else format('Rejected by the owner at step %s', r.current_step) end
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

-- Save a spec doc if nobody saved it since the caller loaded p_expected_version. A stale save is
-- refused with both versions named and changes nothing, so the editor can show the conflict with
-- both texts. The revision trigger keeps the previous text. Security invoker: RLS decides who may.
create function ops.save_spec_doc(p_slug text, p_content text, p_expected_version int, p_title text default null)
returns ops.spec_docs
language plpgsql
set search_path = ''
as $$
declare
  d ops.spec_docs;
begin
  select * into d from ops.spec_docs where slug = p_slug for update;
  if not found then
    raise exception 'spec doc "%" does not exist', p_slug using errcode = 'PT404';
  end if;
  if p_expected_version is distinct from d.version then
    raise exception 'spec doc "%" was changed by someone else: you edited version %, the latest is version %',
      p_slug, coalesce(p_expected_version::text, 'null'), d.version
      using errcode = 'PT409',
            detail = format('expected_version=%s latest_version=%s', coalesce(p_expected_version::text, 'null'), d.version),
            hint = 'Reload the latest version and apply your edit again; your text has not been saved.';
  end if;
  update ops.spec_docs
  set content = coalesce(p_content, content), title = coalesce(p_title, title)
  where id = d.id
  returning * into d;
  return d;
end
$$;

-- Function privileges: nothing is callable by default (Postgres grants EXECUTE to PUBLIC, and a
-- project's default privileges may add the API roles); each operation is granted to who needs it.
revoke execute on all functions in schema ops from public, anon, authenticated, service_role;
grant execute on function ops.claim_run(text, uuid, int) to service_role;
grant execute on function ops.heartbeat_run(uuid, text, int) to service_role;
grant execute on function ops.append_run_events(uuid, text, jsonb, uuid) to service_role;
grant execute on function ops.set_run_plan(uuid, text, jsonb) to service_role;
grant execute on function ops.record_step(uuid, text, text, jsonb) to service_role;
grant execute on function ops.add_run_artifact(uuid, text, jsonb) to service_role;
grant execute on function ops.release_run(uuid, text) to service_role;
grant execute on function ops.await_approval(uuid, text, text) to service_role;
grant execute on function ops.finish_run(uuid, text, text, text, text) to service_role;
grant execute on function ops.request_cancel(uuid) to authenticated, service_role;
grant execute on function ops.decide_approval(uuid, boolean, text) to authenticated, service_role;
grant execute on function ops.save_spec_doc(text, text, int, text) to authenticated, service_role;

-- ===========================================================================================
-- Realtime: the plugin streams run status, events and artifacts.
-- ===========================================================================================

alter publication supabase_realtime add table ops.runs, ops.run_events, ops.artifacts;

-- ===========================================================================================
-- Seed data
-- ===========================================================================================
-- The runbook templates, verbatim from supabase/templates/ (a test checks they match).
insert into ops.run_templates (slug, kind, title, description, template_yaml) values
  ('deploy-web', 'deploy', 'Deploy web',
   'Ship a git ref of a service to staging or production through its GitHub Actions deploy workflow, with a health check before and after. Production needs the owner''s approval.',
   $seed$version: 1
kind: deploy
title: Deploy web
description: Ship a git ref of a service to staging or production through its GitHub Actions deploy workflow, with a health check before and after. Production needs the owner's approval.
intents: [deploy, ship, release, roll out, rollout, promote, rollback, roll back, revert, redeploy]
inputs:
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: staging
  - key: service
    label: Service
    type: choice
    options: [web, api, worker]
    required: true
    default: web
  - key: ref
    label: Git ref
    type: string
    required: true
    default: main
    pattern: "^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$"
  - key: action
    label: Action
    type: choice
    options: [deploy, rollback]
    default: deploy
secrets:
  - name: SUPABASE_URL
    required: true
  - name: SUPABASE_ANON_KEY
    required: true
  - name: GITHUB_TOKEN
    required: false
    description: Without it the dispatch runs as a dry run and says so.
timeout: 30m
steps:
  - id: health-before
    title: Health check before deploy
    phase: preflight
    kind: http
    with:
      method: GET
      url: "${{ secrets.SUPABASE_URL }}/auth/v1/health"
      headers:
        apikey: "${{ secrets.SUPABASE_ANON_KEY }}"
      expect_status: 200
    timeout: 10s
    retry: { max: 2, delay: 1s }
  - id: dispatch
    title: Dispatch the deploy workflow
    phase: execute
    kind: github_dispatch
    with:
      repo: "acme/${{ inputs.service }}"
      workflow: deploy.yml
      ref: main
      token: "${{ secrets.GITHUB_TOKEN }}"
      inputs:
        environment: "${{ env }}"
        ref: "${{ inputs.ref }}"
        action: "${{ inputs.action }}"
    timeout: 30s
  - id: settle
    title: Let the rollout settle
    phase: verify
    kind: wait
    with: { duration: 2s }
  - id: health-after
    title: Health check after deploy
    phase: verify
    kind: http
    with:
      method: GET
      url: "${{ secrets.SUPABASE_URL }}/auth/v1/health"
      headers:
        apikey: "${{ secrets.SUPABASE_ANON_KEY }}"
      expect_status: 200
    timeout: 10s
    retry: { max: 3, delay: 2s }
policy:
  approval:
    when: "env == 'production'"
$seed$),
  ('incident-open', 'incident', 'Open an incident',
   'Declare an incident, post it to the on-call channel, snapshot service health and propose a follow-up task in the Spec Kit.',
   $seed$version: 1
kind: incident
title: Open an incident
description: Declare an incident, post it to the on-call channel, snapshot service health and propose a follow-up task in the Spec Kit.
intents: [incident, outage, sev, severity, page, declare, on-call, oncall, escalate]
inputs:
  - key: severity
    label: Severity
    type: choice
    options: [sev1, sev2, sev3, sev4]
    required: true
    default: sev3
  - key: summary
    label: What is happening
    type: string
    required: true
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: production
secrets:
  - name: SUPABASE_URL
    required: true
  - name: SUPABASE_ANON_KEY
    required: true
  - name: SLACK_WEBHOOK_URL
    required: false
    description: Without it the announcement runs as a dry run and says so.
timeout: 15m
steps:
  - id: health-snapshot
    title: Snapshot service health
    phase: preflight
    kind: http
    with:
      method: GET
      url: "${{ secrets.SUPABASE_URL }}/auth/v1/health"
      headers:
        apikey: "${{ secrets.SUPABASE_ANON_KEY }}"
      expect_status: 200
    timeout: 10s
    retry: { max: 2, delay: 1s }
  - id: announce
    title: Announce in the on-call channel
    phase: execute
    kind: http
    with:
      method: POST
      url: "${{ secrets.SLACK_WEBHOOK_URL }}"
      headers:
        content-type: application/json
      body:
        text: "[${{ inputs.severity }}] ${{ env }}: ${{ inputs.summary }}"
      expect_status: 200
    timeout: 10s
    retry: { max: 2, delay: 2s }
  - id: gather
    title: Give responders a moment to join
    phase: execute
    kind: wait
    with: { duration: 1s }
  - id: follow-up
    title: Propose a follow-up task
    phase: verify
    kind: spec
    with:
      doc: continue-orchestrator/tasks
      append: "- [ ] Follow up ${{ inputs.severity }} incident in ${{ env }}: ${{ inputs.summary }}"
$seed$)
on conflict (slug) do nothing;

-- The Spec Kit documents, verbatim from spec/continue-orchestrator/ (a test checks they match).
insert into ops.spec_docs (slug, title, content) values
  ('continue-orchestrator/constitution', 'constitution.md',
$seed$# Continue Orchestrator Constitution

The Continue Orchestrator is the part of Ops Control Room that turns a queued row in `ops.runs` into a finished run: the `ops-executor` Edge Function (Deno) and the SQL functions in schema `ops` that claim runs, extend leases, append events, record step results and finish runs. It is invoked by the plugin right after a run is inserted, by pg_cron every minute on hosted Supabase, and by the local stack on an interval. It must continue a run after the hosted function is cut off, which is where its name comes from. This constitution states the rules every change to it must keep.

## Core Principles

### I. No Run Left Behind (Exactly-Once Step Completion)

- Every run that reaches `queued` MUST end in exactly one terminal status (`success`, `error` or `canceled`) or wait visibly in `waiting_approval`; no run whose lease has expired may stay unclaimed for longer than one drain interval.
- A run MUST be claimed only through the claim function, which in one statement with `FOR UPDATE SKIP LOCKED` takes the requested run, else the oldest queued run, else a running run whose lease has expired, and sets `claimed_by`, `lease_expires_at`, `attempt + 1` and `status = 'running'`.
- A step's completion MUST be written to `ops.runs.step_results` before the next step starts. A resumed run MUST start at the first step without a recorded completion; a step with a recorded completion MUST never run again.
- A step that was in flight when its executor died MAY run again on resume; the executor MUST log that it is resuming a cut-off step, and a step cut off three times MUST fail the run with an error that names the step.
- Heartbeat, step-result writes and finish MUST succeed only for the current lease holder. An executor that learns it lost its lease MUST stop at once and write nothing more.

**Rationale**: The hosted function is killed after 150 s (Free) or 400 s (paid) of wall clock and may crash at any instruction. Only state committed in Postgres survives, so progress is defined by what the database says, and ownership by the lease.

### II. Gap-Free, Ordered Events

- Every log line of a run MUST be one `ops.run_events` row whose `seq` is assigned in SQL by the append function, which locks the run row, numbers the batch from `last_seq + 1` and bumps `last_seq`; per run the seqs MUST be exactly 1..N.
- The executor MUST batch lines (flush at about 50 ms or 100 lines, whichever comes first) and MUST flush before any status change, step-result write, lease release or finish, so the log never lags behind the state it explains.
- A retried batch carrying the same batch id MUST NOT be applied twice; only the lease holder MAY append through the append function.
- `ops.run_events` MUST stay append-only: no UPDATE or DELETE grants for any role.

**Rationale**: The plugin and the FigJam widget merge live and backfilled events by seq; a gap or a duplicate becomes a wrong log in front of the person running a production change.

### III. Least Privilege and Row-Level Security

- Every table in `ops` MUST have RLS enabled and explicit grants for `anon`, `authenticated` and `service_role`; `anon` MUST read nothing.
- Users MUST see and change only their own runs, and read only the events and artifacts of their own runs. Only the executor (service role) MAY write events and artifacts.
- Every `security definer` function MUST set `search_path` and MUST check the caller itself: executor functions are executable by `service_role` only; request-cancel and approval decisions check that the caller created the run.
- The Edge Function MUST verify, with a client built from the caller's Authorization header, that a caller naming a `run_id` can see that run before it acts for them.

**Rationale**: The orchestrator runs deploys and posts to incident channels. A bug in a UI must not be able to start, steer or read someone else's run.

### IV. Secrets Never Persisted

- Secret values MUST come from the Edge Function's environment only; the database MUST hold secret names, never values (not in templates, inputs, plans, step results or cron jobs).
- Every event message and data field, step result, artifact, summary and error MUST pass through the masker, which replaces each known secret value (raw, URL-encoded and base64 forms) and every Authorization header value with `***`.
- A required secret that is missing MUST fail phase 0 with an error naming the secret; a missing optional secret MUST turn the steps that need it into dry runs.

**Rationale**: Run logs are streamed to every device of the owner and kept forever; a secret that reaches a row has leaked.

### V. Dry Run Is Explicit

- Every external call (HTTP request, GitHub workflow dispatch, outbound webhook) MUST have a dry-run path that makes no network request and logs exactly what would be sent (method, URL, headers and body, masked), prefixed `DRY RUN:`.
- A step MUST run dry when the run has `dry_run = true` or when an optional secret it needs is missing, and its step result MUST record `dry_run: true` and the reason.
- A run summary MUST state how many steps ran dry and why. Nothing may silently skip a call.

**Rationale**: Designers try runbooks from a canvas before they are trusted; they must be able to see the exact effect of a run without causing it, and must never mistake a simulated deploy for a real one.

### VI. Observable by Default

- Each phase (0 validate, 1 preflight, 2 execute, 3 verify, 4 summarize) MUST be announced by an event when it starts and when it ends, with its duration.
- Each step MUST log its start, each retry with the reason, and its outcome; claims, resumes, lease releases, approval decisions and cancels MUST each be an event.
- Errors MUST say what failed, where (phase and step id) and how to fix it; known-transient database errors (40001, 40P01, connection loss) and 5xx responses are retried with jittered backoff, and each retry is logged.

**Rationale**: The run log is the only window an ops person has into a function that runs somewhere else; anything that happened and is not in it cannot be debugged.

### VII. Test-First Against Real Postgres

- Every SQL function and executor behaviour MUST have a test written before the implementation, which fails first.
- Concurrency guarantees (no double claim, gap-free seq under concurrent writers, batch replay) MUST be tested on real Postgres, not only on PGlite, and against the unmodified supabase-js client through the local stack.
- Resumption MUST be tested by killing the executor at every step boundary and inside steps; tests MUST NOT assert timings (benchmarks measure them).

**Rationale**: Locking and isolation bugs do not show up in mocks or a single-connection database; they show up in production at the worst moment.

## Additional Constraints

- **Hosted Edge Function limits**: 256 MB memory, 2 s CPU per request, 150 s (Free) or 400 s (paid) wall clock, 150 s request idle timeout, 20 MB bundle. The executor MUST stop starting new steps once its wall-clock budget minus 30 s is reached, release its lease and let the next invocation continue.
- **CPU**: the executor MUST do no per-line work beyond masking and batching; a run that logs 10,000 lines MUST stay well inside 2 s of CPU per invocation.
- **Leases**: default lease 30 s, heartbeat every 10 s and at every step boundary; a step timeout MUST be shorter than the remaining wall-clock budget.
- **Waiting**: an Edge Function cannot wait for a human or for a long timer. Approval steps MUST release the lease and leave the run waiting in the database, never hold an invocation open; a wait longer than the remaining budget MUST hand the run back and continue from its stored deadline in the next invocation.
- **Event size**: a message is truncated at 8 KB and event data at 64 KB, with a marker; a run keeps at most 200,000 events, after which only warn and error lines are written and one event says how many lines were omitted. Realtime payloads stay under 1,024 KB.
- **Runtime**: code in `supabase/functions/_shared/` MUST run unchanged in Deno and Node: relative imports with `.ts` extensions, no Node built-ins, npm packages only through `npm:` specifiers mapped in the function's `deno.json`.
- **Draining**: hosted projects MUST schedule pg_cron + pg_net to invoke the function every minute with the service role key kept in Supabase Vault (a drain acts for every user, so only the service role may start one); the local stack MUST drain on an interval; the plugin MUST invoke the function right after inserting a run.

## Development Workflow

1. A change starts in these documents: the PRD states the behaviour, the plan the design decision, and tasks.md the task with its file path.
2. The test comes first and fails: SQL behaviour in `test/db/` on PGlite and real Postgres, executor behaviour in `test/executor/` against the local stack, kill-and-resume cases in `test/reliability/`.
3. Database changes are one SQL function per operation with its rationale in a comment beside it. Once the migration `20250103000000_ops_schema.sql` has shipped to any project, every further change is a new migration file; a shipped migration is never edited.
4. The Deno entry passes `deno check` and `deno test`; the Node suites pass with `npm test`; `.ci/run` covers everything that was added.
5. Review checks each principle above explicitly. A change that weakens one needs an amendment first, not an exception in code.
6. The README stays true: how to deploy the function, set its secrets and schedule the drain.

## Governance

This constitution supersedes other practices for the orchestrator. Amendments are made by a pull request that changes this file, states the reason, updates the version and the Last Amended date, and updates any plan, task or code the amendment affects. Versioning follows semantic versioning: MAJOR for removing or redefining a principle, MINOR for adding a principle or constraint, PATCH for clarifications. The copy in this repository is canonical; edits made in the plugin's Spec Kit tab are kept as revisions in `ops.spec_docs` and become binding only when merged back here. Complexity that a principle does not require must be justified in the plan's Complexity Tracking table.

**Version**: 1.0.0 | **Ratified**: 2025-01-03 | **Last Amended**: 2025-01-03
$seed$),
  ('continue-orchestrator/prd', 'prd.md',
$seed$# Feature Specification: Continue Orchestrator

**Feature Branch**: `001-continue-orchestrator`
**Created**: 2025-01-03
**Status**: Approved
**Input**: User description: "Runs started from Figma or FigJam must be executed by the ops-executor Edge Function phase by phase, stream every log line live and in order, and keep going when the hosted function is cut off or crashes: another invocation claims the run and continues at the first unfinished step, never repeating a finished step and never losing or duplicating a log line. Production deploys wait for the owner's approval, owners can cancel, and every external call can be dry-run with secrets masked."

## User Scenarios & Testing

### User Story 1 - Run a runbook end to end with a live log (Priority: P1)

A designer types "deploy web to staging" in the plugin's Chat tab, reviews the runbook card and presses Run. The plugin inserts a queued run and invokes `ops-executor`. The executor claims the run, announces phases 0 validate, 1 preflight, 2 execute, 3 verify and 4 summarize, runs each step, and finishes the run. The log viewer and the FigJam run card show each line and each status change as it happens.

**Why this priority**: Without claiming, executing and finishing a run there is no product; every other story extends this path.

**Independent Test**: On the local stack with no internet, insert a run of the seeded `deploy-web` template for staging as an anonymous user, invoke the function, and check the run ends `success` with events numbered 1..N, each phase announced, and a summary and artifacts present.

**Acceptance Scenarios**:

1. **Given** a queued run owned by the caller, **When** the plugin invokes `ops-executor` with its `run_id`, **Then** the run becomes `running` with `claimed_by`, `lease_expires_at`, `started_at` and `attempt = 1` set, and a "claimed" event is the first event.
2. **Given** a claimed run, **When** the executor works through it, **Then** events announce the start and end of phases 0 to 4 in order, every step logs its start and outcome, and the run ends `success` with `finished_at` and a summary.
3. **Given** a step that fails after its retries, **When** the failure is final, **Then** the run ends `error`, `error` names the phase, step id and cause, later steps do not run, and phase 4 still writes a summary.
4. **Given** a subscriber on the run's events, **When** the run finishes, **Then** the subscriber has received every event exactly once and the seqs are 1..`last_seq` with no gap.

---

### User Story 2 - Continue a run after a cut-off or crash (Priority: P1)

A deploy runbook takes longer than the hosted function's wall clock, or the function crashes mid-run. The run is not lost: the executor hands the run back before it is cut off (or its lease simply expires), and the next invocation claims it and continues at the first unfinished step. The person watching sees one continuous log with a "resumed" line, not a restarted run.

**Why this priority**: Hosted invocations end after 150 s (Free) or 400 s (paid); real runbooks exceed that, and a deploy that is dispatched twice or silently abandoned is worse than no tool.

**Independent Test**: With a counting HTTP stub, kill the executor at every step boundary and in the middle of every step of a five-step run, invoke again after the lease expires, and check each completed step was called once, the run ends `success` and the seqs are gap-free.

**Acceptance Scenarios**:

1. **Given** a run whose executor died after step 2 was recorded, **When** the lease expires and a new invocation claims it, **Then** `attempt` is 2, an event says "resuming at step 3 (attempt 2)", and steps 1 and 2 are not executed again.
2. **Given** an executor whose wall-clock budget minus 30 s is reached, **When** the current step finishes, **Then** it flushes its events, releases the lease, requests a continuation invocation and exits; the next invocation continues without waiting for the lease to expire.
3. **Given** a run whose executor died in the middle of step 3, **When** it resumes, **Then** step 3 runs again and logs that it is re-running a cut-off step; **And** if step 3 is cut off a third time the run ends `error` naming step 3.
4. **Given** an executor that retries an event batch after a network error, **When** the first attempt had already committed, **Then** no event is duplicated and the next batch continues the seq.
5. **Given** an executor whose lease was taken over by another worker, **When** it next heartbeats, appends or records a step, **Then** the call is refused and it stops without writing anything more.

---

### User Story 3 - Approve or reject a production change (Priority: P2)

A production deploy reaches its approval step (added by the template's policy `env == 'production'`). The run moves to `waiting_approval` and the executor releases it. The owner sees an Approve / Reject prompt on the run in the plugin and on the FigJam card. Approving requeues the run, which resumes after the approval step; rejecting cancels it.

**Why this priority**: Production changes need a human gate, but an Edge Function cannot wait for a human, so the gate has to live in the database.

**Independent Test**: Run `deploy-web` with `env = production` on the local stack; check the run stops in `waiting_approval` with no lease; approve as the owner and check it resumes after the approval step and succeeds; repeat with reject and check it ends `canceled`.

**Acceptance Scenarios**:

1. **Given** a running run that reaches an approval step, **When** the step starts, **Then** the run becomes `waiting_approval`, `claimed_by` and `lease_expires_at` are cleared, and an event says who must approve and what.
2. **Given** a run in `waiting_approval`, **When** its owner approves, **Then** the approval is recorded in `step_results` with who and when, the run becomes `queued`, and the next invocation resumes at the step after the approval.
3. **Given** a run in `waiting_approval`, **When** its owner rejects it with a note, **Then** the run ends `canceled` with the note in its log and no later step runs.
4. **Given** a run in `waiting_approval`, **When** another user tries to approve it, **Then** the decision is refused and the run is unchanged.

---

### User Story 4 - Cancel a run (Priority: P2)

An ops person sees a run going wrong and presses Cancel. A queued run, or one waiting for approval, is canceled at once; a running run stops at its next safe point and ends `canceled`, with the log saying where it stopped.

**Why this priority**: Stopping a mistaken runbook is a safety feature, but it matters only once runs execute.

**Independent Test**: Start a run whose middle step is a 20 s wait; request cancel during the wait; check it ends `canceled` within one heartbeat interval and the steps after the wait never run.

**Acceptance Scenarios**:

1. **Given** a queued run or a `waiting_approval` run, **When** its owner requests cancel, **Then** the run is `canceled` immediately with `finished_at` set and a "canceled by owner" event.
2. **Given** a running run, **When** its owner requests cancel, **Then** `cancel_requested` is set, the executor sees it at the next heartbeat or safe point, logs the step where it stopped, and finishes the run as `canceled`.
3. **Given** a run owned by someone else or already finished, **When** a user requests cancel, **Then** nothing changes and the caller gets an error saying why.

---

### User Story 5 - Dry-run a runbook with secrets masked (Priority: P2)

A designer tries a runbook before it is trusted, or the project lacks an optional secret such as `GITHUB_TOKEN`. Each external call logs exactly what it would send, with secrets masked, and says it is a dry run; no request leaves the function.

**Why this priority**: It makes runbooks safe to explore from a canvas and lets the seeded templates succeed on a machine with no internet and no tokens.

**Independent Test**: Run both seeded templates with `dry_run = true` and a network layer that fails the test if called; plant canary secret values in the environment and check that no event, artifact, step result, summary or error contains them.

**Acceptance Scenarios**:

1. **Given** a run with `dry_run = true`, **When** a `github_dispatch` step runs, **Then** no request is made and an event starting `DRY RUN:` shows the method, URL, masked headers and body that would be sent.
2. **Given** `GITHUB_TOKEN` is not set and the template marks it optional, **When** the dispatch step runs, **Then** that step runs dry, its step result records `dry_run: true` with the reason, and the summary says one step ran dry.
3. **Given** a required secret is missing, **When** phase 0 validates, **Then** the run ends `error` naming the secret and no step runs.

---

### User Story 6 - Runs drain without anyone watching (Priority: P3)

The plugin window closes right after Run, or an invocation was lost. The run still executes: pg_cron + pg_net invoke the function every minute on hosted Supabase, and the local stack drains on an interval.

**Why this priority**: The plugin's own invoke covers the common case; draining is the backstop that makes "no run left behind" hold.

**Independent Test**: Insert a queued run without invoking the function; check the local stack's drain picks it up and finishes it; stop an executor mid-run and check the drain resumes it after the lease expires.

**Acceptance Scenarios**:

1. **Given** a queued run and no invocation, **When** the next drain tick fires, **Then** the run is claimed and executed.
2. **Given** two drains and a plugin invocation firing at once, **When** they race for the same run, **Then** exactly one claims it and the others claim other work or return "nothing to do".

### Edge Cases

- A run is inserted with a plan that no longer validates (template changed, input out of range): phase 0 fails it with the field and reason; no step runs.
- Two invocations name the same `run_id`: `SKIP LOCKED` gives it to one; the other moves on to the oldest queued run or returns "nothing to do".
- The lease expires while a slow HTTP call is still in flight (a stalled heartbeat): the old executor's next write is refused and it stops; the new holder re-runs the cut-off step.
- A `wait` step longer than the remaining budget: its deadline is stored in `step_results`, the run is handed back, and the next invocation waits only for what remains; the wait is never restarted from zero.
- Cancel requested while a run is waiting for approval: canceled at once; a later approval is refused.
- A step logs megabytes of output: messages are truncated at 8 KB with a marker, and past 200,000 events a run keeps only warn and error lines plus a count of omitted lines.
- A secret value also appears in a response body or an error message from a remote service: the masker replaces it there too.
- A `spec` step is cut off after writing its proposal: the `diff` artifact is keyed by run and step, so the resumed step's second write is a no-op and the proposal appears once.
- The database is briefly unreachable: transient errors are retried with jittered backoff, the same batch id is reused, and the run continues or the lease expires and another invocation resumes it.
- A run keeps crashing the executor: when its next claim would exceed the attempt limit (default 10), it ends `error` saying it gave up after 10 attempts instead of being executed again.
- The plugin invokes the function with a `run_id` the caller cannot see (someone else's run, or a mistyped id): the function answers 404 and does no work on that caller's behalf.

## Requirements

### Functional Requirements

- **FR-001**: System MUST claim runs only through one SQL function that, atomically and with `FOR UPDATE SKIP LOCKED`, takes the given run id if it is claimable, else the oldest queued run, else a running run whose lease expired, and sets `claimed_by`, `lease_expires_at = now() + lease`, `attempt = attempt + 1`, `status = 'running'` and, on first claim, `started_at`.
- **FR-002**: System MUST never let two executors hold the same run: heartbeat, step-result writes, event appends, lease release and finish MUST succeed only when `claimed_by` matches the caller (an expired lease stays with its holder until another executor claims the run).
- **FR-003**: Heartbeat MUST extend the lease (default 30 s) only for the holder, run every 10 s and at every step boundary, and return `cancel_requested`.
- **FR-004**: An executor whose heartbeat, append or step-result write is refused for lease loss MUST stop immediately without further writes.
- **FR-005**: System MUST finish a run as `success`, `error` or `canceled` only by the lease holder, setting `finished_at`, `summary` and `error`, clearing the lease; a finished run MUST never change status again.
- **FR-006**: System MUST store every log line as an `ops.run_events` row with `seq` assigned by the append function under a lock of the run row, contiguous from `last_seq + 1`, so each run's seqs are exactly 1..N.
- **FR-007**: The append function MUST accept a batch id, the run row MUST remember the last batch id applied, and a batch retried with that id MUST return the run's last seq without inserting anything.
- **FR-008**: The executor MUST batch lines and flush at about every 50 ms or 100 lines, and before every status change, step-result write, lease release and finish.
- **FR-009**: System MUST execute phases 0 validate, 1 preflight, 2 execute, 3 verify, 4 summarize in order and announce the start and end of each as events.
- **FR-010**: System MUST support step kinds `http`, `github_dispatch`, `wait`, `approval` and `spec`, each with timeout and retry settings from the template; any other kind MUST fail phase 0.
- **FR-011**: System MUST record a step's completion (status, attempts, output, dry-run flag, timestamps) in `ops.runs.step_results` before the next step starts, and a resumed run MUST start at the first step without a recorded completion.
- **FR-012**: System MUST record a step's start in `step_results`; a step started but not completed three times MUST fail the run naming the step, and a run whose next claim would exceed the attempt limit (default 10, configurable) MUST end `error` instead of being executed again.
- **FR-013**: The executor MUST track its wall-clock budget (150 s or 400 s, configurable), stop starting steps at budget minus 30 s, release its lease and request a continuation invocation.
- **FR-014**: A `wait` step MUST store its deadline in `step_results`; if the deadline is beyond the remaining budget, the executor MUST hand the run back, and the next invocation MUST wait only for the time that remains.
- **FR-015**: An `approval` step, including one inserted by a template's approval policy, MUST move the run to `waiting_approval` and clear its lease; the owner's approval MUST requeue the run to resume after that step, and rejection MUST cancel it.
- **FR-016**: Only the run's owner MUST be able to request cancel or decide an approval; a queued or `waiting_approval` run MUST be canceled at once; a running run gets `cancel_requested` and MUST be canceled by its executor, or by the next executor that claims it, at the next safe point (before each step, between retries, during waits, at each heartbeat).
- **FR-017**: Every external call MUST have a dry-run path that makes no request and logs, prefixed `DRY RUN:`, the exact method, URL, headers and body it would send, masked.
- **FR-018**: A step MUST run dry when the run has `dry_run = true` or when an optional secret it references is missing; a missing required secret MUST fail phase 0 naming the secret.
- **FR-019**: Secret values MUST be read only from the function's environment and MUST be masked in every event, step result, artifact, summary and error, including URL-encoded and base64 forms.
- **FR-020**: A `spec` step MUST propose its document change as a `diff` artifact (a unified diff against the document's current content) without changing the document; the owner applies it in the Spec Kit tab, where the previous content is kept as a revision.
- **FR-021**: The function MUST answer CORS preflight and accept a `run_id` from a signed-in user only for a run that user created; the service role may name a run or none, in which case the function drains: it keeps claiming and running work until nothing is claimable or its budget is reached.
- **FR-022**: Hosted deployments MUST invoke the function every minute through pg_cron + pg_net; the local stack MUST drain on an interval; the plugin MUST invoke it right after inserting a run.
- **FR-023**: Known-transient failures (SQLSTATE 40001, 40P01, connection loss, HTTP 5xx from Supabase) MUST be retried with jittered backoff; user-facing errors MUST say what failed, where, and how to fix it.
- **FR-024**: Event messages MUST be truncated at 8 KB and event data at 64 KB with a marker; after 200,000 events a run MUST keep only warn and error lines and log how many lines were omitted.

### Key Entities

- **Run** (`ops.runs`): one execution of a resolved plan; owner, status, `attempt`, lease (`claimed_by`, `lease_expires_at`), `cancel_requested`, `dry_run`, `last_seq`, `plan`, `step_results`, timestamps, summary, error.
- **Run Event** (`ops.run_events`): one log line; run, `seq` (unique per run, gap-free), timestamp, level, source, phase, step id, message, data. Append-only.
- **Step Result**: entry in `step_results` keyed by step id: status (`running`, `succeeded`, `failed`, `skipped`), starts, attempts, dry-run flag and reason, masked output, wait deadline, approval decision, timestamps.
- **Lease**: the pair `claimed_by` (worker id of one invocation) and `lease_expires_at`; the only proof of ownership.
- **Event Batch**: up to 100 lines with one batch id, applied all-or-nothing and at most once.
- **Artifact** (`ops.artifacts`): link, diff or file produced by a run, masked, written by the executor only.
- **Plan**: the template's steps resolved with inputs, phases and any policy-inserted approval step, frozen on the run at its first validation.

## Success Criteria

### Measurable Outcomes

- **SC-001**: In a kill test of 200 runs killed at random points, 100% reach a terminal status and no step with a recorded completion is executed a second time (counted by the HTTP stub).
- **SC-002**: Across 10,000 events written by 8 concurrent executors with injected batch retries on real Postgres, every run has seqs exactly 1..N: 0 gaps, 0 duplicates.
- **SC-003**: Across 1,000 claim races of 8 invocations on real Postgres, 0 runs are held by two workers at once.
- **SC-004**: A run handed back before a cut-off is continued in under 5 s; a run whose executor crashed is resumed within one lease (30 s) plus one drain interval.
- **SC-005**: With canary secrets planted in the environment, 0 occurrences of any canary appear in events, step results, artifacts, summaries or errors across all executor tests.
- **SC-006**: In dry-run tests, 0 network requests are made and 100% of external-call steps log a `DRY RUN:` line.
- **SC-007**: Both seeded templates succeed on the local stack with no internet and no optional secrets, each in under 30 s.
- **SC-008**: A run that logs 10,000 lines uses under 1 s of executor CPU per invocation and median flush latency under 100 ms, as measured by the benchmark.
- **SC-009**: A canceled running run reaches `canceled` within 15 s of the request when no external call is in flight, and otherwise within that call's timeout plus 15 s.
$seed$),
  ('continue-orchestrator/plan', 'plan.md',
$seed$# Implementation Plan: Continue Orchestrator

**Branch**: `001-continue-orchestrator` | **Date**: 2025-01-03 | **Spec**: [prd.md](prd.md)
**Input**: Feature specification from `spec/continue-orchestrator/prd.md`, bound by `spec/continue-orchestrator/constitution.md`

## Summary

The orchestrator executes runs that the plugin inserts into `ops.runs`. Ownership of a run is a time-limited lease taken by one SQL function with `FOR UPDATE SKIP LOCKED`; progress is the `step_results` document on the run row, written before the next step starts; the log is `ops.run_events` with a per-run `seq` assigned in SQL under a lock of the run row. Because all state lives in Postgres, any invocation of the `ops-executor` Edge Function can pick up any run: the one the plugin just inserted, the oldest queued one, or one whose previous executor was cut off at the hosted wall clock or crashed. Before its budget runs out an executor hands the run back and requests a continuation; pg_cron (hosted) or an interval (local stack) drains whatever is left. Approval releases the lease and parks the run in the database, because a function cannot wait for a human.

## Technical Context

**Language/Version**: TypeScript 5.9 on Deno 2 (Supabase Edge Runtime) and Node 20 (local stack, tests); SQL and PL/pgSQL for PostgreSQL 15 and PGlite 0.5
**Primary Dependencies**: `@supabase/supabase-js` 2.109 (through `npm:` specifiers in Deno), `zod` 4 and `js-yaml` 4 (runbook parsing); hosted Postgres extensions `pg_cron` and `pg_net`
**Storage**: Postgres schema `ops`: `runs`, `run_events`, `artifacts`, `run_templates`, `spec_docs` (with revisions); PGlite locally by default, real Postgres when `DATABASE_URL` is set
**Testing**: vitest in Node against the local stack and real Postgres (`test/db`, `test/executor`, `test/reliability`); `deno check` and `deno test` for the function entry; benchmarks in `bench/` measure, tests never assert timings
**Target Platform**: Supabase Edge Functions (hosted) and the Node local stack that serves `/functions/v1/ops-executor` with the same engine in-process
**Project Type**: backend component of a single repository (Edge Function + SQL functions) shared with the Figma plugin and FigJam widget
**Performance Goals**: event flush at about 50 ms or 100 lines; 10,000 logged lines under 1 s of CPU per invocation; hand-back to continuation under 5 s; crash resume within one lease plus one drain interval
**Constraints**: 256 MB memory, 2 s CPU per request, 150 s (Free) or 400 s (paid) wall clock, 150 s idle timeout, 20 MB bundle; `_shared/` runs unchanged in Deno and Node (relative `.ts` imports, no Node built-ins, `npm:` only)
**Scale/Scope**: tens of concurrent runs per project, plans of up to 50 steps, up to 200,000 events per run, runs lasting from seconds to days (approval waits)

## Constitution Check

*GATE: checked before design and again after it. All gates pass; nothing is waived.*

| Principle | Gate | How this plan meets it | Status |
|-----------|------|------------------------|--------|
| I. No Run Left Behind | Claim is atomic; completion recorded before the next step; resume at first unfinished step | Lease + `SKIP LOCKED` claim; `record_step` checks the holder under the same row lock; start counter and attempt limit end poison runs | Pass |
| II. Gap-Free, Ordered Events | seq assigned in SQL, 1..N, batch replay is a no-op | `append_run_events` locks the run row, numbers from `last_seq + 1`, ignores a replay of the last batch id | Pass |
| III. Least Privilege and RLS | RLS and explicit grants everywhere; definer functions check callers | Executor functions granted to `service_role` only; cancel and approval check `created_by = auth.uid()`; entry checks `run_id` visibility with the caller's JWT | Pass |
| IV. Secrets Never Persisted | Secrets from environment only, masked everywhere | `secrets.ts` reads the environment; the runbook masker wraps the event writer, step results and artifacts; cron reads the service key from Vault | Pass |
| V. Dry Run Is Explicit | Every external call has a dry-run path that says so | `dry-run.ts` is the single path used by the `http` and `github_dispatch` steps | Pass |
| VI. Observable by Default | Phases, steps, retries, claims, resumes, decisions are events | Phase runner and engine emit them; errors carry phase, step and a fix | Pass |
| VII. Test-First Against Real Postgres | Tests precede code; concurrency tested on real Postgres | `test/db` runs on PGlite and real Postgres; kill-and-resume suite in `test/reliability` | Pass |

## Project Structure

### Documentation (this feature)

```text
spec/continue-orchestrator/
  constitution.md   principles and constraints (seeded into ops.spec_docs)
  prd.md            feature specification
  plan.md           this file
  tasks.md          task list
```

### Source Code (repository root)

```text
supabase/
  config.toml                         [api] schemas include "ops"; [functions.ops-executor]
  migrations/
    20250103000000_ops_schema.sql     tables, RLS, grants, realtime, SQL functions, seed
  functions/
    ops-executor/
      index.ts                        Deno.serve entry: CORS, caller check, run engine
      deno.json                       npm: specifier map
    _shared/
      executor/
        engine.ts                     drain loop: claim, run, hand back, repeat while budget lasts
        rpc.ts                        typed wrappers of the ops SQL functions
        lease.ts                      heartbeat timer; lease-lost and cancel signals
        budget.ts                     wall-clock budget and hand-back decision
        continue.ts                   continuation invocation
        phases.ts                     phases 0-4 and their events
        step-results.ts               start and completion records; resume point
        event-writer.ts               batching, batch ids, flush ordering, size caps
        secrets.ts                    environment lookup; required vs optional
        dry-run.ts                    the shared "would send" path
        errors.ts                     error normalisation, transient SQLSTATEs, backoff
        steps/
          http.ts  github-dispatch.ts  wait.ts  approval.ts  spec.ts
      runbook/
        schema.ts  parse.ts  plan.ts  interpolate.ts  mask.ts  intent.ts
local/
  server.ts                           Supabase-compatible stack (auth, rest, realtime, functions)
  functions.ts                        /functions/v1/ops-executor served by the same engine
  drain.ts                            interval drain of queued runs and expired leases
test/
  db/                                 claim, events, step results, cancel, approval, RLS matrix
  executor/                           run flow, resume, approval, cancel, dry run, masking
  reliability/                        executor killed mid-run, stack restarted
  deno/                               deno test of the function entry
bench/
  executor.bench.ts                   flush latency, lines per second, CPU per invocation
```

**Structure Decision**: Everything the function needs lives under `supabase/functions/_shared/` because the Supabase bundler does not reliably reach files outside `supabase/functions`; `local/` imports the same engine so the local stack and hosted Supabase run identical code. Dependencies point one way: `local/` and the function entry import `_shared/`, never the reverse. Until the migration first ships, the orchestrator's SQL functions live in `20250103000000_ops_schema.sql`; after that every change is a new migration file.

## SQL Interface

| Function | Caller | Contract |
|----------|--------|----------|
| `ops.claim_run(worker_id, run_id, lease_seconds)` | service_role | Given id, else oldest queued, else expired running lease; `SKIP LOCKED`; sets lease, `attempt + 1`, `running`; returns the run or nothing |
| `ops.heartbeat_run(run_id, worker_id, lease_seconds)` | service_role | Holder only; extends the lease; returns `lease_expires_at` and `cancel_requested` |
| `ops.append_run_events(run_id, worker_id, events, batch_id)` | service_role | Holder only; row lock; contiguous seq; returns the run's last seq; a replay of the last batch id inserts nothing |
| `ops.finish_run(run_id, worker_id, status, summary, error)` | service_role | Holder only; terminal status; clears the lease |
| `ops.set_run_plan(run_id, worker_id, plan)` | service_role | Holder only; stores the resolved plan once, at the first validation |
| `ops.record_step(run_id, worker_id, step_id, result)` | service_role | Holder only; merges one entry into `step_results` and sets `current_step` |
| `ops.add_run_artifact(run_id, worker_id, artifact)` | service_role | Holder only; a second write with the same key is a no-op |
| `ops.release_run(run_id, worker_id)` | service_role | Holder only; hands the run back (`queued`, no lease) before the cut-off |
| `ops.await_approval(run_id, worker_id, step_id)` | service_role | Holder only; parks the run in `waiting_approval` with no lease |
| `ops.request_cancel(run_id)` | authenticated | Owner only; queued and waiting runs canceled at once, running ones get `cancel_requested` |
| `ops.decide_approval(run_id, approve, note)` | authenticated | Owner only; `waiting_approval` only; approve requeues, reject cancels |

## Key Decisions

1. **Lease with `FOR UPDATE SKIP LOCKED`, not advisory locks.** The executor reaches Postgres through PostgREST, one transaction per request, so a session-level advisory lock cannot outlive the request that took it, and transaction pooling breaks session locks anyway. A lease in the row survives across requests, expires by itself when the holder dies, and is visible to the UI (`claimed_by`, `lease_expires_at`). Also rejected: a bare `status = 'queued'` update (no crash recovery) and a separate queue such as pgmq (a second source of truth that can disagree with `ops.runs`).
2. **seq assigned in SQL under the run-row lock, not by the client.** A client counter cannot survive a cut-off or two writers; an identity or sequence column leaves gaps on rollback, and the UI holds out-of-order events until gaps fill, so a gap would stall the log forever. Locking the run row serialises appends of one run only and costs one lock per batch of up to 100 lines.
3. **Batch ids make appends idempotent.** Because seq is assigned by the server, a retried batch would otherwise receive new seqs and duplicate lines. An executor flushes one batch at a time, so only its latest batch can be retried: the run row remembers the last batch id applied, and under the same row lock a replay of it inserts nothing. Rejected: a batch id on every event row (an index and a lookup on the hot path for a case the run row already covers) and never retrying (loses lines on a lost response).
4. **Step results on the run row, not a separate table.** The holder check and the completion write are one UPDATE of one row, so a stale executor can never record a step. Plans are small, so the jsonb stays small, and `ops.runs` is already in the realtime publication, so the plugin and FigJam card see step progress for free. Rejected: an `ops.step_runs` table (a second RLS, grant and realtime surface, and it would still need the run-row lock for atomicity).
5. **Release the lease while waiting for approval.** A function cannot outlive 150-400 s; holding the lease would make it expire and be reclaimed every minute, burning attempts and hiding real crashes. Approval parks the run in `waiting_approval` with no lease and the owner's decision requeues it. A wait longer than the budget is handed back with its deadline stored, so the next invocation waits only for the remainder; parking it until a deadline was rejected because claiming would then need a third kind of claimable run.
6. **Hand back before the cut-off and request a continuation.** Waiting for a killed executor's lease to expire plus the next cron tick leaves a 60-120 s hole in every long run. At budget minus 30 s the executor flushes, releases with `resume_at = now()` and invokes the function again; cron remains the backstop.
7. **Drain with the service role key from Vault.** A drain claims anyone's runs, so only the service role may start one; a signed-in user may only start their own run. The cron job reads the key from Supabase Vault at call time, so it never appears in the job's text. Rejected: draining with the anon key (anyone holding the public key could then make the function run work at will).
8. **Executor writes through supabase-js RPC with the service role, not a direct Postgres connection.** The same code runs against hosted Supabase and the local stack, with no pool to manage in a short-lived function; batching keeps round trips low.

## Complexity Tracking

| Added complexity | Why Needed | Simpler Alternative Rejected Because |
|------------------|------------|--------------------------------------|
| `last_batch_id` on `ops.runs` with a replay check | Exactly-once append under retries (Principle II) | Retrying without an id duplicates lines; not retrying loses them |
| Continuation invocation in addition to cron | Resume latency under 5 s for long runs | Cron alone adds up to two minutes of silence in every long run |
| Step start counter and attempt limit | A step that always crashes the function must end the run | Without them a poison run is reclaimed every minute forever |
| Wait deadlines stored in `step_results` | Waits longer than the wall clock | Holding the invocation is impossible; restarting the wait from zero never ends |
$seed$),
  ('continue-orchestrator/tasks', 'tasks.md',
$seed$# Tasks: Continue Orchestrator

**Input**: Design documents from `spec/continue-orchestrator/` (constitution.md, prd.md, plan.md)
**Prerequisites**: plan.md (required), prd.md (required for user stories)

**Tests**: Required. The constitution (Principle VII) makes every task test-first: the test task of a story is written and fails before its implementation tasks start.

**Organization**: Tasks are grouped by user story so each story can be implemented and tested on its own. Tasks already delivered by the foundation are checked.

## Format: `[ID] [P?] [Story] Description`

- **[P]**: Can run in parallel (different files, no dependencies on unfinished tasks)
- **[Story]**: The user story in prd.md the task belongs to (US1 to US6)
- Every task names the file it changes. Lines appended by the incident runbook's `spec` step arrive at the end of this document and are triaged into numbered tasks.

## Phase 1: Setup

**Purpose**: Repository layout and configuration shared by every story

- [x] T001 Create the layout of plan.md: supabase/functions/ops-executor/, supabase/functions/_shared/executor/, supabase/functions/_shared/runbook/, local/, test/
- [x] T002 [P] Expose schema `ops`, enable anonymous sign-ins and declare `[functions.ops-executor]` in supabase/config.toml
- [x] T003 [P] Map `npm:` specifiers for @supabase/supabase-js, zod and js-yaml in supabase/functions/ops-executor/deno.json

---

## Phase 2: Foundational

**Purpose**: Schema, SQL functions and executor plumbing that every story needs

**Critical**: No user story work starts before this phase is complete

- [x] T004 Create `ops.runs` with status check, `attempt`, `claimed_by`, `lease_expires_at`, `cancel_requested`, `dry_run`, `last_seq`, `plan`, `step_results` and partial indexes on claimable rows in supabase/migrations/20250103000000_ops_schema.sql
- [x] T005 Create append-only `ops.run_events` (unique `run_id, seq`), `ops.artifacts`, `ops.run_templates`, `ops.spec_docs` and revisions in supabase/migrations/20250103000000_ops_schema.sql
- [x] T006 Implement `ops.claim_run` (given id, oldest queued, expired lease; `FOR UPDATE SKIP LOCKED`) in supabase/migrations/20250103000000_ops_schema.sql
- [x] T007 Implement `ops.heartbeat_run` (holder only; returns `cancel_requested`) in supabase/migrations/20250103000000_ops_schema.sql
- [x] T008 Implement `ops.append_run_events` (run-row lock, contiguous seq, batch-id replay, holder only) in supabase/migrations/20250103000000_ops_schema.sql
- [x] T009 Implement `ops.finish_run` (holder only, terminal statuses, lease cleared) in supabase/migrations/20250103000000_ops_schema.sql
- [x] T010 Enable RLS with policies named as sentences, explicit grants for anon, authenticated and service_role, and add runs, run_events and artifacts to `supabase_realtime` in supabase/migrations/20250103000000_ops_schema.sql
- [x] T011 [P] Test claim races (8 workers, 0 double claims; given id, then oldest queued, then expired lease) on PGlite and real Postgres in test/db/claim.test.ts
- [x] T012 [P] Test seq contiguity under concurrent appenders, batch-id replay and refusal for non-holders in test/db/events.test.ts
- [x] T013 [P] Test the RLS matrix (anon, user A, user B, service role against every table and operation) in test/db/rls.test.ts
- [ ] T014 [P] Write typed wrappers for every ops SQL function in supabase/functions/_shared/executor/rpc.ts
- [ ] T015 [P] Normalise errors and retry SQLSTATE 40001, 40P01, connection loss and 5xx with jittered backoff in supabase/functions/_shared/executor/errors.ts
- [ ] T016 [P] Read secrets from the environment in supabase/functions/_shared/executor/secrets.ts and mask raw, URL-encoded and base64 values and Authorization headers in supabase/functions/_shared/runbook/mask.ts
- [ ] T017 Batch lines (about 50 ms or 100 lines), assign batch ids, retry with the same id, cap sizes (8 KB message, 64 KB data, 200,000 events) and flush before state changes in supabase/functions/_shared/executor/event-writer.ts
- [ ] T018 Run the heartbeat every 10 s and at step boundaries, raising lease-lost and cancel signals, in supabase/functions/_shared/executor/lease.ts

**Checkpoint**: The SQL contract is covered by tests and the executor can talk to it

---

## Phase 3: User Story 1 - Run a runbook end to end with a live log (Priority: P1) MVP

**Goal**: A queued run is claimed, executed through phases 0-4 and finished with a gap-free log

**Independent Test**: Seeded `deploy-web` for staging on the local stack with no internet ends `success` with seqs 1..N

- [ ] T019 [P] [US1] Write the failing end-to-end test (claim event first, phases announced in order, step failure ends `error` naming the step, seqs 1..N) in test/executor/run-flow.test.ts
- [ ] T020 [US1] Implement phases 0 validate, 1 preflight, 2 execute, 3 verify, 4 summarize with start and end events in supabase/functions/_shared/executor/phases.ts
- [ ] T021 [P] [US1] Implement the `http` step (method, headers, body, `expect_status`, timeout, retry) in supabase/functions/_shared/executor/steps/http.ts
- [ ] T022 [P] [US1] Implement the `github_dispatch` step (workflow dispatch with inputs, timeout) in supabase/functions/_shared/executor/steps/github-dispatch.ts
- [ ] T023 [P] [US1] Implement the `spec` step (a unified diff of the proposed change as a `diff` artifact) in supabase/functions/_shared/executor/steps/spec.ts
- [ ] T024 [US1] Implement the drain loop (claim given run, then keep claiming until nothing is claimable), summary and artifacts in supabase/functions/_shared/executor/engine.ts
- [ ] T025 [US1] Implement the entry (OPTIONS and CORS headers, `run_id` visibility check with the caller's JWT, JSON errors with status) in supabase/functions/ops-executor/index.ts

**Checkpoint**: Runs execute end to end when the plugin invokes the function

---

## Phase 4: User Story 2 - Continue a run after a cut-off or crash (Priority: P1)

**Goal**: Any invocation continues a run at its first unfinished step without repeating or losing anything

**Independent Test**: Kill the executor at every boundary and inside every step of a five-step run; each completed step is called once and the log is gap-free

- [ ] T026 [P] [US2] Write the failing kill-and-resume test with a counting HTTP stub in test/reliability/executor-kill.test.ts
- [x] T027 [US2] Implement `ops.record_step` (holder only) in supabase/migrations/20250103000000_ops_schema.sql with its test in test/db/step-results.test.ts
- [ ] T028 [US2] Record step starts and completions and compute the resume point, failing a step cut off three times and a run past the attempt limit, in supabase/functions/_shared/executor/step-results.ts
- [x] T029 [US2] Implement `ops.release_run` (hand-back) and `ops.await_approval` (park for approval) in supabase/migrations/20250103000000_ops_schema.sql
- [ ] T030 [US2] Track the wall-clock budget and hand back at budget minus 30 s in supabase/functions/_shared/executor/budget.ts and request the continuation in supabase/functions/_shared/executor/continue.ts
- [ ] T031 [P] [US2] Implement the `wait` step with its deadline stored in `step_results`, handing back waits beyond the budget, in supabase/functions/_shared/executor/steps/wait.ts

**Checkpoint**: Runs longer than the hosted wall clock complete; crashes are invisible in the log except for a resume line

---

## Phase 5: User Story 3 - Approve or reject a production change (Priority: P2)

**Goal**: Approval gates park the run in the database and resume it after the owner's decision

**Independent Test**: `deploy-web` for production stops in `waiting_approval`; approve resumes it, reject cancels it

- [ ] T032 [P] [US3] Write the failing approval test (park, owner approves, owner rejects, other user refused) in test/executor/approval.test.ts
- [x] T033 [US3] Implement `ops.decide_approval` (owner only, user event under the run-row lock) in supabase/migrations/20250103000000_ops_schema.sql
- [ ] T034 [US3] Implement the `approval` step in supabase/functions/_shared/executor/steps/approval.ts and insert policy approval steps in supabase/functions/_shared/runbook/plan.ts

---

## Phase 6: User Story 4 - Cancel a run (Priority: P2)

**Goal**: Owners stop runs at once when nothing holds them, otherwise at the next safe point

**Independent Test**: Cancel during a 20 s wait; the run ends `canceled` within one heartbeat and later steps never run

- [ ] T035 [P] [US4] Write the failing cancel test (queued, waiting, running, not owner, already finished) in test/executor/cancel.test.ts
- [x] T036 [US4] Implement `ops.request_cancel` (owner only; queued and waiting runs canceled at once) in supabase/migrations/20250103000000_ops_schema.sql
- [ ] T037 [US4] Check cancel at safe points (before each step, between retries, during waits, on heartbeat) and finish as `canceled` in supabase/functions/_shared/executor/engine.ts

---

## Phase 7: User Story 5 - Dry-run a runbook with secrets masked (Priority: P2)

**Goal**: Every external call can be simulated exactly, and no secret reaches the database

**Independent Test**: Both seeded templates with `dry_run = true` make no request; canary secrets appear nowhere

- [ ] T038 [P] [US5] Write the failing dry-run and canary-secret test with a network layer that fails when called in test/executor/dry-run.test.ts
- [ ] T039 [US5] Implement the shared `DRY RUN:` path (masked method, URL, headers, body; reason recorded in the step result) in supabase/functions/_shared/executor/dry-run.ts
- [ ] T040 [US5] Fail phase 0 on missing required secrets and dry-run steps whose optional secret is missing in supabase/functions/_shared/executor/phases.ts

---

## Phase 8: User Story 6 - Runs drain without anyone watching (Priority: P3)

**Goal**: Queued runs and expired leases are picked up with no plugin open

**Independent Test**: A run inserted without an invoke is finished by the local drain

- [ ] T041 [P] [US6] Write the failing drain test (uninvoked run, crashed run, racing drains) in test/executor/drain.test.ts
- [ ] T042 [US6] Drain queued runs and expired leases on an interval in local/drain.ts

---

## Phase 9: Polish & Cross-Cutting Concerns

- [ ] T043 [P] Measure flush latency, lines per second and CPU per invocation in bench/executor.bench.ts
- [ ] T044 [P] Document deploying the function, setting its secrets and scheduling the pg_cron + pg_net drain with the service key from Vault in README.md
- [ ] T045 Run `deno check` and `deno test` of test/deno/ops-executor.test.ts and the new suites in .ci/run

## Dependencies & Execution Order

### Phase Dependencies

- **Setup (Phase 1)** and the checked tasks of **Foundational (Phase 2)** are done.
- **Foundational (Phase 2)**: T011-T013 cover the landed SQL and come first; T014-T018 can then proceed, T017 and T018 after T014 and T015. The phase blocks every user story.
- **User Stories (Phases 3-8)**: start after Phase 2, in priority order P1, P2, P3, or in parallel where staffed.
- **Polish (Phase 9)**: after the stories it documents or measures.

### User Story Dependencies

- **US1 (P1)**: depends only on Phase 2.
- **US2 (P1)**: depends on US1's engine (T024); T031 also needs T029.
- **US3 (P2)**: needs `ops.await_approval` (T029) to park the run.
- **US4 (P2)**: needs the engine (T024) and the lease signals (T018); independent of US3.
- **US5 (P2)**: needs the `http` and `github_dispatch` steps (T021, T022).
- **US6 (P3)**: needs the engine (T024); its crash case needs US2.

### Within Each User Story

- The test task is written first and must fail; SQL functions before the executor code that calls them; steps before the engine wiring.

### Parallel Opportunities

- T011-T016 touch different files and can run together.
- Within US1, T021, T022 and T023 are separate step files.
- Each story's test task can be written while the previous story is implemented.
$seed$)
on conflict (slug) do nothing;
