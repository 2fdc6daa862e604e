-- Ops Control Room: teams and governance.
--
-- Replaces the first, single-user model of 20250103000000_ops_schema.sql in place: workspaces
-- whose members have one role each (viewer < operator < approver < admin); runs, templates and
-- Spec Kit documents that belong to a workspace; templates that only admins change, each save an
-- immutable revision that runs pin; protected environments whose approval gate lives here, not in
-- the editable template; secret bindings that only whoever deploys writes; an append-only audit
-- trail. Existing data is kept: each run moves to its starter's personal workspace, the shared
-- templates and documents to a workspace named "Shared" (see ops.name_shared_admin).

-- ===========================================================================================
-- Roles and settings
-- ===========================================================================================

-- The order of the roles; every permission check compares ranks. The same four names are the
-- vocabulary's WORKSPACE_ROLES (a test checks they agree).
create function ops.role_rank(p_role text) returns int
language sql immutable
set search_path = ''
as $$
  select case p_role when 'viewer' then 1 when 'operator' then 2 when 'approver' then 3 when 'admin' then 4 end
$$;

-- One row of deployment-wide settings, written only by whoever deploys (service role).
create table ops.deployment_settings (
  id boolean primary key default true constraint deployment_settings_single_row check (id),
  -- Whether anonymous users may create team workspaces (the local stack allows it so a newcomer
  -- can try everything; a hosted project keeps it off so only people with an email can).
  anonymous_may_create_workspaces boolean not null default false,
  -- The workspace the upgrade moved the shared templates and documents into.
  shared_workspace_id uuid
);
comment on table ops.deployment_settings is 'Deployment-wide settings; written by the service role only';
insert into ops.deployment_settings (id) values (true);

-- ===========================================================================================
-- Workspaces and members
-- ===========================================================================================

create table ops.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint workspaces_name_length check (char_length(btrim(name)) between 1 and 100),
  -- The owner of a personal workspace; null for a team workspace.
  personal_for uuid unique references auth.users (id) on delete cascade,
  -- Whether run cards on FigJam boards may carry log lines, inputs, summaries and errors. Anyone
  -- who can open a board reads its widgets' state, members of the workspace or not.
  board_details boolean not null default false,
  created_at timestamptz not null default now(),
  created_by uuid references auth.users (id) on delete set null
);
comment on table ops.workspaces is 'A team (or one person''s personal space); everything else belongs to one';

create table ops.workspace_members (
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null constraint workspace_members_role_valid check (role in ('viewer', 'operator', 'approver', 'admin')),
  display_name text not null constraint workspace_members_display_name_length check (char_length(display_name) between 1 and 100),
  joined_at timestamptz not null default now(),
  invited_by uuid references auth.users (id) on delete set null,
  primary key (workspace_id, user_id)
);
comment on table ops.workspace_members is 'Who belongs to a workspace, with one role each: viewer < operator < approver < admin';
create index workspace_members_user_idx on ops.workspace_members (user_id);

create table ops.workspace_invites (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  -- Only the hash is kept: the code is shown once, to the admin who made it.
  code_hash text not null unique,
  role text not null constraint workspace_invites_role_valid check (role in ('viewer', 'operator', 'approver', 'admin')),
  expires_at timestamptz not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  used_by uuid references auth.users (id) on delete set null,
  used_at timestamptz,
  revoked_at timestamptz
);
comment on table ops.workspace_invites is 'Single-use, expiring invite codes that carry a role';

create table ops.environments (
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  name text not null constraint environments_name_format check (name ~ '^[a-z][a-z0-9_-]{0,31}$'),
  protected boolean not null default false,
  required_approvals int not null default 1 constraint environments_required_approvals_range check (required_approvals between 1 and 10),
  prevent_self_review boolean not null default true,
  approver_role text not null default 'approver' constraint environments_approver_role_valid check (approver_role in ('approver', 'admin')),
  updated_at timestamptz not null default now(),
  updated_by uuid references auth.users (id) on delete set null,
  primary key (workspace_id, name)
);
comment on table ops.environments is 'Per workspace: which environments are protected and who approves their runs; no row means unprotected';

-- ===========================================================================================
-- Audit trail
-- ===========================================================================================

create table ops.audit_log (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  at timestamptz not null default now(),
  actor uuid,
  action text not null constraint audit_log_action_format check (action ~ '^[a-z_]+\.[a-z_]+$'),
  target text not null,
  detail jsonb not null default '{}'::jsonb,
  before_hash text,
  after_hash text
);
comment on table ops.audit_log is 'Append-only record of who changed what in a workspace, with before/after hashes';
create index audit_log_workspace_at_idx on ops.audit_log (workspace_id, at desc);

create function ops.forbid_audit_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'ops.audit_log is append-only: entry % cannot be changed or deleted', old.id using errcode = '42501';
end
$$;

create trigger audit_log_append_only before update or delete on ops.audit_log
  for each row execute function ops.forbid_audit_change();
-- A truncate would empty it at once; nobody but the owner could, and the owner cannot either.
create trigger audit_log_no_truncate before truncate on ops.audit_log
  for each statement execute function ops.forbid_audit_change();

create function ops.audit(p_workspace uuid, p_action text, p_target text, p_detail jsonb default '{}'::jsonb,
                          p_before text default null, p_after text default null)
returns void
language sql
set search_path = ''
as $$
  insert into ops.audit_log (workspace_id, actor, action, target, detail, before_hash, after_hash)
  values (p_workspace, auth.uid(), p_action, p_target, coalesce(p_detail, '{}'::jsonb), p_before, p_after)
$$;

create function ops.text_hash(p_text text) returns text
language sql immutable
set search_path = ''
as $$
  select case when p_text is null then null else encode(sha256(convert_to(p_text, 'UTF8')), 'hex') end
$$;

-- ===========================================================================================
-- Who the caller is in a workspace
-- ===========================================================================================

-- Is the caller at least p_min in p_workspace? Every policy and function asks this one question.
-- Security definer so policies on workspace_members can use it without recursing into themselves.
create function ops.has_role(p_workspace uuid, p_min text) returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from ops.workspace_members m
    where m.workspace_id = p_workspace and m.user_id = (select auth.uid())
      and ops.role_rank(m.role) >= ops.role_rank(p_min)
  )
$$;

create function ops.my_workspace_ids() returns setof uuid
language sql stable
security definer
set search_path = ''
as $$
  select m.workspace_id from ops.workspace_members m where m.user_id = (select auth.uid())
$$;

-- Refuses with a message that names the role needed and the role held.
create function ops.require_role(p_workspace uuid, p_min text, p_what text) returns void
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  held text;
begin
  if auth.uid() is null then
    raise exception '% needs a signed-in user', p_what using errcode = '42501';
  end if;
  select role into held from ops.workspace_members where workspace_id = p_workspace and user_id = auth.uid();
  if held is null then
    raise exception '% needs membership of workspace %; you are not a member', p_what, p_workspace using errcode = '42501';
  end if;
  if ops.role_rank(held) < ops.role_rank(p_min) then
    raise exception '% needs the % role (or higher) in this workspace; you are %', p_what, p_min, held using errcode = '42501';
  end if;
