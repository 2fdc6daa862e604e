-- Attempts count crashes, not hand-backs.
--
-- ops.runs.attempt is the executor's safety limit: a run claimed more than 10 times ends "the
-- executor gave up after 10 attempts". ops.claim_run adds 1 on every claim. Until now a run that
-- handed itself back on purpose (its invocation's time was nearly up, e.g. during a long `wait`,
-- or the runtime was shutting down) or parked for approval (ops.decide_approval requeues it)
-- used up an attempt each time, so a long-waiting run ended "gave up" without any failure.
--
-- From now on `attempt` counts the claims that did not end in a voluntary hand-back: the two
-- functions by which the lease holder gives its run back, ops.release_run (hand-back, run queued
-- again) and ops.await_approval (parked until approved, then requeued), take back the attempt of
-- the claim they end (attempt - 1, never below 0). The next claim adds it again, so the resumed
-- run shows the same attempt number. A claim whose holder vanished (crash, kill, lost network:
-- its lease expired) is never taken back, so only those count toward the limit.
--
-- Signatures, results and permissions are unchanged (create or replace keeps the grants; they
-- are restated below): only the lease holder (service role) may call either function.
-- ops.claim_run and ops.decide_approval are not changed.

create or replace function ops.release_run(p_run_id uuid, p_worker text)
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
  set status = 'queued', claimed_by = null, lease_expires_at = null, attempt = greatest(attempt - 1, 0)
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

create or replace function ops.await_approval(p_run_id uuid, p_worker text, p_step_id text)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
  e ops.environments;
  requirement jsonb;
begin
  r := ops.lock_leased_run(p_run_id, p_worker);
  select * into e from ops.environments where workspace_id = r.workspace_id and name = r.env;
  requirement := jsonb_build_object(
    'status', 'running',
    'waiting_since', now(),
    'required', case when p_step_id = 'environment-approval' then coalesce(e.required_approvals, 1) else 1 end,
    'approver_role', coalesce(e.approver_role, 'approver'),
    'prevent_self_review', coalesce(e.protected and e.prevent_self_review, false),
    'approvals', '[]'::jsonb);
  update ops.runs
  set status = 'waiting_approval',
      current_step = p_step_id,
      step_results = step_results || jsonb_build_object(p_step_id, requirement),
      claimed_by = null,
      lease_expires_at = null,
      attempt = greatest(attempt - 1, 0)
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

revoke execute on function ops.release_run(uuid, text), ops.await_approval(uuid, text, text) from public, anon, authenticated;
grant execute on function ops.release_run(uuid, text) to service_role;
grant execute on function ops.await_approval(uuid, text, text) to service_role;
