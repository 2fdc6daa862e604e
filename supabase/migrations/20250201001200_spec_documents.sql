-- Spec Kit documents and proposals from runs: add, rename, archive and order a workspace's
-- documents; a run's `spec` step proposes a change that a person applies or dismisses.
--
-- Documents. ops.spec_docs gains `kind` (constitution | spec | plan | tasks | other; the seeded and
-- starter-kit documents get theirs from their slug: prd is the spec) and `archived_at` (archived
-- documents stay readable and restorable; the Spec Kit hides them unless asked). A document is
-- added from a template (ops.spec_doc_template: the files in spec/templates/, copied here and
-- checked equal by test/db/spec-documents.test.ts) or blank, with a slug made from its title,
-- unique in its workspace and never changed afterwards (runs and saves name documents by slug).
--
-- Proposals. The executor's `spec` step keeps its diff artifact and also records an
-- ops.spec_proposals row: the document, the run and step, the version it was made against, the
-- proposed text, the diff and the change itself (append, or replace find/with). Applying one makes
-- a new revision whose author is the person who applied it and which names the run it came from
-- (spec_docs.from_run_id / from_proposal_id, kept on the revision when it is superseded). A
-- document changed since the proposal's base still takes the change when it applies cleanly (the
-- appended text goes at the new end; the replaced text is still there); otherwise applying is
-- refused with "the document changed since this proposal".
--
-- Who may do what, in the document's workspace:
-- - read documents (archived ones too) and proposals: every member (viewer and up);
-- - add, rename, archive and restore documents; apply and dismiss proposals: operators and up;
-- - write proposals: the executor only (service role, holding the run's lease);
-- - set a document's kind, archive state or run credit directly (REST/SQL): nobody; only the
--   functions below (column privileges);
-- - receive `proposal` broadcasts on `workspace:<id>:spec`: the workspace's members;
-- - outsiders and anon: nothing (an id they cannot see "does not exist").

-- ===========================================================================================
-- Documents: kind, archive, run credit
-- ===========================================================================================

-- What a document is, read from its slug's last part: how the seeded documents are named.
create function ops.spec_kind_of_slug(p_slug text) returns text
language sql immutable
set search_path = ''
as $$
  select case regexp_replace(p_slug, '^.*/', '')
    when 'constitution' then 'constitution'
    when 'prd' then 'spec'
    when 'spec' then 'spec'
    when 'plan' then 'plan'
    when 'tasks' then 'tasks'
    else 'other'
  end
$$;

alter table ops.spec_docs add column kind text
  constraint spec_docs_kind_valid check (kind in ('constitution', 'spec', 'plan', 'tasks', 'other'));
alter table ops.spec_docs add column archived_at timestamptz;
-- The run whose proposal made the current version (null for a person's own save).
alter table ops.spec_docs add column from_run_id uuid references ops.runs (id) on delete set null;
alter table ops.spec_docs add column from_proposal_id uuid;
comment on column ops.spec_docs.kind is 'constitution | spec | plan | tasks | other: orders the Spec Kit''s tabs';
comment on column ops.spec_docs.archived_at is 'When the document was archived; null while it is in use';
comment on column ops.spec_docs.from_run_id is 'The run whose proposal the current version applied; null for a person''s own save';

update ops.spec_docs set kind = ops.spec_kind_of_slug(slug);
alter table ops.spec_docs alter column kind set not null;

-- A document added without a kind (the starter kit's copies, a plain insert) takes its slug's.
-- Security definer: an operator's plain insert may not call the helper itself.
create function ops.fill_spec_doc_kind() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.kind := coalesce(new.kind, ops.spec_kind_of_slug(new.slug));
  return new;
end
$$;

create trigger spec_docs_fill_kind before insert on ops.spec_docs
  for each row execute function ops.fill_spec_doc_kind();

-- Kind, archive state and run credit change only through the functions below.
revoke insert, update on ops.spec_docs from authenticated;
grant insert (workspace_id, slug, title, content) on ops.spec_docs to authenticated;
grant update (workspace_id, slug, title, content, version, created_at, updated_at, updated_by) on ops.spec_docs to authenticated;

-- ===========================================================================================
-- Templates and titles
-- ===========================================================================================

-- The text a new document starts with: short Spec Kit skeletons with placeholder FR-, SC- and T
-- lines, equal to spec/templates/<kind>.md; blank ('other') starts empty.
create function ops.spec_doc_template(p_kind text) returns text
language sql immutable
set search_path = ''
as $fn$
  select case p_kind
    when 'constitution' then $tpl$# [PROJECT NAME] Constitution

What this project is, in one paragraph, and who this constitution binds.

## Core Principles

### I. [Principle name]

- [A rule every change MUST keep, stated so a reviewer can check it]

**Rationale**: [Why the rule exists]

### II. [Principle name]

- [A rule every change MUST keep]

**Rationale**: [Why the rule exists]

## Constraints

- [A limit of the platform, the budget or the law that every plan must respect]

## Governance

This constitution supersedes other practices. Amendments state the reason, update the version and
the Last Amended date, and update any plan or task the amendment affects.

**Version**: 0.1.0 | **Ratified**: [DATE] | **Last Amended**: [DATE]
$tpl$
    when 'spec' then $tpl$# Feature Specification: [FEATURE NAME]

**Status**: Draft
**Input**: User description: "[what the people who asked for it said]"

## User Scenarios & Testing

### User Story 1 - [Brief title] (Priority: P1)

[The journey, in plain words: who does what, and what they get]

**Why this priority**: [The value, and why it comes first]

**Independent Test**: [How this story alone can be tried and shown to work]

**Acceptance Scenarios**:

1. **Given** [a state], **When** [an action], **Then** [an outcome]

### Edge Cases

- What happens when [a boundary condition]?

## Requirements

### Functional Requirements

- **FR-001**: System MUST [a capability]
- **FR-002**: Users MUST be able to [an interaction]

## Success Criteria

- **SC-001**: [A measurable outcome, such as "people finish X in under a minute"]
$tpl$
    when 'plan' then $tpl$# Implementation Plan: [FEATURE NAME]

**Spec**: [link to the feature specification]

## Summary

[The requirement in one paragraph, and the technical approach chosen]

## Technical Context

**Language/Version**: [e.g. TypeScript 5 on Node 20]
**Primary Dependencies**: [e.g. the libraries the feature needs]
**Storage**: [e.g. Postgres, files, none]
**Testing**: [e.g. vitest against a real database]
**Constraints**: [e.g. limits of the platform the feature runs on]

## Constitution Check

- [ ] [Each principle of the constitution, and how this plan keeps it]

## Project Structure

```text
[the folders and files this feature adds or changes]
```

## Complexity Tracking

| Violation | Why needed | Simpler alternative rejected because |
|-----------|------------|--------------------------------------|
$tpl$
    when 'tasks' then $tpl$# Tasks: [FEATURE NAME]

**Input**: the feature specification and implementation plan
**Format**: `[ID] [P?] Description`: [P] marks tasks that can run in parallel (different files)

## Phase 1: Setup

- [ ] T001 Create the project structure named in the plan
- [ ] T002 [P] Configure the tools the plan names (lint, format, tests)

## Phase 2: User Story 1 - [Brief title] (Priority: P1)

**Goal**: [What this story delivers]

**Independent Test**: [How to check it works on its own]

- [ ] T003 [P] Write the test for [a requirement, e.g. FR-001] first, and see it fail
- [ ] T004 Implement [the part of the system that makes the test pass]

## Dependencies & Execution Order

- Setup comes before every user story; within a story, tests come before the code they test.
$tpl$
    else ''
  end
$fn$;

-- A title as stored (trimmed), or a clear refusal: one line, 1 to 200 characters.
create function ops.spec_doc_title(p_title text) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  t text := btrim(coalesce(p_title, ''), E' \t');
begin
  if t = '' then
    raise exception 'a document needs a title (1 to 200 characters)' using errcode = '22023';
  end if;
  if char_length(t) > 200 then
    raise exception 'a document title holds at most 200 characters; this one has %', char_length(t) using errcode = '22023';
  end if;
  if t ~ '[[:cntrl:]]' then
    raise exception 'a document title is one line of text, without line breaks or control characters' using errcode = '22023';
  end if;
  return t;
end
$$;

-- The slug a title suggests: lowercase ASCII words joined by dashes, at most 60 characters.
create function ops.spec_slug_of_title(p_title text, p_kind text) returns text
language sql immutable
set search_path = ''
as $$
  select coalesce(
    nullif(btrim(left(btrim(regexp_replace(lower(p_title), '[^a-z0-9]+', '-', 'g'), '-'), 60), '-'), ''),
    case p_kind when 'other' then 'document' else p_kind end
  )
$$;

-- ===========================================================================================
-- Adding, renaming, archiving
-- ===========================================================================================

-- The document `p_id` for a member of its workspace, locked; anyone else is told it does not
-- exist (an outsider learns nothing from an id). Internal.
create function ops.member_spec_doc(p_id uuid) returns ops.spec_docs
language plpgsql
set search_path = ''
as $$
declare
  d ops.spec_docs;
begin
  select * into d from ops.spec_docs where id = p_id for update;
  if not found or not ops.has_role(d.workspace_id, 'viewer') then
    raise exception 'spec document % does not exist', coalesce(p_id::text, 'null') using errcode = 'PT404';
  end if;
  return d;
end
$$;

-- Adds a document from a template (constitution, spec, plan, tasks) or blank (other). The slug
-- comes from the title, with -2, -3… when the workspace has it already.
create function ops.create_spec_doc(p_workspace_id uuid, p_kind text, p_title text)
returns ops.spec_docs
language plpgsql
security definer
set search_path = ''
as $$
declare
  t text;
  base text;
  d ops.spec_docs;
begin
  perform ops.require_role(p_workspace_id, 'operator', 'adding spec documents');
  t := ops.spec_doc_title(p_title);
  if p_kind is null or p_kind not in ('constitution', 'spec', 'plan', 'tasks', 'other') then
    raise exception 'a document starts from the constitution, spec, plan or tasks template, or blank (other); "%" is none of them',
      left(coalesce(p_kind, 'null'), 40) using errcode = '22023';
  end if;
  base := ops.spec_slug_of_title(t, p_kind);
  for n in 1..1000 loop
    insert into ops.spec_docs (workspace_id, slug, title, content, kind, updated_by)
    values (p_workspace_id, case when n = 1 then base else base || '-' || n end, t, ops.spec_doc_template(p_kind), p_kind, auth.uid())
    on conflict (workspace_id, slug) do nothing
    returning * into d;
    if d.id is not null then
      return d;
    end if;
  end loop;
  raise exception 'this workspace has 1,000 documents named like "%"; choose another title', t using errcode = 'PT409';
end
$$;

-- Renames a document: a new revision (the title is part of it); the slug stays.
create function ops.rename_spec_doc(p_doc_id uuid, p_title text)
returns ops.spec_docs
language plpgsql
security definer
set search_path = ''
as $$
declare
  d ops.spec_docs := ops.member_spec_doc(p_doc_id);
begin
  perform ops.require_role(d.workspace_id, 'operator', 'renaming spec documents');
  update ops.spec_docs set title = ops.spec_doc_title(p_title) where id = d.id returning * into d;
  return d;
end
$$;

-- Archives (or restores) a document. Nothing is deleted: its text, revisions and proposals stay.
create function ops.archive_spec_doc(p_doc_id uuid, p_archived boolean)
returns ops.spec_docs
language plpgsql
security definer
set search_path = ''
as $$
declare
  d ops.spec_docs := ops.member_spec_doc(p_doc_id);
begin
  perform ops.require_role(d.workspace_id, 'operator', 'archiving spec documents');
  if p_archived is null then
    raise exception 'say whether to archive (true) or restore (false) the document' using errcode = '22023';
  end if;
  update ops.spec_docs
  set archived_at = case when p_archived then coalesce(archived_at, now()) end
  where id = d.id
  returning * into d;
  return d;
end
$$;

-- ===========================================================================================
-- Proposals
-- ===========================================================================================

create table ops.spec_proposals (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  doc_id uuid not null references ops.spec_docs (id) on delete cascade,
  run_id uuid references ops.runs (id) on delete set null,
  step_id text not null,
  -- The document's version the change was made against.
  base_version int not null,
  proposed_content text not null constraint spec_proposals_content_size check (octet_length(proposed_content) <= 1048576),
  diff text not null constraint spec_proposals_diff_size check (octet_length(diff) <= 1048576),
  -- What the step does to the text: {"append": text} or {"replace": {"find": text, "with": text}};
  -- what lets a proposal apply to a document that changed since its base.
  change jsonb not null constraint spec_proposals_change_shape check (
    jsonb_typeof(change) = 'object'
    and ((change ->> 'append') is not null
         or ((change #>> '{replace,find}') is not null and (change #>> '{replace,with}') is not null))
  ),
  status text not null default 'open' constraint spec_proposals_status_valid check (status in ('open', 'applied', 'dismissed')),
  decided_by uuid references auth.users (id) on delete set null,
  decided_at timestamptz,
  applied_version int,
  created_at timestamptz not null default now(),
  constraint spec_proposals_run_step_unique unique (run_id, step_id)
);
comment on table ops.spec_proposals is 'Changes that runs'' spec steps propose to Spec Kit documents; members apply or dismiss them';
create index spec_proposals_open_doc_idx on ops.spec_proposals (doc_id, created_at) where status = 'open';

alter table ops.spec_docs add constraint spec_docs_from_proposal_fk
  foreign key (from_proposal_id) references ops.spec_proposals (id) on delete set null;
alter table ops.spec_doc_revisions add column from_run_id uuid references ops.runs (id) on delete set null;
alter table ops.spec_doc_revisions add column from_proposal_id uuid references ops.spec_proposals (id) on delete set null;
comment on column ops.spec_doc_revisions.from_run_id is 'The run whose proposal this version applied; null for a person''s own save';

-- A version keeps its run credit when it becomes a revision; the new version has one only when
-- the update that made it named a new proposal (ops.apply_spec_proposal), never by carrying the
-- old one over. Named to run after spec_docs_keep_revision (triggers fire in name order), which
-- has just stored the old version. Security definer: users have no write grant on revisions.
create function ops.keep_spec_doc_run_credit() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.version = old.version then
    return new;
  end if;
  if old.from_proposal_id is not null or old.from_run_id is not null then
    update ops.spec_doc_revisions
    set from_run_id = old.from_run_id, from_proposal_id = old.from_proposal_id
    where doc_id = old.id and version = old.version;
  end if;
  if new.from_proposal_id is not distinct from old.from_proposal_id then
    new.from_proposal_id := null;
    new.from_run_id := null;
  end if;
  return new;
end
$$;

create trigger spec_docs_keep_run_credit before update on ops.spec_docs
  for each row execute function ops.keep_spec_doc_run_credit();

-- Records a spec step's proposal; the (run, step) pair makes a resumed step's second write a
-- no-op. The document is looked up in the run's workspace, whatever the caller sends.
create function ops.add_spec_proposal(p_run_id uuid, p_worker text, p_proposal jsonb)
returns ops.spec_proposals
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
  d ops.spec_docs;
  p ops.spec_proposals;
begin
  r := ops.lock_leased_run(p_run_id, p_worker);
  select * into d from ops.spec_docs where workspace_id = r.workspace_id and slug = p_proposal ->> 'doc';
  if not found then
    raise exception 'spec doc "%" does not exist in the run''s workspace', p_proposal ->> 'doc' using errcode = 'PT404';
  end if;
  insert into ops.spec_proposals (workspace_id, doc_id, run_id, step_id, base_version, proposed_content, diff, change)
  values (r.workspace_id, d.id, r.id, p_proposal ->> 'step_id', (p_proposal ->> 'base_version')::int,
          p_proposal ->> 'proposed_content', p_proposal ->> 'diff', p_proposal -> 'change')
  on conflict (run_id, step_id) do nothing
  returning * into p;
  if p.id is null then
    select * into p from ops.spec_proposals where run_id = r.id and step_id = p_proposal ->> 'step_id';
  end if;
  return p;
end
$$;

-- The proposal's change made to `p_content`, a text that is no longer the proposal's base: the
-- appended text at its end, or the replaced text replaced where it still is (the first match, as
-- the step does). Null when the change no longer applies; `p_content` itself when the text has it
-- already. Internal.
create function ops.merge_spec_change(p_content text, p_change jsonb) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  addition text := p_change ->> 'append';
  find text := p_change #>> '{replace,find}';
  replacement text := p_change #>> '{replace,with}';
  at int;
begin
  if addition is not null then
    if addition <> '' and strpos(p_content, addition) > 0 then
      return p_content;
    end if;
    return case when p_content = '' or right(p_content, 1) = E'\n' then p_content else p_content || E'\n' end || addition || E'\n';
  end if;
  at := strpos(p_content, find);
  if at = 0 or find = '' then
    return case when replacement <> '' and strpos(p_content, replacement) > 0 then p_content end;
  end if;
  return overlay(p_content placing replacement from at for char_length(find));
end
$$;

-- The proposal `p_id` for a member of its workspace, locked and still open. Internal.
create function ops.open_spec_proposal(p_id uuid, p_what text) returns ops.spec_proposals
language plpgsql
set search_path = ''
as $$
declare
  p ops.spec_proposals;
begin
  select * into p from ops.spec_proposals where id = p_id for update;
  if not found or not ops.has_role(p.workspace_id, 'viewer') then
    raise exception 'spec proposal % does not exist', coalesce(p_id::text, 'null') using errcode = 'PT404';
  end if;
  perform ops.require_role(p.workspace_id, 'operator', p_what);
  if p.status <> 'open' then
    raise exception 'this proposal was % already', p.status using errcode = 'PT409';
  end if;
  return p;
end
$$;

-- Applies a proposal: the document's next version is the proposed text, saved by the caller and
-- credited to the run. On a document changed since the proposal's base the change is merged
-- (ops.merge_spec_change) or the apply is refused; nothing is ever overwritten silently.
create function ops.apply_spec_proposal(p_id uuid)
returns ops.spec_proposals
language plpgsql
security definer
set search_path = ''
as $$
declare
  p ops.spec_proposals := ops.open_spec_proposal(p_id, 'applying proposed changes');
  d ops.spec_docs;
  base text;
  merged text;
begin
  select * into d from ops.spec_docs where id = p.doc_id for update;
  if d.archived_at is not null then
    raise exception '% is archived: restore it before applying a proposal to it', d.title using errcode = 'PT409';
  end if;
  if d.version = p.base_version then
    base := d.content;
  else
    select content into base from ops.spec_doc_revisions where doc_id = d.id and version = p.base_version;
  end if;
  if d.content is not distinct from base then
    merged := p.proposed_content;
  else
    merged := ops.merge_spec_change(d.content, p.change);
  end if;
  if merged is null then
    raise exception 'the document changed since this proposal: it was made against version %, the latest is version %, and the change no longer applies to it',
      p.base_version, d.version
      using errcode = 'PT409',
            detail = format('base_version=%s latest_version=%s', p.base_version, d.version),
            hint = 'Read the diff and make the change by hand, or dismiss the proposal.';
  end if;
  if merged = d.content then
    raise exception '% already contains this change (version %); dismiss the proposal', d.title, d.version using errcode = 'PT409';
  end if;
  update ops.spec_docs
  set content = merged, from_proposal_id = p.id, from_run_id = p.run_id
  where id = d.id
  returning * into d;
  update ops.spec_proposals
  set status = 'applied', decided_by = auth.uid(), decided_at = now(), applied_version = d.version
  where id = p.id
  returning * into p;
  return p;
end
$$;

-- Dismisses a proposal: the document does not change; the proposal stays, marked dismissed.
create function ops.dismiss_spec_proposal(p_id uuid)
returns ops.spec_proposals
language plpgsql
security definer
set search_path = ''
as $$
declare
  p ops.spec_proposals := ops.open_spec_proposal(p_id, 'dismissing proposed changes');
begin
  update ops.spec_proposals
  set status = 'dismissed', decided_by = auth.uid(), decided_at = now()
  where id = p.id
  returning * into p;
  return p;
end
$$;

-- ===========================================================================================
-- Realtime: a proposal made, applied or dismissed reaches the workspace's open Spec Kits
-- ===========================================================================================

create function ops.broadcast_spec_proposal() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('doc_id', new.doc_id, 'id', new.id, 'status', new.status),
    'proposal', 'workspace:' || new.workspace_id::text || ':spec', true);
  return null;
end
$$;

create trigger spec_proposals_broadcast after insert or update on ops.spec_proposals
  for each row execute function ops.broadcast_spec_proposal();

-- Receiving a workspace's Spec Kit changes (proposals too) is decided by the policy "Members
-- receive their workspace's spec changes" of 20250201001000_spec_comments.sql.

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================

grant select on ops.spec_proposals to authenticated;
grant select, insert, update, delete on ops.spec_proposals to service_role;
alter table ops.spec_proposals enable row level security;
create policy "Members see their workspace's spec proposals" on ops.spec_proposals
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));

revoke execute on function ops.spec_kind_of_slug(text), ops.fill_spec_doc_kind(), ops.spec_doc_template(text),
  ops.spec_doc_title(text), ops.spec_slug_of_title(text, text), ops.member_spec_doc(uuid),
  ops.create_spec_doc(uuid, text, text), ops.rename_spec_doc(uuid, text), ops.archive_spec_doc(uuid, boolean),
  ops.keep_spec_doc_run_credit(), ops.add_spec_proposal(uuid, text, jsonb), ops.merge_spec_change(text, jsonb),
  ops.open_spec_proposal(uuid, text), ops.apply_spec_proposal(uuid), ops.dismiss_spec_proposal(uuid),
  ops.broadcast_spec_proposal()
  from public, anon, authenticated, service_role;
grant execute on function ops.create_spec_doc(uuid, text, text), ops.rename_spec_doc(uuid, text),
  ops.archive_spec_doc(uuid, boolean), ops.apply_spec_proposal(uuid), ops.dismiss_spec_proposal(uuid) to authenticated;
grant execute on function ops.add_spec_proposal(uuid, text, jsonb) to service_role;