end
$$;

create function ops.display_name_of(p_user uuid) returns text
language sql stable
security definer
set search_path = ''
as $$
  select left(coalesce(
    nullif(btrim(u.raw_user_meta_data ->> 'name'), ''),
    nullif(split_part(u.email, '@', 1), ''),
    'Guest ' || left(replace(u.id::text, '-', ''), 4)
  ), 100)
  from auth.users u where u.id = p_user
$$;

create function ops.member_name(p_workspace uuid, p_user uuid) returns text
language sql stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select display_name from ops.workspace_members where workspace_id = p_workspace and user_id = p_user),
    ops.display_name_of(p_user),
    'someone'
  )
$$;

-- ===========================================================================================
-- Templates and documents belong to a workspace; templates get immutable revisions
-- ===========================================================================================

create table ops.template_revisions (
  id uuid primary key default gen_random_uuid(),
  -- Null once the template is deleted: its revisions stay for the runs that pinned them.
  template_id uuid references ops.run_templates (id) on delete set null,
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  slug text not null,
  revision int not null constraint template_revisions_revision_positive check (revision > 0),
  title text not null,
  description text not null,
  kind text not null,
  template_yaml text not null,
  hash text not null constraint template_revisions_hash_format check (hash ~ '^[0-9a-f]{64}$'),
  saved_by uuid references auth.users (id) on delete set null,
  saved_at timestamptz not null default now(),
  constraint template_revisions_template_revision_unique unique (template_id, revision)
);
comment on table ops.template_revisions is 'Every saved version of a runbook template; runs pin one by id and hash';
create index template_revisions_workspace_slug_idx on ops.template_revisions (workspace_id, slug, revision desc);

create function ops.forbid_revision_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Deleting the template nulls template_id (on delete set null); nothing else may change.
  if tg_op = 'UPDATE' and new.template_id is null
     and (to_jsonb(new) - 'template_id') = (to_jsonb(old) - 'template_id') then
    return new;
  end if;
  raise exception 'template revisions are immutable: revision % of % cannot be changed', old.revision, old.slug
    using errcode = '42501';
end
$$;

create trigger template_revisions_immutable before update or delete on ops.template_revisions
  for each row execute function ops.forbid_revision_change();

alter table ops.run_templates add column workspace_id uuid references ops.workspaces (id) on delete cascade;
alter table ops.run_templates add column version int not null default 1;
alter table ops.run_templates add column revision_id uuid references ops.template_revisions (id);
comment on column ops.run_templates.version is 'The current revision number; the optimistic-concurrency token of ops.save_template';

alter table ops.spec_docs add column workspace_id uuid references ops.workspaces (id) on delete cascade;

-- What a new workspace starts with: copies of the seeded templates and Spec Kit documents.
create table ops.starter_kit (
  kind text not null constraint starter_kit_kind_valid check (kind in ('template', 'spec_doc')),
  slug text not null,
  title text not null,
  description text not null default '',
  template_kind text,
  content text not null,
  primary key (kind, slug)
);
comment on table ops.starter_kit is 'The templates and Spec Kit documents every new workspace gets a copy of';

-- ===========================================================================================
-- Creating workspaces
-- ===========================================================================================

-- Every write of a template, by any path (the functions below, or SQL as the service role),
-- becomes a new immutable revision and bumps the version: an update before it is stored, an
-- insert once its row exists (the revision refers to it).
-- Takes the row as JSON: a function of the table's row type would be a computed column to the API.
create function ops.insert_template_revision(p_template jsonb) returns uuid
language sql
set search_path = ''
as $$
  insert into ops.template_revisions (template_id, workspace_id, slug, revision, title, description, kind, template_yaml, hash, saved_by, saved_at)
  values ((p_template ->> 'id')::uuid, (p_template ->> 'workspace_id')::uuid, p_template ->> 'slug', (p_template ->> 'version')::int,
          p_template ->> 'title', p_template ->> 'description', p_template ->> 'kind', p_template ->> 'template_yaml',
          ops.text_hash(p_template ->> 'template_yaml'), (p_template ->> 'updated_by')::uuid, now())
  returning id
$$;

create function ops.keep_template_revision() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.version := 1;
    new.revision_id := null;
    new.updated_by := coalesce(auth.uid(), new.updated_by);
    return new;
  end if;
  new.id := old.id;
  new.workspace_id := old.workspace_id;
  new.created_at := old.created_at;
  if (new.slug, new.title, new.description, new.kind, new.template_yaml)
     is not distinct from (old.slug, old.title, old.description, old.kind, old.template_yaml) then
    new.version := old.version;
    return new;
  end if;
  new.version := old.version + 1;
  new.updated_by := coalesce(auth.uid(), new.updated_by);
  new.revision_id := ops.insert_template_revision(to_jsonb(new));
  return new;
end
$$;

create function ops.keep_first_template_revision() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update ops.run_templates set revision_id = ops.insert_template_revision(to_jsonb(new)) where id = new.id;
  return null;
end
$$;

-- Fills a new workspace from the starter kit. Internal.
create function ops.stock_workspace(p_workspace uuid) returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into ops.run_templates (workspace_id, slug, title, description, kind, template_yaml, updated_by)
  select p_workspace, k.slug, k.title, k.description, k.template_kind, k.content, null
  from ops.starter_kit k where k.kind = 'template';
  insert into ops.spec_docs (workspace_id, slug, title, content, updated_by)
  select p_workspace, k.slug, k.title, k.content, null
  from ops.starter_kit k where k.kind = 'spec_doc';
end
$$;

-- The personal workspace of p_user, made (with the starter kit) if missing. Internal.
create function ops.personal_workspace_of(p_user uuid) returns uuid
language plpgsql
set search_path = ''
as $$
declare
  ws uuid;
begin
  select id into ws from ops.workspaces where personal_for = p_user;
  if ws is not null then
    return ws;
  end if;
  insert into ops.workspaces (name, personal_for, created_by)
  values ('Personal', p_user, p_user)
  on conflict (personal_for) do nothing
  returning id into ws;
  if ws is null then
    -- Made a moment ago by a concurrent call.
    select id into ws from ops.workspaces where personal_for = p_user;
    return ws;
  end if;
  insert into ops.workspace_members (workspace_id, user_id, role, display_name)
  values (ws, p_user, 'admin', coalesce(ops.display_name_of(p_user), 'someone'));
  perform ops.stock_workspace(ws);
  return ws;
end
$$;

-- Every new user gets their personal workspace at sign-up, so a person alone sees only their own
-- runs and can start one at once.
create function ops.on_user_created() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform ops.personal_workspace_of(new.id);
  return null;
