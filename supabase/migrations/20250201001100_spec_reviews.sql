-- Spec review: review requests, decisions and required reviewers of Spec Kit documents.
--
-- An operator asks members to review the revision they see; each reviewer approves it or requests
-- changes with a summary; an admin names the people whose approval a document always needs. The
-- document's state (ops.spec_review_state) is derived from these rows and the document's current
-- version, never stored: a save that makes a new version turns every earlier approval stale at
-- once (kept, and shown as such in the history), whether it came through ops.save_spec_doc, a
-- proposal applied or a plain UPDATE.
--
-- Who may do what, in the document's workspace:
-- - read requests, decisions, required reviewers and the state: members (any role);
-- - request a review: operators and up, of the current version, asking members;
-- - approve or request changes: approvers and admins, and any member the document names as a
--   required reviewer or a review request asked (a viewer may decide only then), on the current
--   version only;
-- - name required reviewers: admins;
-- - outsiders and anon: nothing (no row, no function, no Broadcast).
-- Rows are written only by the functions below (security definer, each checking the caller);
-- members get SELECT and nothing else.
--
-- Live: each change goes out once on the workspace's private Broadcast topic
-- `workspace:<workspace id>:spec` as event `review` with {doc_id}; a new version of a document
-- too, since it changes the state. Subscribers read the state again over REST.

create table ops.spec_review_requests (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  doc_id uuid not null references ops.spec_docs (id) on delete cascade,
  doc_version int not null constraint spec_review_requests_version_positive check (doc_version > 0),
  requested_by uuid references auth.users (id) on delete set null,
  reviewer_ids uuid[] not null
    constraint spec_review_requests_reviewers_count check (cardinality(reviewer_ids) between 1 and 50),
  note text constraint spec_review_requests_note_length check (char_length(note) <= 2000),
  created_at timestamptz not null default now()
);
comment on table ops.spec_review_requests is 'Who was asked to review which version of a spec doc; written by ops.request_spec_review';
create index spec_review_requests_doc_idx on ops.spec_review_requests (doc_id, created_at desc);

create table ops.spec_review_decisions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  doc_id uuid not null references ops.spec_docs (id) on delete cascade,
  doc_version int not null constraint spec_review_decisions_version_positive check (doc_version > 0),
  -- Null once the person is deleted: the decision stays in the history.
  reviewer_id uuid references auth.users (id) on delete set null,
  decision text not null constraint spec_review_decisions_decision_valid check (decision in ('approved', 'changes_requested')),
  summary text not null default '' constraint spec_review_decisions_summary_length check (char_length(summary) <= 5000),
  created_at timestamptz not null default now()
);
comment on table ops.spec_review_decisions is 'Approvals and change requests of spec doc versions; an approval of an older version is stale';
create index spec_review_decisions_doc_idx on ops.spec_review_decisions (doc_id, created_at desc);

create table ops.spec_required_reviewers (
  doc_id uuid not null references ops.spec_docs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  added_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (doc_id, user_id)
);
comment on table ops.spec_required_reviewers is 'People whose approval a spec doc needs; named by the workspace''s admins';

revoke all on ops.spec_review_requests, ops.spec_review_decisions, ops.spec_required_reviewers from anon, authenticated;
grant select on ops.spec_review_requests, ops.spec_review_decisions, ops.spec_required_reviewers to authenticated;
grant select, insert, update, delete on ops.spec_review_requests, ops.spec_review_decisions, ops.spec_required_reviewers to service_role;

alter table ops.spec_review_requests enable row level security;
alter table ops.spec_review_decisions enable row level security;
alter table ops.spec_required_reviewers enable row level security;

create policy "Members see their workspace's review requests" on ops.spec_review_requests
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Members see their workspace's review decisions" on ops.spec_review_decisions
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Members see their documents' required reviewers" on ops.spec_required_reviewers
  for select to authenticated
  using (exists (select 1 from ops.spec_docs d where d.id = doc_id and d.workspace_id in (select ops.my_workspace_ids())));

