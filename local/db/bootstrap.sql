-- The parts of the Supabase platform that the migrations assume, for plain Postgres and PGlite.
--
-- Hosted Supabase (and `supabase start`) already has all of this: the API roles, the `auth`
-- schema with auth.uid()/role()/jwt(), and the `supabase_realtime` publication. This file is
-- applied by the local stack before supabase/migrations and is never part of them. Every
-- statement is idempotent because roles are shared by every database of a Postgres cluster.

-- Roles ---------------------------------------------------------------------------------------
-- Creating a role races with other databases of the same cluster (parallel test files), so a
-- duplicate is not an error.
do $bootstrap$
declare
  r record;
begin
  for r in
    select * from (values
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'),
      ('authenticator', 'login noinherit')
    ) as t(name, options)
  loop
    if not exists (select 1 from pg_roles where rolname = r.name) then
      begin
        execute format('create role %I %s', r.name, r.options);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$bootstrap$;

do $bootstrap$
begin
  grant anon, authenticated, service_role to authenticator;
exception when others then
  -- Granting an existing membership concurrently can fail; the membership is there either way.
  null;
end
$bootstrap$;

-- auth schema ---------------------------------------------------------------------------------
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- The columns the local Auth server reads and writes; a subset of GoTrue's auth.users.
create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  aud text not null default 'authenticated',
  role text not null default 'authenticated',
  email text unique,
  encrypted_password text,
  email_confirmed_at timestamptz,
  raw_app_meta_data jsonb not null default '{}'::jsonb,
  raw_user_meta_data jsonb not null default '{}'::jsonb,
  is_anonymous boolean not null default false,
  last_sign_in_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Refresh tokens rotate: each use revokes the token and issues its child, as GoTrue does.