end
$$;

create trigger ops_personal_workspace after insert on auth.users
  for each row execute function ops.on_user_created();

create function ops.ensure_personal_workspace() returns uuid
language plpgsql
security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'a personal workspace needs a signed-in user' using errcode = '42501';
  end if;
  return ops.personal_workspace_of(auth.uid());
end
$$;

-- The production environment every team workspace starts with: protected, one approval, never
-- by the person who started the run.
create function ops.protect_production(p_workspace uuid) returns void
language sql
set search_path = ''
as $$
  insert into ops.environments (workspace_id, name, protected, required_approvals, prevent_self_review, approver_role)
  values (p_workspace, 'production', true, 1, true, 'approver')
  on conflict do nothing
$$;

create function ops.create_workspace(p_name text) returns ops.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  w ops.workspaces;
  anonymous boolean;
begin
  if auth.uid() is null then
    raise exception 'creating a workspace needs a signed-in user' using errcode = '42501';
  end if;
  select coalesce(u.is_anonymous, false) into anonymous from auth.users u where u.id = auth.uid();
  if anonymous and not (select s.anonymous_may_create_workspaces from ops.deployment_settings s) then
    raise exception 'guests cannot create team workspaces on this deployment: add an email to your account first'
      using errcode = '42501';
  end if;
  if p_name is null or char_length(btrim(p_name)) not between 1 and 100 then
    raise exception 'a workspace name is 1 to 100 characters' using errcode = '22023';
  end if;
  insert into ops.workspaces (name, created_by) values (btrim(p_name), auth.uid()) returning * into w;
  insert into ops.workspace_members (workspace_id, user_id, role, display_name)
  values (w.id, auth.uid(), 'admin', coalesce(ops.display_name_of(auth.uid()), 'someone'));
  perform ops.stock_workspace(w.id);
  perform ops.protect_production(w.id);
  perform ops.audit(w.id, 'workspace.create', w.name);
  return w;
end
$$;

create function ops.set_board_details(p_workspace uuid, p_enabled boolean) returns ops.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  w ops.workspaces;
begin
  perform ops.require_role(p_workspace, 'admin', 'changing what boards show');
  if p_enabled is null then
    raise exception 'p_enabled must be true or false' using errcode = '22023';
  end if;
  update ops.workspaces set board_details = p_enabled where id = p_workspace returning * into w;
  perform ops.audit(p_workspace, 'workspace.board_details', w.name, jsonb_build_object('board_details', p_enabled));
  return w;
end
$$;

-- ===========================================================================================
-- Invites and membership
-- ===========================================================================================