-- The document, locked, for a function acting on it; refuses a caller below p_min the same way
-- whether the document is in another workspace or does not exist (an outsider learns nothing).
create function ops.spec_doc_for_review(p_doc_id uuid, p_min text, p_what text) returns ops.spec_docs
language plpgsql
security definer
set search_path = ''
as $$
declare
  d ops.spec_docs;
begin
  if auth.uid() is null then
    raise exception '% needs a signed-in user', p_what using errcode = '42501';
  end if;
  select * into d from ops.spec_docs where id = p_doc_id for update;
  if not found or not ops.has_role(d.workspace_id, 'viewer') then
    raise exception '% needs membership of the document''s workspace', p_what using errcode = '42501';
  end if;
  perform ops.require_role(d.workspace_id, p_min, p_what);
  return d;
end
$$;

-- A review is of the version the caller sees; an older one would be a review of text that is gone.
create function ops.require_current_version(d ops.spec_docs, p_version int, p_what text) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_version is distinct from d.version then
    raise exception '% of version % is refused: % is now at version %', p_what, coalesce(p_version::text, 'null'), d.title, d.version
      using errcode = 'PT409',
            hint = 'Reload the document and review its latest version.';
  end if;
end
$$;

-- Refuses any id that is not a member of the workspace (outsiders cannot be asked or named).
create function ops.require_members(p_workspace uuid, p_user_ids uuid[], p_what text) returns void
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  stranger uuid;
begin
  select u into stranger from unnest(p_user_ids) u
  where u is null or not exists (select 1 from ops.workspace_members m where m.workspace_id = p_workspace and m.user_id = u)
  limit 1;
  if found then
    raise exception '% can only name members of this workspace; % is not one', p_what, coalesce(stranger::text, 'null')
      using errcode = '22023';
  end if;
end
$$;

create function ops.broadcast_spec_review(p_workspace uuid, p_doc_id uuid) returns void
language sql
security definer
set search_path = ''
as $$
  select realtime.send(jsonb_build_object('doc_id', p_doc_id), 'review', 'workspace:' || p_workspace::text || ':spec', true)
$$;

-- An operator asks members to review the version they see. Asking again (more people, a new
-- version) adds a request; the earlier ones stay in the history.
create function ops.request_spec_review(p_doc_id uuid, p_doc_version int, p_reviewer_ids uuid[], p_note text default null)
returns ops.spec_review_requests
language plpgsql
security definer
set search_path = ''
as $$
declare
  d ops.spec_docs;
  reviewers uuid[];
  r ops.spec_review_requests;
begin
  d := ops.spec_doc_for_review(p_doc_id, 'operator', 'requesting a review');
  perform ops.require_current_version(d, p_doc_version, 'a review request');
  select coalesce(array_agg(distinct u), '{}') into reviewers from unnest(coalesce(p_reviewer_ids, '{}')) u;
  if cardinality(reviewers) = 0 then
    raise exception 'a review request needs at least one reviewer' using errcode = '22023';
  end if;
  if cardinality(reviewers) > 50 then
    raise exception 'a review request can ask at most 50 reviewers, not %', cardinality(reviewers) using errcode = '22023';
  end if;
  if auth.uid() = any (reviewers) then
    raise exception 'you cannot ask yourself to review: ask other members' using errcode = '22023';
  end if;
  perform ops.require_members(d.workspace_id, reviewers, 'a review request');
  if char_length(p_note) > 2000 then
    raise exception 'a review request''s note is at most 2,000 characters, not %', char_length(p_note) using errcode = '22023';
  end if;
  insert into ops.spec_review_requests (workspace_id, doc_id, doc_version, requested_by, reviewer_ids, note)
  values (d.workspace_id, d.id, d.version, auth.uid(), reviewers, nullif(btrim(p_note), ''))
  returning * into r;
  perform ops.broadcast_spec_review(d.workspace_id, d.id);
  return r;
end
$$;