create table if not exists auth.refresh_tokens (
  id bigint generated always as identity primary key,
  token text not null unique,
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid not null references auth.sessions (id) on delete cascade,
  parent text,
  revoked boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists refresh_tokens_session_idx on auth.refresh_tokens (session_id);

-- Supabase reads the caller from the settings PostgREST sets per request: first the legacy
-- per-claim setting, then the claims JSON.
create or replace function auth.uid() returns uuid
language sql stable
as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$fn$;

create or replace function auth.role() returns text
language sql stable
as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$fn$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$fn$;

grant execute on function auth.uid(), auth.role(), auth.jwt() to anon, authenticated, service_role;

-- Local token checks ------------------------------------------------------------------------------
-- The local REST and Realtime refuse a signed-in user's token once its user is deleted or its
-- session has ended (signed out), which hosted PostgREST and Realtime do not check: there a token
-- stays valid until its exp. Keys without `sub` (anon, service_role) have nothing to check. The
-- schema is the local stack's own: the API roles have no usage on it, the stack calls it as the
-- database owner.
create schema if not exists local_auth;

-- Why the token with these claims no longer belongs to a signed-in user, or null when it does.
-- plpgsql, so that a sub or session_id that is not a uuid is tested before it is ever cast.
create or replace function local_auth.token_problem(p_claims jsonb) returns text
language plpgsql stable
set search_path = ''
as $fn$
declare
  uuid_text constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  sub text := p_claims ->> 'sub';
  session text := p_claims ->> 'session_id';
begin
  if sub is null then
    return null;
  end if;
  if sub !~* uuid_text then
    return 'User from sub claim in JWT does not exist';
  end if;
  if not exists (select 1 from auth.users u where u.id = sub::uuid) then
    return 'User from sub claim in JWT does not exist';
  end if;
  if not p_claims ? 'session_id' then
    return null;
  end if;
  if session is null or session !~* uuid_text then
    return 'Session from session_id claim in JWT does not exist';
  end if;
  if not exists (select 1 from auth.sessions s where s.id = session::uuid and s.user_id = sub::uuid) then
    return 'Session from session_id claim in JWT does not exist';
  end if;
  return null;
end
$fn$;

-- The same check for the REST request's own transaction: raises PT401 (HTTP 401) with the reason.
create or replace function local_auth.require_live_token(p_claims jsonb) returns void
language plpgsql stable
set search_path = ''
as $fn$
declare
  problem text := local_auth.token_problem(p_claims);
begin
  if problem is not null then
    raise exception '%', problem using errcode = 'PT401';
  end if;
end
$fn$;

revoke all on function local_auth.token_problem(jsonb), local_auth.require_live_token(jsonb) from public;

-- Realtime publication --------------------------------------------------------------------------
do $bootstrap$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$bootstrap$;

-- Local realtime feed -----------------------------------------------------------------------------
-- Real Supabase Realtime reads the WAL through a logical slot. PGlite has no replication, so the
-- local stack instead puts a trigger on every table of the publication that NOTIFYs the change.
-- The payload carries the row when it fits NOTIFY's 8000-byte limit, otherwise only the key and a
-- flag, and the server fetches the row. Trigger arguments are the table's primary key columns.
create schema if not exists local_realtime;

-- The tables some channel of a running stack listens to (`*` for any schema or table); the stack
-- keeps its rows (local/realtime/watched-tables.ts), and a change of any other table is not sent:
-- nobody would receive it, and hosted Realtime's WAL reader costs the writer nothing either.
create table if not exists local_realtime.watched (
  stack uuid not null,
  schema_name text not null,
  table_name text not null,
  primary key (stack, schema_name, table_name)
);

-- Security definer so that it reads local_realtime.watched whoever makes the change.
create or replace function local_realtime.notify_change() returns trigger
language plpgsql
security definer
set search_path = ''
as $fn$
declare
  row_data jsonb;
  pk jsonb := '{}'::jsonb;
  col text;
  payload text;
begin
  if not exists (
    select 1 from local_realtime.watched w
    where w.schema_name in (tg_table_schema, '*') and w.table_name in (tg_table_name, '*')
  ) then
    return null;
  end if;
  row_data := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
  foreach col in array tg_argv loop
    pk := pk || jsonb_build_object(col, row_data -> col);
  end loop;
  payload := jsonb_build_object(
    'schema', tg_table_schema, 'table', tg_table_name, 'type', tg_op, 'pk', pk,
    'ts', now(),
    'record', case when tg_op = 'DELETE' then null else row_data end,
    'old_record', case when tg_op = 'UPDATE' then to_jsonb(old) else null end
  )::text;
  if octet_length(payload) > 7900 then
    payload := jsonb_build_object(
      'schema', tg_table_schema, 'table', tg_table_name, 'type', tg_op, 'pk', pk,
      'ts', now(), 'truncated', true
    )::text;
  end if;
  perform pg_notify('local_realtime', payload);
  return null;
end
$fn$;

-- Adds the change trigger to every table of supabase_realtime that lacks it; the local stack calls
-- this after the migrations, since they are what add tables to the publication.
create or replace function local_realtime.attach_triggers() returns int
language plpgsql
as $fn$
declare
  t record;
  pk_cols text;
  attached int := 0;
begin
  for t in
    select c.oid, n.nspname, c.relname
    from pg_publication_tables pt
    join pg_namespace n on n.nspname = pt.schemaname
    join pg_class c on c.relnamespace = n.oid and c.relname = pt.tablename
    where pt.pubname = 'supabase_realtime'
      and not exists (
        select 1 from pg_trigger tg where tg.tgrelid = c.oid and tg.tgname = 'local_realtime_notify'
      )
  loop
    select string_agg(quote_literal(a.attname), ', ' order by k.ord)
      into pk_cols
    from pg_index i
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
    where i.indrelid = t.oid and i.indisprimary;
    if pk_cols is null then
      raise exception 'table %.% is in supabase_realtime but has no primary key', t.nspname, t.relname;
    end if;
    execute format(
      'create trigger local_realtime_notify after insert or update or delete on %I.%I '
      'for each row execute function local_realtime.notify_change(%s)',
      t.nspname, t.relname, pk_cols
    );
    attached := attached + 1;
  end loop;
  return attached;
end
$fn$;

-- Realtime Broadcast from the database -------------------------------------------------------------
-- Hosted projects have the `realtime` schema of Supabase Realtime: `realtime.messages` (RLS on; its
-- SELECT and INSERT policies decide who may join a private channel and who may send on it),
-- `realtime.topic()` (the topic being authorised) and `realtime.send()` (a broadcast from SQL). These
-- are their stand-ins with the same columns and signatures. Hosted Realtime reads new messages from
-- the WAL; here a trigger NOTIFYs the message id on `local_realtime_broadcast` instead.
create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;

create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone not null default now(),
  inserted_at timestamp without time zone not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to anon, authenticated;
grant all on realtime.messages to service_role;

create or replace function realtime.topic() returns text
language sql stable
as $fn$
  select nullif(current_setting('realtime.topic', true), '')::text
$fn$;

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true) returns void
language plpgsql
as $fn$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;
    execute format('SET LOCAL realtime.topic TO %L', topic);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end
$fn$;

grant execute on function realtime.topic() to anon, authenticated, service_role;
grant execute on function realtime.send(jsonb, text, text, boolean) to service_role;

-- The notification carries the message itself when it fits NOTIFY's 8000 bytes (a JSON line with
-- its id, topic, event and privacy, then its payload), so the server sends it without reading it
-- back; a larger one carries only its id and the server fetches it.
create or replace function local_realtime.notify_broadcast() returns trigger
language plpgsql
as $fn$
declare
  message text;
begin
  if new.extension = 'broadcast' then
    message := jsonb_build_object('id', new.id, 'topic', new.topic, 'event', new.event, 'private', coalesce(new.private, false))::text
      || E'\n' || coalesce(new.payload, '{}'::jsonb)::text;
    perform pg_notify('local_realtime_broadcast', case when octet_length(message) <= 7900 then message else new.id::text end);
  end if;
  return null;
end
$fn$;

do $bootstrap$
begin
  if not exists (
    select 1 from pg_trigger where tgrelid = 'realtime.messages'::regclass and tgname = 'local_realtime_broadcast'
  ) then
    create trigger local_realtime_broadcast after insert on realtime.messages
      for each row execute function local_realtime.notify_broadcast();
  end if;
end
$bootstrap$;

-- Migration bookkeeping, under the name the Supabase CLI uses ---------------------------------------
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  name text not null,
  applied_at timestamptz not null default now()
);

-- What the local stack's last full migration pass saw (a hash of this file and the migration file
-- names), so a restart with data skips the bootstrap and the per-file checks. Local only: hosted
-- projects and `supabase db push` never read it.
create table if not exists supabase_migrations.local_stack_state (
  key text primary key,
  value text not null
);