create function ops.create_invite(p_workspace uuid, p_role text, p_valid_hours int default 72)
returns table (id uuid, code text, role text, expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  invite_code text := 'ocr-' || replace(gen_random_uuid()::text, '-', '');
  invite ops.workspace_invites;
begin
  perform ops.require_role(p_workspace, 'admin', 'inviting people');
  if ops.role_rank(p_role) is null then
    raise exception 'role must be viewer, operator, approver or admin, not %', coalesce(p_role, 'null') using errcode = '22023';
  end if;
  if p_valid_hours is null or p_valid_hours not between 1 and 720 then
    raise exception 'an invite is valid for 1 to 720 hours, not %', coalesce(p_valid_hours::text, 'null') using errcode = '22023';
  end if;
  insert into ops.workspace_invites (workspace_id, code_hash, role, expires_at, created_by)
  values (p_workspace, ops.text_hash(invite_code), p_role, now() + make_interval(hours => p_valid_hours), auth.uid())
  returning * into invite;
  perform ops.audit(p_workspace, 'invite.create', invite.id::text, jsonb_build_object('role', p_role, 'expires_at', invite.expires_at));
  return query select invite.id, invite_code, invite.role, invite.expires_at;
end
$$;

create function ops.revoke_invite(p_invite uuid) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  invite ops.workspace_invites;
begin
  select * into invite from ops.workspace_invites where id = p_invite for update;
  if not found then
    raise exception 'invite % does not exist', p_invite using errcode = 'PT404';
  end if;
  perform ops.require_role(invite.workspace_id, 'admin', 'revoking an invite');
  update ops.workspace_invites set revoked_at = coalesce(revoked_at, now()) where id = p_invite;
  perform ops.audit(invite.workspace_id, 'invite.revoke', p_invite::text);
end
$$;

create function ops.accept_invite(p_code text) returns ops.workspace_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  invite ops.workspace_invites;
  member ops.workspace_members;
begin
  if auth.uid() is null then
    raise exception 'joining a workspace needs a signed-in user' using errcode = '42501';
  end if;
  select * into invite from ops.workspace_invites where code_hash = ops.text_hash(btrim(p_code)) for update;
  -- One message for unknown, used, revoked and expired codes would hide nothing the code's
  -- holder does not know, and each says what to do.
  if not found then
    raise exception 'this invite code is not valid: check it or ask for a new one' using errcode = 'PT404';
  end if;
  if invite.used_at is not null then
    raise exception 'this invite code was already used: ask for a new one' using errcode = 'PT409';
  end if;
  if invite.revoked_at is not null then
    raise exception 'this invite code was revoked: ask for a new one' using errcode = 'PT409';
  end if;
  if invite.expires_at <= now() then
    raise exception 'this invite code expired at %: ask for a new one', invite.expires_at using errcode = 'PT409';
  end if;
  select * into member from ops.workspace_members where workspace_id = invite.workspace_id and user_id = auth.uid();
  if found then
    raise exception 'you are already a member of this workspace (as %)', member.role using errcode = 'PT409';
  end if;
  update ops.workspace_invites set used_by = auth.uid(), used_at = now() where id = invite.id;
  insert into ops.workspace_members (workspace_id, user_id, role, display_name, invited_by)
  values (invite.workspace_id, auth.uid(), invite.role, coalesce(ops.display_name_of(auth.uid()), 'someone'), invite.created_by)
  returning * into member;
  perform ops.audit(invite.workspace_id, 'member.join', auth.uid()::text, jsonb_build_object('role', invite.role, 'invite', invite.id));
  return member;
end
$$;

-- Refuses a change that would leave a workspace without an admin. Internal.
create function ops.keep_an_admin(p_workspace uuid, p_user uuid) returns void
language plpgsql
set search_path = ''
as $$
begin
  if not exists (
    select 1 from ops.workspace_members
    where workspace_id = p_workspace and role = 'admin' and user_id <> p_user
  ) then
    raise exception 'a workspace needs an admin: make someone else admin first' using errcode = 'PT409';
  end if;
end
$$;

create function ops.set_member_role(p_workspace uuid, p_user uuid, p_role text) returns ops.workspace_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  member ops.workspace_members;
  before_role text;
begin
  perform ops.require_role(p_workspace, 'admin', 'changing roles');
  if ops.role_rank(p_role) is null then
    raise exception 'role must be viewer, operator, approver or admin, not %', coalesce(p_role, 'null') using errcode = '22023';
  end if;
  select role into before_role from ops.workspace_members where workspace_id = p_workspace and user_id = p_user for update;
  if before_role is null then
    raise exception 'user % is not a member of this workspace', p_user using errcode = 'PT404';
  end if;
  if before_role = 'admin' and p_role <> 'admin' then
    perform ops.keep_an_admin(p_workspace, p_user);
  end if;
  update ops.workspace_members set role = p_role where workspace_id = p_workspace and user_id = p_user returning * into member;
  perform ops.audit(p_workspace, 'member.role', p_user::text, jsonb_build_object('from', before_role, 'to', p_role));
  return member;
end
$$;

create function ops.remove_member(p_workspace uuid, p_user uuid) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  before_role text;
begin
  if p_user is distinct from auth.uid() then
    perform ops.require_role(p_workspace, 'admin', 'removing a member');
  end if;
  if exists (select 1 from ops.workspaces where id = p_workspace and personal_for = p_user) then
    raise exception 'nobody leaves their own personal workspace' using errcode = 'PT409';
  end if;
  select role into before_role from ops.workspace_members where workspace_id = p_workspace and user_id = p_user for update;
  if before_role is null then
    raise exception 'user % is not a member of this workspace', p_user using errcode = 'PT404';
  end if;
  if before_role = 'admin' then
    perform ops.keep_an_admin(p_workspace, p_user);
  end if;
  delete from ops.workspace_members where workspace_id = p_workspace and user_id = p_user;
  perform ops.audit(p_workspace, 'member.remove', p_user::text, jsonb_build_object('role', before_role));
end
$$;

-- ===========================================================================================
-- Governed templates
-- ===========================================================================================

create function ops.save_template(p_workspace uuid, p_slug text, p_template_yaml text, p_expected_version int,
                                  p_title text, p_description text default '', p_kind text default 'custom')
returns ops.run_templates
language plpgsql
security definer
set search_path = ''
as $$
declare
  t ops.run_templates;
  before_hash text;
begin
  perform ops.require_role(p_workspace, 'admin', 'editing templates');
  if p_template_yaml is null then
    raise exception 'the template text is missing' using errcode = '22023';
  end if;
  select * into t from ops.run_templates where workspace_id = p_workspace and slug = p_slug for update;
  if not found then
    if p_expected_version is not null then
      raise exception 'template "%" does not exist in this workspace (it may have been deleted)', p_slug using errcode = 'PT404';
    end if;
    if p_title is null then
      raise exception 'a new template needs a title' using errcode = '22023';
    end if;
    insert into ops.run_templates (workspace_id, slug, title, description, kind, template_yaml, updated_by)
    values (p_workspace, p_slug, p_title, coalesce(p_description, ''), coalesce(p_kind, 'custom'), p_template_yaml, auth.uid())
    returning * into t;
  else
    if p_expected_version is distinct from t.version then
      raise exception 'template "%" was changed by someone else: you edited version %, the latest is version %',
        p_slug, coalesce(p_expected_version::text, 'none (a new template)'), t.version
        using errcode = 'PT409',
              detail = format('expected_version=%s latest_version=%s', coalesce(p_expected_version::text, 'null'), t.version),
              hint = 'Reload the latest version and apply your edit again; your text has not been saved.';
    end if;
    before_hash := ops.text_hash(t.template_yaml);
    update ops.run_templates
    set template_yaml = p_template_yaml, title = coalesce(p_title, title), description = coalesce(p_description, description),
        kind = coalesce(p_kind, kind), updated_by = auth.uid()
    where id = t.id
    returning * into t;
  end if;
  perform ops.audit(p_workspace, 'template.save', p_slug, jsonb_build_object('version', t.version, 'revision', t.revision_id),
    before_hash, ops.text_hash(t.template_yaml));
  return t;
end
$$;

create function ops.delete_template(p_workspace uuid, p_slug text, p_expected_version int) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  t ops.run_templates;
begin
  perform ops.require_role(p_workspace, 'admin', 'deleting templates');
  select * into t from ops.run_templates where workspace_id = p_workspace and slug = p_slug for update;
  if not found then
    raise exception 'template "%" does not exist in this workspace', p_slug using errcode = 'PT404';
  end if;
  if p_expected_version is distinct from t.version then
    raise exception 'template "%" was changed by someone else: you saw version %, the latest is version %',
      p_slug, coalesce(p_expected_version::text, 'null'), t.version using errcode = 'PT409';
  end if;
  delete from ops.run_templates where id = t.id;
  perform ops.audit(p_workspace, 'template.delete', p_slug, jsonb_build_object('version', t.version), ops.text_hash(t.template_yaml), null);
end
$$;

-- ===========================================================================================
-- Protected environments
-- ===========================================================================================

create function ops.set_environment(p_workspace uuid, p_name text, p_protected boolean, p_required_approvals int default 1,
                                    p_prevent_self_review boolean default true, p_approver_role text default 'approver')
returns ops.environments
language plpgsql
security definer
set search_path = ''
as $$
declare
  e ops.environments;
  before_row jsonb;
begin
  perform ops.require_role(p_workspace, 'admin', 'changing environments');
  if p_protected is null or p_prevent_self_review is null then
    raise exception 'protected and prevent self-review must be true or false' using errcode = '22023';
  end if;
  if p_required_approvals is null or p_required_approvals not between 1 and 10 then
    raise exception 'required approvals must be 1 to 10, not %', coalesce(p_required_approvals::text, 'null') using errcode = '22023';
  end if;
  if p_approver_role is null or p_approver_role not in ('approver', 'admin') then
    raise exception 'approvals are decided by approvers or admins, not %', coalesce(p_approver_role, 'null') using errcode = '22023';
  end if;
  select to_jsonb(x) - 'updated_at' - 'updated_by' into before_row from ops.environments x where workspace_id = p_workspace and name = p_name;
  insert into ops.environments (workspace_id, name, protected, required_approvals, prevent_self_review, approver_role, updated_by)
  values (p_workspace, p_name, p_protected, p_required_approvals, p_prevent_self_review, p_approver_role, auth.uid())
  on conflict (workspace_id, name) do update
  set protected = excluded.protected, required_approvals = excluded.required_approvals,
      prevent_self_review = excluded.prevent_self_review, approver_role = excluded.approver_role,
      updated_at = now(), updated_by = excluded.updated_by
  returning * into e;
  perform ops.audit(p_workspace, 'environment.set', p_name,
    jsonb_build_object('before', before_row, 'after', to_jsonb(e) - 'updated_at' - 'updated_by'),
    ops.text_hash(before_row::text), ops.text_hash((to_jsonb(e) - 'updated_at' - 'updated_by')::text));
  return e;
end
$$;

-- ===========================================================================================
-- Secret bindings (written by whoever deploys: service role only)
-- ===========================================================================================

create table ops.secret_bindings (
  id uuid primary key default gen_random_uuid(),
  name text not null
    constraint secret_bindings_name_format check (name ~ '^[A-Z][A-Z0-9_]{0,63}$')
    -- The platform's own keys and the executor's settings are never handed to a step.
    constraint secret_bindings_name_not_platform check (name !~ '^(SUPABASE_|SB_|OPS_)' and name <> 'DATABASE_URL'),
  -- One workspace per binding, named on purpose: "every workspace" would hand the secret to
  -- anyone allowed to create a workspace.
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  hosts text[] not null
    constraint secret_bindings_hosts_valid check (
      cardinality(hosts) between 1 and 20
      and array_position(hosts, null) is null
      and array_to_string(hosts, ',') ~ '^[a-z0-9.-]+(,[a-z0-9.-]+)*$'
      -- …and no element hides a comma that would make it look like two hosts.
      and cardinality(string_to_array(array_to_string(hosts, ','), ',')) = cardinality(hosts)),
  -- Null: every environment of the workspace.
  environments text[]
    constraint secret_bindings_environments_valid check (
      environments is null or (cardinality(environments) between 1 and 20 and array_position(environments, null) is null)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint secret_bindings_name_workspace_unique unique (name, workspace_id)
);
comment on table ops.secret_bindings is 'Which workspace may use which secret of the function''s environment, and the hosts it may be sent to; never the value';

create function ops.audit_secret_binding() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform ops.audit(old.workspace_id, 'secret.unbind', old.name, jsonb_build_object('hosts', old.hosts, 'environments', old.environments));
    return old;
  end if;
  perform ops.audit(new.workspace_id, 'secret.bind', new.name, jsonb_build_object('hosts', new.hosts, 'environments', new.environments));
  return new;
end
$$;

create trigger secret_bindings_audit after insert or update or delete on ops.secret_bindings
  for each row execute function ops.audit_secret_binding();

create function ops.bind_secret(p_name text, p_workspace uuid, p_hosts text[], p_environments text[] default null)
returns ops.secret_bindings
language plpgsql
security definer
set search_path = ''
as $$
declare
  b ops.secret_bindings;
begin
  if coalesce(cardinality(p_hosts), 0) = 0 then
    raise exception 'name at least one host that secret % may be sent to (e.g. array[''api.github.com''])', p_name
      using errcode = '22023';
  end if;
  insert into ops.secret_bindings (name, workspace_id, hosts, environments)
  values (p_name, p_workspace, (select array_agg(lower(btrim(h)) order by h) from unnest(p_hosts) h), p_environments)
  on conflict (name, workspace_id) do update
  set hosts = excluded.hosts, environments = excluded.environments, updated_at = now()
  returning * into b;
  return b;
end
$$;

create function ops.unbind_secret(p_name text, p_workspace uuid) returns void
language sql
security definer
set search_path = ''
as $$
  delete from ops.secret_bindings where name = p_name and workspace_id = p_workspace
$$;

-- ===========================================================================================
-- Runs belong to a workspace and pin a template revision
-- ===========================================================================================

alter table ops.runs add column workspace_id uuid references ops.workspaces (id) on delete cascade;
alter table ops.runs add column template_revision_id uuid references ops.template_revisions (id);
alter table ops.runs add column template_hash text;
comment on column ops.runs.template_revision_id is 'The template revision the starter saw; the executor executes exactly this one';
comment on column ops.runs.template_hash is 'sha256 of that revision''s text, set by the database; the executor checks it again';
-- Slugs are per workspace now; a run keeps its template's slug as history, not as a reference.
alter table ops.runs drop constraint runs_template_slug_fkey;
create index runs_workspace_created_at_idx on ops.runs (workspace_id, created_at desc);

create table ops.run_approvals (
  id bigint generated always as identity primary key,
  run_id uuid not null references ops.runs (id) on delete cascade,
  step_id text not null,
  decided_by uuid not null references auth.users (id) on delete cascade,
  decision text not null constraint run_approvals_decision_valid check (decision in ('approved', 'rejected')),
  comment text constraint run_approvals_comment_length check (char_length(comment) <= 2000),
  decided_at timestamptz not null default now(),
  constraint run_approvals_one_decision_each unique (run_id, step_id, decided_by)
);
comment on table ops.run_approvals is 'Each person''s decision at an approval step of a run, with their comment';

-- A run lands in a workspace (the starter's personal one when none is given, as older plugin
-- builds insert) and pins a revision of that workspace's template. The hash always comes from
-- the revision, never from the caller.
create function ops.pin_run_template() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  rev ops.template_revisions;
  t ops.run_templates;
begin
  if new.workspace_id is null then
    new.workspace_id := ops.personal_workspace_of(new.created_by);
  end if;
  if new.template_revision_id is not null then
    select * into rev from ops.template_revisions where id = new.template_revision_id;
    if not found or rev.workspace_id <> new.workspace_id then
      raise exception 'template revision % does not belong to this workspace', new.template_revision_id using errcode = '22023';
    end if;
    if new.template_slug is not null and new.template_slug <> rev.slug then
      raise exception 'template revision % is a revision of "%", not of "%"', new.template_revision_id, rev.slug, new.template_slug
        using errcode = '22023';
    end if;
  elsif new.template_slug is not null then
    select * into t from ops.run_templates where workspace_id = new.workspace_id and slug = new.template_slug;
    if not found then
      raise exception 'template "%" does not exist in this workspace', new.template_slug using errcode = '22023';
    end if;
    select * into rev from ops.template_revisions where id = t.revision_id;
  end if;
  if rev.id is not null then
    new.template_revision_id := rev.id;
    new.template_slug := rev.slug;
    new.template_hash := rev.hash;
  else
    new.template_hash := null;
  end if;
  return new;
end
$$;

-- Named to run after runs_guard_columns (triggers fire in name order), which refuses executor
-- columns from users before this fills in the pin.
create trigger runs_pin_template before insert on ops.runs
  for each row execute function ops.pin_run_template();

-- Spec docs keep their workspace as they keep their slug.
create or replace function ops.keep_spec_doc_revision() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.id := old.id;
  new.slug := old.slug;
  -- Set once, by the upgrade that introduced workspaces; never moved afterwards.
  new.workspace_id := coalesce(old.workspace_id, new.workspace_id);
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

-- ===========================================================================================
-- The upgrade: every row keeps living, now inside a workspace
-- ===========================================================================================

-- Templates name the project's public URL and anon key as ${{ project.url }} and
-- ${{ project.anon_key }}: secrets now come only through bindings, and SUPABASE_* never does.
-- Rewrites the seeded templates' references to them. Internal.
create function ops.without_platform_secrets(p_yaml text) returns text
language sql immutable
set search_path = ''
as $$
  select replace(replace(replace(p_yaml,
    E'  - name: SUPABASE_URL\n    required: true\n  - name: SUPABASE_ANON_KEY\n    required: true\n', ''),
    '${{ secrets.SUPABASE_URL }}', '${{ project.url }}'),
    '${{ secrets.SUPABASE_ANON_KEY }}', '${{ project.anon_key }}')
$$;

-- The starter kit is what the seeded templates and documents are at upgrade time.
insert into ops.starter_kit (kind, slug, title, description, template_kind, content)
select 'template', slug, title, description, kind, ops.without_platform_secrets(template_yaml) from ops.run_templates
where slug in ('deploy-web', 'incident-open');
insert into ops.starter_kit (kind, slug, title, content)
select 'spec_doc', slug, title, content from ops.spec_docs
where slug in ('continue-orchestrator/constitution', 'continue-orchestrator/prd', 'continue-orchestrator/plan', 'continue-orchestrator/tasks');

do $upgrade$
declare
  shared uuid;
  t ops.run_templates;
  revision uuid;
begin
  insert into ops.workspaces (name) values ('Shared') returning id into shared;
  update ops.deployment_settings set shared_workspace_id = shared;
  perform ops.protect_production(shared);

  -- The existing templates and documents are the team's: they move to Shared as they are, each
  -- template's text becoming its first revision.
  update ops.run_templates set workspace_id = shared;
  for t in select * from ops.run_templates loop
    insert into ops.template_revisions (template_id, workspace_id, slug, revision, title, description, kind, template_yaml, hash, saved_by, saved_at)
    values (t.id, shared, t.slug, 1, t.title, t.description, t.kind, t.template_yaml, ops.text_hash(t.template_yaml), t.updated_by, t.updated_at)
    returning id into revision;
    update ops.run_templates set revision_id = revision where id = t.id;
  end loop;
  update ops.spec_docs set workspace_id = shared;
end
$upgrade$;

-- Slugs are unique per workspace from now on: every workspace has its own deploy-web.
alter table ops.run_templates alter column workspace_id set not null;
alter table ops.spec_docs alter column workspace_id set not null;
alter table ops.run_templates drop constraint run_templates_slug_key;
alter table ops.run_templates add constraint run_templates_workspace_slug_unique unique (workspace_id, slug);
alter table ops.spec_docs drop constraint spec_docs_slug_key;
alter table ops.spec_docs add constraint spec_docs_workspace_slug_unique unique (workspace_id, slug);

create trigger run_templates_keep_revision before insert or update on ops.run_templates
  for each row execute function ops.keep_template_revision();
create trigger run_templates_first_revision after insert on ops.run_templates
  for each row execute function ops.keep_first_template_revision();

-- Shared's templates get the same rewrite as their second revision (the first keeps the old text).
update ops.run_templates set template_yaml = ops.without_platform_secrets(template_yaml)
where template_yaml <> ops.without_platform_secrets(template_yaml);

do $upgrade$
declare
  shared uuid := (select shared_workspace_id from ops.deployment_settings);
  u record;
begin
  -- Every existing user: a personal workspace (admin, with the starter kit) and operator of Shared.
  for u in select id from auth.users loop
    perform ops.personal_workspace_of(u.id);
    insert into ops.workspace_members (workspace_id, user_id, role, display_name)
    values (shared, u.id, 'operator', coalesce(ops.display_name_of(u.id), 'someone'));
  end loop;
end
$upgrade$;

-- Existing runs go to their starter's personal workspace, pinned to its copy of their template
-- (runs that already started keep executing the plan stored at their first validation).
update ops.runs r
set workspace_id = w.id,
    template_revision_id = t.revision_id,
    template_hash = ops.text_hash(t.template_yaml)
from ops.workspaces w
left join ops.run_templates t on t.workspace_id = w.id
where w.personal_for = r.created_by and (t.slug = r.template_slug or t.id is null);
update ops.runs r set workspace_id = w.id from ops.workspaces w where w.personal_for = r.created_by and r.workspace_id is null;

alter table ops.runs alter column workspace_id set not null;

-- Names Shared's admin: the person deploying runs this once with the service role, e.g.
--   select ops.name_shared_admin((select id from auth.users where email = 'lead@example.com'));
create function ops.name_shared_admin(p_user uuid) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  shared uuid := (select shared_workspace_id from ops.deployment_settings);
begin
  if not exists (select 1 from auth.users where id = p_user) then
    raise exception 'user % does not exist', p_user using errcode = 'PT404';
  end if;
  insert into ops.workspace_members (workspace_id, user_id, role, display_name)
  values (shared, p_user, 'admin', coalesce(ops.display_name_of(p_user), 'someone'))
  on conflict (workspace_id, user_id) do update set role = 'admin';
  perform ops.audit(shared, 'member.role', p_user::text, jsonb_build_object('to', 'admin', 'by', 'deployment'));
end
$$;

create function ops.set_anonymous_workspaces(p_allowed boolean) returns void
language sql
security definer
set search_path = ''
as $$
  update ops.deployment_settings set anonymous_may_create_workspaces = coalesce(p_allowed, false)
$$;

-- ===========================================================================================
-- Run actions: cancel, approvals, who may invoke the executor
-- ===========================================================================================

-- Locks a run for an action of a member with at least p_min. Internal.
create function ops.lock_workspace_run(p_run_id uuid, p_min text, p_what text) returns ops.runs
language plpgsql
set search_path = ''
as $$
declare
  r ops.runs;
begin
  select * into r from ops.runs where id = p_run_id for update;
  -- Outsiders learn nothing: an unknown run and someone else's look the same.
  if not found or not (ops.has_role(r.workspace_id, 'viewer') or coalesce(auth.role(), '') = 'service_role') then
    raise exception 'run % does not exist', p_run_id using errcode = 'PT404';
  end if;
  if coalesce(auth.role(), '') <> 'service_role' then
    perform ops.require_role(r.workspace_id, p_min, p_what);
  end if;
  return r;
end
$$;

create or replace function ops.request_cancel(p_run_id uuid)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
  who text;
begin
  r := ops.lock_workspace_run(p_run_id, 'operator', 'canceling a run');
  if r.status in ('success', 'error', 'canceled') or r.cancel_requested then
    return r;
  end if;
  who := case when auth.uid() is null then 'the platform' else ops.member_name(r.workspace_id, auth.uid()) end;
  perform ops.insert_run_events(p_run_id, r.last_seq, jsonb_build_array(jsonb_build_object(
    'level', 'warn', 'source', 'user', 'step_id', r.current_step,
    'message', case when r.status = 'running' then format('Cancel requested by %s; stopping at the next safe point', who)
                    else format('Canceled by %s', who) end,
    'data', jsonb_build_object('by', auth.uid()))));
  if r.status = 'running' then
    update ops.runs set cancel_requested = true, last_seq = last_seq + 1
    where id = p_run_id returning * into r;
  else
    update ops.runs
    set status = 'canceled', cancel_requested = true, finished_at = now(), last_seq = last_seq + 1,
        summary = case when r.status = 'queued' then format('Canceled by %s before it started', who)
                       else format('Canceled by %s while waiting for approval at step %s', who, r.current_step) end
    where id = p_run_id returning * into r;
  end if;
  perform ops.audit(r.workspace_id, 'run.cancel', p_run_id::text, jsonb_build_object('status', r.status));
  return r;
end
$$;

-- Parks a run at an approval step and records what it needs: how many approvals, from which
-- role, and whether the starter may be one of them. The gate of a protected environment takes
-- this from the environment; an approval step a template adds needs one approver, and the
-- starter is excluded on protected environments.
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
      lease_expires_at = null
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

-- Approve or reject a run waiting at an approval step. Each person decides once per step; one
-- rejection cancels the run; when the approvals reach the required count the run is requeued
-- and the approving client invokes the executor.
create or replace function ops.decide_approval(p_run_id uuid, p_approve boolean, p_comment text default null)
returns ops.runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  r ops.runs;
  waiting jsonb;
  approvals jsonb;
  required int;
  who text;
  decision jsonb;
begin
  if p_approve is null then
    raise exception 'p_approve must be true (approve) or false (reject)' using errcode = '22023';
  end if;
  if char_length(p_comment) > 2000 then
    raise exception 'comment must be at most 2000 characters' using errcode = '22023';
  end if;
  if auth.uid() is null then
    raise exception 'approvals are decided by people: sign in to approve or reject' using errcode = '42501';
  end if;
  select * into r from ops.runs where id = p_run_id for update;
  if not found or not ops.has_role(r.workspace_id, 'viewer') then
    raise exception 'run % does not exist', p_run_id using errcode = 'PT404';
  end if;
  if r.status <> 'waiting_approval' then
    raise exception 'run % is %, not waiting for approval', p_run_id, r.status using errcode = 'PT409';
  end if;
  waiting := r.step_results -> r.current_step;
  perform ops.require_role(r.workspace_id, coalesce(waiting ->> 'approver_role', 'approver'), 'deciding this approval');
  if coalesce((waiting ->> 'prevent_self_review')::boolean, false) and r.created_by = auth.uid() then
    raise exception 'you started this run, and % requires someone else to review it', r.env
      using errcode = '42501', hint = 'Ask another approver of the workspace to decide.';
  end if;
  if exists (select 1 from ops.run_approvals where run_id = p_run_id and step_id = r.current_step and decided_by = auth.uid()) then
    raise exception 'you already decided on this step of run %', p_run_id using errcode = 'PT409';
  end if;
  insert into ops.run_approvals (run_id, step_id, decided_by, decision, comment)
  values (p_run_id, r.current_step, auth.uid(), case when p_approve then 'approved' else 'rejected' end, p_comment);
  perform ops.audit(r.workspace_id, case when p_approve then 'approval.approve' else 'approval.reject' end, p_run_id::text,
    jsonb_build_object('step', r.current_step, 'comment', p_comment));

  who := ops.member_name(r.workspace_id, auth.uid());
  approvals := coalesce(waiting -> 'approvals', '[]'::jsonb)
    || jsonb_build_array(jsonb_build_object('by', auth.uid(), 'name', who, 'at', now(), 'comment', p_comment,
                                            'decision', case when p_approve then 'approved' else 'rejected' end));
  required := coalesce((waiting ->> 'required')::int, 1);

  if not p_approve then
    decision := waiting || jsonb_build_object('status', 'failed', 'decision', 'rejected', 'decided_by', auth.uid(),
      'decided_at', now(), 'comment', p_comment, 'approvals', approvals, 'finished_at', now());
  elsif (select count(*) from jsonb_array_elements(approvals) a where a ->> 'decision' = 'approved') >= required then
    decision := waiting || jsonb_build_object('status', 'succeeded', 'decision', 'approved', 'decided_by', auth.uid(),
      'decided_at', now(), 'comment', p_comment, 'approvals', approvals, 'finished_at', now());
  else
    decision := waiting || jsonb_build_object('approvals', approvals);
  end if;

  perform ops.insert_run_events(p_run_id, r.last_seq, jsonb_build_array(jsonb_build_object(
    'level', case when p_approve then 'info' else 'warn' end, 'source', 'user', 'step_id', r.current_step,
    'message', case when p_approve
                 then format('Approved by %s (%s of %s)', who,
                             (select count(*) from jsonb_array_elements(approvals) a where a ->> 'decision' = 'approved'), required)
                 else format('Rejected by %s', who) end
               || coalesce(': ' || p_comment, ''),
    'data', jsonb_build_object('decision', case when p_approve then 'approved' else 'rejected' end, 'by', auth.uid()))));
  update ops.runs
  set step_results = step_results || jsonb_build_object(r.current_step, decision),
      last_seq = last_seq + 1,
      status = case when not p_approve then 'canceled'
                    when decision ->> 'status' = 'succeeded' then 'queued'
                    else status end,
      finished_at = case when p_approve then null else now() end,
      summary = case when p_approve then summary
                     else format('Rejected by %s at step %s', who, r.current_step) end
  where id = p_run_id
  returning * into r;
  return r;
end
$$;

-- Whether the caller may ask the executor to work on this run: operators start runs and
-- approvers continue them after the last approval.
create function ops.may_execute_run(p_run_id uuid) returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select exists (select 1 from ops.runs r where r.id = p_run_id and ops.has_role(r.workspace_id, 'operator'))
$$;

-- Replaced by ops.lock_workspace_run.
drop function ops.lock_owned_run(uuid);

-- Spec docs are saved per workspace; the old form (slug only) is ambiguous now.
drop function ops.save_spec_doc(text, text, int, text);
create function ops.save_spec_doc(p_workspace uuid, p_slug text, p_content text, p_expected_version int, p_title text default null)
returns ops.spec_docs
language plpgsql
set search_path = ''
as $$
declare
  d ops.spec_docs;
begin
  perform ops.require_role(p_workspace, 'operator', 'editing spec documents');
  select * into d from ops.spec_docs where workspace_id = p_workspace and slug = p_slug for update;
  if not found then
    raise exception 'spec doc "%" does not exist in this workspace', p_slug using errcode = 'PT404';
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

-- ===========================================================================================
-- Grants and row-level security, replacing the single-user policies
-- ===========================================================================================

drop policy "Runs are visible to their creator" on ops.runs;
drop policy "Users create runs for themselves" on ops.runs;
drop policy "Users update their own runs" on ops.runs;
drop policy "Users delete their own finished runs" on ops.runs;
drop policy "Run events are visible to the run's creator" on ops.run_events;
drop policy "Artifacts are visible to the run's creator" on ops.artifacts;
drop policy "Templates are readable by signed-in users" on ops.run_templates;
drop policy "Signed-in users add templates" on ops.run_templates;
drop policy "Signed-in users edit templates" on ops.run_templates;
drop policy "Signed-in users delete templates" on ops.run_templates;
drop policy "Spec docs are readable by signed-in users" on ops.spec_docs;
drop policy "Signed-in users add spec docs" on ops.spec_docs;
drop policy "Signed-in users edit spec docs" on ops.spec_docs;
drop policy "Spec doc revisions are readable by signed-in users" on ops.spec_doc_revisions;

-- Templates change only through save_template and delete_template (admins, audited).
revoke insert, update, delete on ops.run_templates from authenticated;
-- Spec documents are added by operators; editing goes through the revision trigger.
revoke delete on ops.spec_docs from authenticated;

grant select on ops.workspaces, ops.workspace_members, ops.environments, ops.template_revisions,
  ops.run_approvals, ops.audit_log, ops.deployment_settings to authenticated;
grant select (id, workspace_id, role, expires_at, created_by, created_at, used_by, used_at, revoked_at)
  on ops.workspace_invites to authenticated;
grant select (id, name, workspace_id, hosts, environments, created_at, updated_at) on ops.secret_bindings to authenticated;

grant select, insert, update, delete on ops.workspaces, ops.workspace_members, ops.workspace_invites, ops.environments,
  ops.secret_bindings, ops.run_approvals, ops.starter_kit to service_role;
grant select, update on ops.deployment_settings to service_role;
grant select on ops.template_revisions, ops.audit_log to service_role;

alter table ops.workspaces enable row level security;
alter table ops.workspace_members enable row level security;
alter table ops.workspace_invites enable row level security;
alter table ops.environments enable row level security;
alter table ops.template_revisions enable row level security;
alter table ops.run_approvals enable row level security;
alter table ops.secret_bindings enable row level security;
alter table ops.audit_log enable row level security;
alter table ops.deployment_settings enable row level security;
alter table ops.starter_kit enable row level security;

create policy "Members see their workspaces" on ops.workspaces
  for select to authenticated using (id in (select ops.my_workspace_ids()));
create policy "Members see who else is in their workspaces" on ops.workspace_members
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Admins see their workspace's invites" on ops.workspace_invites
  for select to authenticated using (ops.has_role(workspace_id, 'admin'));
create policy "Members see their workspace's environments" on ops.environments
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Admins see their workspace's secret bindings" on ops.secret_bindings
  for select to authenticated using (ops.has_role(workspace_id, 'admin'));
create policy "Members read their workspace's audit trail" on ops.audit_log
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Signed-in users read the deployment settings" on ops.deployment_settings
  for select to authenticated using (true);

create policy "Members see their workspace's runs" on ops.runs
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Operators start runs as themselves" on ops.runs
  for insert to authenticated
  with check (created_by = (select auth.uid()) and ops.has_role(workspace_id, 'operator'));
create policy "Operators rename runs" on ops.runs
  for update to authenticated
  using (ops.has_role(workspace_id, 'operator')) with check (ops.has_role(workspace_id, 'operator'));
create policy "Finished runs are deleted by their starter or an admin" on ops.runs
  for delete to authenticated
  using (status in ('success', 'error', 'canceled')
         and ((created_by = (select auth.uid()) and ops.has_role(workspace_id, 'operator')) or ops.has_role(workspace_id, 'admin')));

create policy "Members see their workspace's run events" on ops.run_events
  for select to authenticated
  using (exists (select 1 from ops.runs r where r.id = run_id and r.workspace_id in (select ops.my_workspace_ids())));
create policy "Members see their workspace's artifacts" on ops.artifacts
  for select to authenticated
  using (exists (select 1 from ops.runs r where r.id = run_id and r.workspace_id in (select ops.my_workspace_ids())));
create policy "Members see their workspace's approvals" on ops.run_approvals
  for select to authenticated
  using (exists (select 1 from ops.runs r where r.id = run_id and r.workspace_id in (select ops.my_workspace_ids())));

create policy "Members see their workspace's templates" on ops.run_templates
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Members see their workspace's template revisions" on ops.template_revisions
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));

