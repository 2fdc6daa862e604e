-- Ops Control Room: what the plugin's team views read that plain table reads cannot say.
--
-- The approvals inbox shows, for a run waiting for a decision, what changed in its template since
-- the last run of it that was approved. Who may ask: any member of the run's workspace (viewers
-- read everything there); outsiders and anon learn nothing.

-- The template revision a run pinned, and the one the most recent earlier run of the same template
-- in the same workspace pinned when its approval passed (a step of it records decision
-- 'approved', which ops.decide_approval writes only once the required approvals are in). No row
-- for a run the caller cannot see; baseline columns null when no earlier run of it was approved.
--
-- Security invoker: row-level security on runs and template_revisions decides, so a non-member
-- sees no run and gets PT404, exactly as for a run that does not exist.
create function ops.approval_baseline(p_run_id uuid)
returns table (
  run_revision int,
  run_yaml text,
  baseline_run_id uuid,
  baseline_revision int,
  baseline_yaml text,
  baseline_approved_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  r ops.runs;
  mine ops.template_revisions;
  before_run ops.runs;
  before_rev ops.template_revisions;
begin
  if auth.uid() is null then
    raise exception 'reading a run''s approval baseline needs a signed-in user' using errcode = '42501';
  end if;
  select * into r from ops.runs where id = p_run_id;
  if not found then
    raise exception 'run % does not exist', p_run_id using errcode = 'PT404';
  end if;
  select * into mine from ops.template_revisions where id = r.template_revision_id;
  select b.* into before_run
  from ops.runs b
  where b.workspace_id = r.workspace_id
    and b.template_slug = r.template_slug
    and b.id <> r.id
    and b.created_at <= r.created_at
    and exists (select 1 from jsonb_each(b.step_results) s where s.value ->> 'decision' = 'approved')
  order by b.created_at desc, b.id desc
  limit 1;
  if before_run.id is not null then
    select * into before_rev from ops.template_revisions where id = before_run.template_revision_id;
  end if;
  return query select mine.revision, mine.template_yaml, before_run.id, before_rev.revision, before_rev.template_yaml,
    (select max(a.decided_at) from ops.run_approvals a where a.run_id = before_run.id and a.decision = 'approved');
end
$$;

revoke execute on function ops.approval_baseline(uuid) from public, anon;
grant execute on function ops.approval_baseline(uuid) to authenticated;
