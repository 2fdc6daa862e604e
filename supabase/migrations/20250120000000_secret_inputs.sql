-- Secret-typed inputs at rest.
--
-- The value a starter types into a `type: secret` input is the run's own secret: it must never
-- sit in ops.runs, which every member of the workspace reads through REST and Realtime. Who may
-- do what:
--
-- * ops.run_secret_inputs (run_id, inputs): the values, one row per run. RLS on, no policy, no
--   grant to anon or authenticated, not in the supabase_realtime publication. Only the service
--   role (the executor) reads it; nobody writes it directly: rows come from the trigger below and
--   go when their run ends (success, error or canceled) or is deleted.
-- * ops.runs.secret_inputs: write-only. The starter (an operator inserting the run, as with every
--   other column) puts the values here in the INSERT; a BEFORE INSERT trigger moves them into
--   ops.run_secret_inputs and stores null, so the row, the insert's own answer and every Realtime
--   change carry null. Setting it in an UPDATE is refused, for every role.
-- * The database does not know a template's input types (they live in its YAML). A secret-typed
--   input sent in plain ops.runs.inputs is refused by the executor at validation: it erases
--   those keys from ops.runs.inputs (ops.erase_run_inputs) and fails the run saying which input
--   and how to send it. The plugin never sends one that way.

create table ops.run_secret_inputs (
  -- Deferred: the trigger writes this row before its run's row exists (both in one statement).
  run_id uuid primary key references ops.runs (id) on delete cascade deferrable initially deferred,
  inputs jsonb not null
    constraint run_secret_inputs_object check (jsonb_typeof(inputs) = 'object' and octet_length(inputs::text) <= 65536),
  created_at timestamptz not null default now()
);
comment on table ops.run_secret_inputs is
  'Values of a run''s secret-typed inputs; only the service role reads them; deleted when the run ends';

alter table ops.runs add column secret_inputs jsonb;
comment on column ops.runs.secret_inputs is
  'Write-only: secret-typed input values given in the INSERT; moved to ops.run_secret_inputs, always null when read';

revoke all on ops.run_secret_inputs from public, anon, authenticated, service_role;
grant select on ops.run_secret_inputs to service_role;
alter table ops.run_secret_inputs enable row level security;
-- No policy: the service role bypasses RLS; anon and authenticated have no grant either.

-- Moves the values out of the row being inserted; refuses them in an update.
create function ops.keep_secret_inputs_private() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.secret_inputs is not null then
      raise exception 'ops.runs.secret_inputs is given only when the run is inserted; it cannot be set afterwards'
        using errcode = '42501',
              hint = 'Start a new run with the secret inputs in its INSERT.';
    end if;
    return new;
  end if;
  if new.secret_inputs is null then
    return new;
  end if;
  if jsonb_typeof(new.secret_inputs) <> 'object' then
    raise exception 'ops.runs.secret_inputs must be a JSON object of input keys and values, not %', jsonb_typeof(new.secret_inputs)
      using errcode = '22023';
  end if;
  if exists (select 1 from jsonb_each(new.secret_inputs) e where jsonb_typeof(e.value) not in ('string', 'number')) then
    raise exception 'ops.runs.secret_inputs holds a value that is not text: %',
      (select string_agg(e.key, ', ' order by e.key) from jsonb_each(new.secret_inputs) e where jsonb_typeof(e.value) not in ('string', 'number'))
      using errcode = '22023';
  end if;
  if octet_length(new.secret_inputs::text) > 65536 then
    raise exception 'ops.runs.secret_inputs is larger than 64 KB' using errcode = '22023';
  end if;
  if new.secret_inputs <> '{}'::jsonb then
    insert into ops.run_secret_inputs (run_id, inputs) values (new.id, new.secret_inputs);
  end if;
  new.secret_inputs := null;
  return new;
end
$$;

create trigger runs_keep_secret_inputs_private before insert or update on ops.runs
  for each row execute function ops.keep_secret_inputs_private();

-- A run that ended needs its secret inputs no more.
create function ops.forget_secret_inputs() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from ops.run_secret_inputs where run_id = new.id;
  return null;
end
$$;

create trigger runs_forget_secret_inputs after update of status on ops.runs
  for each row when (new.status in ('success', 'error', 'canceled') and old.status is distinct from new.status)
  execute function ops.forget_secret_inputs();

-- The executor, holding the lease, erases input keys that must not stay readable (secret-typed
-- inputs sent in plain ops.runs.inputs) before it refuses the run.
create function ops.erase_run_inputs(p_run_id uuid, p_worker text, p_keys text[])
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
begin
  perform ops.lock_leased_run(p_run_id, p_worker);
  update ops.runs set inputs = inputs - p_keys where id = p_run_id returning * into r;
  return r;
end
$$;

revoke execute on function ops.keep_secret_inputs_private() from public, anon, authenticated, service_role;
revoke execute on function ops.forget_secret_inputs() from public, anon, authenticated, service_role;
revoke execute on function ops.erase_run_inputs(uuid, text, text[]) from public, anon, authenticated, service_role;
grant execute on function ops.erase_run_inputs(uuid, text, text[]) to service_role;