-- A reviewer approves the current version or requests changes with a summary. Approvers and
-- admins may always; any other member only when the document names them as a required reviewer
-- or a review request of it asked them. Deciding again adds a decision; the latest one counts.
create function ops.decide_spec_review(p_doc_id uuid, p_doc_version int, p_decision text, p_summary text default '')
returns ops.spec_review_decisions
language plpgsql
security definer
set search_path = ''
as $$
declare
  d ops.spec_docs;
  r ops.spec_review_decisions;
  summary text := btrim(coalesce(p_summary, ''));
begin
  d := ops.spec_doc_for_review(p_doc_id, 'viewer', 'reviewing a spec document');
  if not ops.has_role(d.workspace_id, 'approver')
     and not exists (select 1 from ops.spec_required_reviewers q where q.doc_id = d.id and q.user_id = auth.uid())
     and not exists (select 1 from ops.spec_review_requests q where q.doc_id = d.id and auth.uid() = any (q.reviewer_ids)) then
    raise exception 'approving or requesting changes needs the approver role (or higher) in this workspace, or to be named as a reviewer of this document'
      using errcode = '42501';
  end if;
  if p_decision is null or p_decision not in ('approved', 'changes_requested') then
    raise exception 'a review decision is "approved" or "changes_requested", not "%"', coalesce(left(p_decision, 40), 'null')
      using errcode = '22023';
  end if;
  perform ops.require_current_version(d, p_doc_version, 'a review decision');
  if p_decision = 'changes_requested' and summary = '' then
    raise exception 'requesting changes needs a summary that says which' using errcode = '22023';
  end if;
  if char_length(summary) > 5000 then
    raise exception 'a review summary is at most 5,000 characters, not %', char_length(summary) using errcode = '22023';
  end if;
  insert into ops.spec_review_decisions (workspace_id, doc_id, doc_version, reviewer_id, decision, summary)
  values (d.workspace_id, d.id, d.version, auth.uid(), p_decision, summary)
  returning * into r;
  perform ops.broadcast_spec_review(d.workspace_id, d.id);
  return r;
end
$$;

-- An admin names the people whose approval the document needs (replacing the list; empty clears it).
create function ops.set_spec_required_reviewers(p_doc_id uuid, p_user_ids uuid[])
returns setof ops.spec_required_reviewers
language plpgsql
security definer
set search_path = ''
as $$
declare
  d ops.spec_docs;
  wanted uuid[];
begin
  d := ops.spec_doc_for_review(p_doc_id, 'admin', 'naming required reviewers');
  select coalesce(array_agg(distinct u), '{}') into wanted from unnest(coalesce(p_user_ids, '{}')) u;
  if cardinality(wanted) > 20 then
    raise exception 'a document can name at most 20 required reviewers, not %', cardinality(wanted) using errcode = '22023';
  end if;
  perform ops.require_members(d.workspace_id, wanted, 'required reviewers');
  delete from ops.spec_required_reviewers where doc_id = d.id and not (user_id = any (wanted));
  insert into ops.spec_required_reviewers (doc_id, user_id, added_by)
  select d.id, u, auth.uid() from unnest(wanted) u
  on conflict (doc_id, user_id) do nothing;
  perform ops.broadcast_spec_review(d.workspace_id, d.id);
  return query select * from ops.spec_required_reviewers where doc_id = d.id order by created_at, user_id;
end
$$;

