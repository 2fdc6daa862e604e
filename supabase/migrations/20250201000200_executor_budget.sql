-- The executor's budget: fewer, smaller round trips per step.
--
-- ops.record_step_with_events records a step's state, the log lines the executor wrote since its
-- last call, and a lease extension (the heartbeat) in one call, and answers only what the
-- executor needs next: the run's last seq and whether a cancel was requested. A step therefore
-- costs two calls (running, then its outcome) instead of five, and nothing grows with the number
-- of steps (ops.record_step answered the whole row, or with a select its step results).
--
-- Who may call it: the service role only (the executor), like every executor function; it checks
-- the lease like the others, so only the executor holding the run writes to it. The events go
-- through ops.append_run_events, so seq stays contiguous, a retried batch id is not applied
-- twice, and whatever append does with a batch it does here too.
create function ops.record_step_with_events(
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
     or (p_result ->> 'status') not in ('running', 'succeeded', 'failed', 'skipped') then
    raise exception 'step result must be an object whose status is running, succeeded, failed or skipped'
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

revoke execute on function ops.record_step_with_events(uuid, text, text, jsonb, jsonb, uuid, int)
  from public, anon, authenticated;
grant execute on function ops.record_step_with_events(uuid, text, text, jsonb, jsonb, uuid, int) to service_role;
