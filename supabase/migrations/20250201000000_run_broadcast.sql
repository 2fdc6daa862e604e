-- Run events reach their subscribers as Broadcast from the database, within Realtime's quotas.
--
-- Before: every log line was one postgres_changes message per subscriber, each checked by RLS one
-- subscriber at a time. Hosted Realtime counts every message it sends (Free 100/s, Pro 500/s per
-- project) and drops sockets past the cap, so one busy run could take a project over it.
--
-- Now: each appended batch of events (one INSERT statement into ops.run_events: the executor's
-- append, or an owner's action that logs a line) is sent once, as ONE Broadcast message, on the
-- private topic `run:<run id>`. The executor's writer sends at most one batch per run every 50 ms
-- under load, so a run costs at most 20 messages per second per subscriber at any line rate.
-- Every append also moves ops.runs.last_seq, which as postgres_changes would be a second message
-- per batch per subscriber; so the run's row goes out on the same topic (event `run`) only when
-- something a viewer sees changed (status, step, summary, …), never for last_seq, the batch id, the
-- lease or updated_at alone. The same rule feeds the run history: a run that is started, changes
-- what a viewer sees or is deleted goes out on its workspace's private topic
-- `workspace:<workspace id>:runs` (event `run`, or `run_deleted` with the id), so an open Runs
-- tab hears a few messages per run rather than one per log batch of every run. Artifacts stay on
-- postgres_changes (a few per run). ops.runs and ops.run_events stay in the publication for older
-- clients.
--
-- Who may do what:
-- - receive (join the private channel `run:<run id>`): members of the run's workspace (any role),
--   the same rule as the run's own read policy; nobody else (outsiders, anon);
-- - receive a workspace's run changes (join `workspace:<workspace id>:runs`): its members (any
--   role), the rule of "Members see their workspace's runs"; nobody else;
-- - send on a run topic from a client: nobody (no INSERT policy on realtime.messages);
-- - send from the database: the trigger below, as the table owner.
--
-- `realtime.messages`, `realtime.send` and `realtime.topic()` are the hosted platform's (the local
-- stack's bootstrap provides stand-ins with the same signatures); this file never creates them.

-- The Broadcast payload of one batch: {run_id, events:[rows in seq order]}. A batch whose JSON would
-- exceed the limit below goes out as {run_id, from_seq, to_seq, truncated: true} instead, and
-- subscribers read those lines over REST: hosted Realtime drops a Broadcast over the project's
-- payload limit (256 KB on Free), which would leave a silent gap.
create function ops.broadcast_run_events() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  b record;
  payload jsonb;
begin
  for b in
    select a.run_id,
           jsonb_agg(to_jsonb(a) order by a.seq) as events,
           min(a.seq) as from_seq,
           max(a.seq) as to_seq
    from added a
    group by a.run_id
  loop
    payload := jsonb_build_object('run_id', b.run_id, 'events', b.events);
    -- 200,000 bytes of JSON: under Free's 256 KB with room for the envelope.
    if octet_length(payload::text) > 200000 then
      payload := jsonb_build_object('run_id', b.run_id, 'from_seq', b.from_seq, 'to_seq', b.to_seq, 'truncated', true);
    end if;
    perform realtime.send(payload, 'events', 'run:' || b.run_id::text, true);
  end loop;
  return null;
end
$$;

revoke all on function ops.broadcast_run_events() from public;

create trigger run_events_broadcast
  after insert on ops.run_events
  referencing new table as added
  for each statement execute function ops.broadcast_run_events();

-- The run's row, to its topic and its workspace's, when more than its log position, lease or update
-- time changed; a new run and a deleted one to its workspace's. The row is what members read
-- through the runs policy (secret_inputs is always null when stored).
create function ops.broadcast_run_change() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  quiet constant text[] := array['last_seq', 'last_batch_id', 'lease_expires_at', 'updated_at'];
begin
  if tg_op = 'DELETE' then
    perform realtime.send(jsonb_build_object('id', old.id), 'run_deleted', 'workspace:' || old.workspace_id::text || ':runs', true);
  elsif tg_op = 'INSERT' then
    perform realtime.send(jsonb_build_object('run', to_jsonb(new)), 'run', 'workspace:' || new.workspace_id::text || ':runs', true);
  elsif (to_jsonb(new) - quiet) is distinct from (to_jsonb(old) - quiet) then
    perform realtime.send(jsonb_build_object('run', to_jsonb(new)), 'run', 'run:' || new.id::text, true);
    perform realtime.send(jsonb_build_object('run', to_jsonb(new)), 'run', 'workspace:' || new.workspace_id::text || ':runs', true);
  end if;
  return null;
end
$$;

revoke all on function ops.broadcast_run_change() from public;

create trigger runs_broadcast
  after insert or update or delete on ops.runs
  for each row execute function ops.broadcast_run_change();

-- Receiving a run's events: the workspace's members, as "Members see their workspace's run events".
-- The topic is compared as text, so a topic that names no run (or no uuid) simply matches nothing.
create policy "Members receive their workspace's run events" on realtime.messages
  for select to authenticated
  using (
    extension = 'broadcast'
    and exists (
      select 1 from ops.runs r
      where 'run:' || r.id::text = (select realtime.topic())
        and r.workspace_id in (select ops.my_workspace_ids())
    )
  );

-- Receiving a workspace's run changes: its members, as "Members see their workspace's runs".
create policy "Members receive their workspace's run changes" on realtime.messages
  for select to authenticated
  using (
    extension = 'broadcast'
    and exists (
      select 1 from ops.workspaces w
      where 'workspace:' || w.id::text || ':runs' = (select realtime.topic())
        and w.id in (select ops.my_workspace_ids())
    )
  );