-- The document's review state, read with the caller's rights (an outsider's document is not found):
--   changes_requested      a reviewer's latest decision on the current version asks for changes;
--   approved               the current version is approved, by every required reviewer if any;
--   in_review              a request or an approval is waiting for (more) decisions;
--   changed_since_approval an earlier version was approved and nobody was asked since;
--   not_requested          nothing yet.
-- Each reviewer's latest decision counts; decisions on older versions are `stale`, never deleted.
create function ops.spec_review_state(p_doc_id uuid) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  d ops.spec_docs;
  required uuid[];
  requested uuid[];
  requested_version int;
  approved_now uuid[];
  changes_now int;
  approved_version int;
  decisions jsonb;
  state text;
begin
  select * into d from ops.spec_docs where id = p_doc_id;
  if not found then
    raise exception 'spec doc % was not found', p_doc_id using errcode = 'PT404';
  end if;
  -- Someone who left the workspace no longer holds the document up.
  select coalesce(array_agg(q.user_id order by q.created_at, q.user_id), '{}') into required
  from ops.spec_required_reviewers q
  join ops.workspace_members m on m.workspace_id = d.workspace_id and m.user_id = q.user_id
  where q.doc_id = d.id;
  select q.reviewer_ids, q.doc_version into requested, requested_version
  from ops.spec_review_requests q where q.doc_id = d.id order by q.created_at desc, q.id limit 1;
  -- Each reviewer's latest decision on the current version.
  with latest as (
    select distinct on (x.reviewer_id) x.reviewer_id, x.decision
    from ops.spec_review_decisions x
    where x.doc_id = d.id and x.doc_version = d.version and x.reviewer_id is not null
    order by x.reviewer_id, x.created_at desc, x.id desc
  )
  select coalesce(array_agg(reviewer_id) filter (where decision = 'approved'), '{}'),
         count(*) filter (where decision = 'changes_requested')
  into approved_now, changes_now
  from latest;
  select max(x.doc_version) into approved_version
  from ops.spec_review_decisions x where x.doc_id = d.id and x.decision = 'approved';
  select coalesce(jsonb_agg(jsonb_build_object(
           'reviewer_id', x.reviewer_id, 'decision', x.decision, 'doc_version', x.doc_version,
           'summary', x.summary, 'created_at', x.created_at, 'stale', x.doc_version < d.version)
           order by x.created_at desc, x.id), '[]'::jsonb)
  into decisions
  from ops.spec_review_decisions x where x.doc_id = d.id;

  if changes_now > 0 then
    state := 'changes_requested';
  elsif cardinality(approved_now) > 0 and required <@ approved_now then
    state := 'approved';
  elsif cardinality(approved_now) > 0 or requested_version = d.version then
    state := 'in_review';
  elsif approved_version is not null and (requested_version is null or requested_version <= approved_version) then
    state := 'changed_since_approval';
  elsif requested_version is not null or jsonb_array_length(decisions) > 0 then
    state := 'in_review';
  else
    state := 'not_requested';
  end if;

  return jsonb_build_object(
    'state', state,
    'version', d.version,
    'approved_version', approved_version,
    'decisions', decisions,
    'requested', to_jsonb(coalesce(requested, '{}')),
    'required', to_jsonb(required)
  );
end
$$;

-- A new version changes the state (approvals turn stale): the workspace hears it.
create function ops.broadcast_spec_doc_version() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.version is distinct from old.version then
    perform ops.broadcast_spec_review(new.workspace_id, new.id);
  end if;
  return null;
end
$$;

create trigger spec_docs_broadcast_review after update on ops.spec_docs
  for each row execute function ops.broadcast_spec_doc_version();

revoke all on function ops.spec_doc_for_review(uuid, text, text) from public, anon, authenticated;
revoke all on function ops.require_current_version(ops.spec_docs, int, text) from public, anon, authenticated;
revoke all on function ops.require_members(uuid, uuid[], text) from public, anon, authenticated;
revoke all on function ops.broadcast_spec_review(uuid, uuid) from public, anon, authenticated;
revoke all on function ops.broadcast_spec_doc_version() from public, anon, authenticated;
revoke all on function ops.request_spec_review(uuid, int, uuid[], text) from public, anon;
revoke all on function ops.decide_spec_review(uuid, int, text, text) from public, anon;
revoke all on function ops.set_spec_required_reviewers(uuid, uuid[]) from public, anon;
revoke all on function ops.spec_review_state(uuid) from public, anon;
grant execute on function ops.request_spec_review(uuid, int, uuid[], text) to authenticated, service_role;
grant execute on function ops.decide_spec_review(uuid, int, text, text) to authenticated, service_role;
grant execute on function ops.set_spec_required_reviewers(uuid, uuid[]) to authenticated, service_role;
grant execute on function ops.spec_review_state(uuid) to authenticated, service_role;

-- Receiving a workspace's Spec Kit changes (reviews, comments, proposals) is decided by the
-- policy "Members receive their workspace's spec changes" of 20250201001000_spec_comments.sql.