create policy "Members see their workspace's spec docs" on ops.spec_docs
  for select to authenticated using (workspace_id in (select ops.my_workspace_ids()));
create policy "Operators add spec docs" on ops.spec_docs
  for insert to authenticated with check (ops.has_role(workspace_id, 'operator'));
create policy "Operators edit spec docs" on ops.spec_docs
  for update to authenticated
  using (ops.has_role(workspace_id, 'operator')) with check (ops.has_role(workspace_id, 'operator'));
create policy "Members see their workspace's spec doc revisions" on ops.spec_doc_revisions
  for select to authenticated
  using (exists (select 1 from ops.spec_docs d where d.id = doc_id and d.workspace_id in (select ops.my_workspace_ids())));

-- Functions: nothing is callable by default; each is granted to who needs it.
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
grant execute on function ops.bind_secret(text, uuid, text[], text[]) to service_role;
grant execute on function ops.unbind_secret(text, uuid) to service_role;
grant execute on function ops.name_shared_admin(uuid) to service_role;
grant execute on function ops.set_anonymous_workspaces(boolean) to service_role;
-- Policies call these as the querying role.
grant execute on function ops.has_role(uuid, text) to authenticated, service_role;
grant execute on function ops.my_workspace_ids() to authenticated, service_role;
grant execute on function ops.role_rank(text) to authenticated, service_role;
-- ops.save_spec_doc runs as the caller (RLS decides) and asks this first, for a clear refusal.
grant execute on function ops.require_role(uuid, text, text) to authenticated;
grant execute on function ops.request_cancel(uuid) to authenticated, service_role;
grant execute on function ops.decide_approval(uuid, boolean, text) to authenticated;
grant execute on function ops.save_spec_doc(uuid, text, text, int, text) to authenticated;
grant execute on function ops.ensure_personal_workspace() to authenticated;
grant execute on function ops.create_workspace(text) to authenticated;
grant execute on function ops.create_invite(uuid, text, int) to authenticated;
grant execute on function ops.revoke_invite(uuid) to authenticated;
grant execute on function ops.accept_invite(text) to authenticated;
grant execute on function ops.set_member_role(uuid, uuid, text) to authenticated;
grant execute on function ops.remove_member(uuid, uuid) to authenticated;
grant execute on function ops.save_template(uuid, text, text, int, text, text, text) to authenticated;
grant execute on function ops.delete_template(uuid, text, int) to authenticated;
grant execute on function ops.set_environment(uuid, text, boolean, int, boolean, text) to authenticated;
grant execute on function ops.set_board_details(uuid, boolean) to authenticated;
grant execute on function ops.may_execute_run(uuid) to authenticated;

-- ===========================================================================================
-- Realtime: decisions stream with the runs they belong to.
-- ===========================================================================================

alter publication supabase_realtime add table ops.run_approvals;
