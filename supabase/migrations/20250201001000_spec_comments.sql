-- Spec review, part one: comments on a Spec Kit document, anchored to its requirements.
--
-- A thread is a root comment on an anchor of a document (a requirement `FR-003`, a criterion, a
-- task, a user story or a heading, by the key that supabase/functions/_shared/spec/anchors.ts
-- gives it) or on a passage the person selected, with replies under it. The anchor is stored by
-- key and with the text it had, so the plugin finds it again after any edit, and shows a thread
-- whose anchor is gone (or whose passage is no longer in the text) as outdated; nothing here
-- deletes a comment when its anchor disappears.
--
-- Who may do what, in the document's workspace:
-- - read comments: its members, every role (viewers read everything there);
-- - add a thread or a reply, resolve and reopen a thread: viewers and up;
-- - edit a comment's body and mentions: its author only, and only while still a member;
-- - delete: nobody from a client (a document's comments go when the document does);
-- - outsiders and anon: nothing (no grant for anon; no row passes the policy for outsiders; the
--   functions refuse them, saying membership is needed).
-- Writes go only through the three functions below (security definer, each checking the caller's
-- role with ops.require_role), so the workspace, author, thread and times are always the
-- database's and never the caller's.
--
-- Live: every change goes out once, as Broadcast from the database, on the workspace's private
-- topic `workspace:<workspace id>:spec` (event `comment` with the row, `comment_deleted` with
-- {id}); the reviews and proposals of a document use the same topic. Its members receive it;
-- nobody sends on it from a client.

create table ops.spec_comments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references ops.workspaces (id) on delete cascade,
  doc_id uuid not null references ops.spec_docs (id) on delete cascade,
  -- Null for a thread's root; a reply points at its root (never at another reply).
  thread_id uuid references ops.spec_comments (id) on delete cascade,
  anchor_key text constraint spec_comments_anchor_key_length check (char_length(anchor_key) between 1 and 200),
  anchor_text text constraint spec_comments_anchor_text_length check (char_length(anchor_text) <= 10000),
  quote text constraint spec_comments_quote_length check (char_length(quote) between 1 and 10000),
  doc_version int not null constraint spec_comments_doc_version_positive check (doc_version > 0),
  body text not null constraint spec_comments_body_length check (char_length(body) between 1 and 10000),
  mentions uuid[] not null default '{}' constraint spec_comments_mentions_count check (cardinality(mentions) <= 50),
  author_id uuid references auth.users (id) on delete set null,
  source jsonb constraint spec_comments_source_object check (jsonb_typeof(source) = 'object' and octet_length(source::text) <= 4000),
  resolved_at timestamptz,
  resolved_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  -- Anchor, passage and resolution belong to the thread, i.e. its root.
  constraint spec_comments_replies_carry_no_thread_state
    check (thread_id is null or (anchor_key is null and anchor_text is null and quote is null and resolved_at is null))
);

create index spec_comments_doc_idx on ops.spec_comments (doc_id, created_at);
create index spec_comments_thread_idx on ops.spec_comments (thread_id) where thread_id is not null;
create index spec_comments_workspace_idx on ops.spec_comments (workspace_id);

revoke all on ops.spec_comments from public, anon, authenticated, service_role;
grant select on ops.spec_comments to authenticated;
grant select, insert, update, delete on ops.spec_comments to service_role;

alter table ops.spec_comments enable row level security;

create policy "Members read their workspace's spec comments" on ops.spec_comments
  for select to authenticated using (ops.has_role(workspace_id, 'viewer'));

-- The body of a comment: 1 to 10,000 characters after trimming, stored exactly as typed (markdown,
-- HTML and `${{ … }}` are plain text here; the plugin never renders a comment as HTML).
create function ops.spec_comment_body(p_body text) returns text
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_body is null or btrim(p_body) = '' then
    raise exception 'a comment needs some text' using errcode = '22023';
  end if;
  if char_length(p_body) > 10000 then
    raise exception 'a comment is at most 10,000 characters; this one has %', char_length(p_body) using errcode = '22023';
  end if;
  return p_body;
end
$$;

-- The people a comment mentions: distinct, at most 50, each a member of the workspace. A mention
-- of anyone else is refused by name of the problem, never silently dropped (they could not read it).
create function ops.spec_comment_mentions(p_workspace uuid, p_mentions uuid[]) returns uuid[]
language plpgsql stable
set search_path = ''
as $$
declare
  wanted uuid[] := coalesce((select array_agg(distinct m) from unnest(coalesce(p_mentions, '{}')) m where m is not null), '{}');
  stranger uuid;
begin
  if cardinality(wanted) > 50 then
    raise exception 'a comment mentions at most 50 people; this one mentions %', cardinality(wanted) using errcode = '22023';
  end if;
  select m into stranger from unnest(wanted) m
  where not exists (select 1 from ops.workspace_members w where w.workspace_id = p_workspace and w.user_id = m)
  limit 1;
  if stranger is not null then
    raise exception 'you can only mention members of this workspace; % is not one', stranger using errcode = '22023';
  end if;
  return wanted;
end
$$;

-- The caller may comment in the workspace of what they named (viewers and up; the service role for
-- the platform). A document or comment of a workspace the caller is not in reads as one that does
-- not exist, so outsiders learn nothing, not even whether it exists.
create function ops.require_spec_commenter(p_workspace uuid, p_what text, p_id uuid) returns void
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  if coalesce(auth.role(), '') = 'service_role' and p_workspace is not null then
    return;
  end if;
  if auth.uid() is null then
    raise exception 'commenting on spec documents needs a signed-in user' using errcode = '42501';
  end if;
  if p_workspace is null or not ops.has_role(p_workspace, 'viewer') then
    raise exception '% % does not exist in your workspaces', p_what, p_id using errcode = 'PT404';
  end if;
end
$$;

-- Adds a thread (p_thread_id null) or a reply to one. The document decides the workspace; the
-- caller must be at least a viewer there. A reply goes to the root of a thread of the same
-- document and carries no anchor of its own. p_doc_version is the revision the person read, so it
-- must be one the document has had.
create function ops.add_spec_comment(
  p_doc_id uuid,
  p_body text,
  p_doc_version int,
  p_anchor_key text default null,
  p_anchor_text text default null,
  p_quote text default null,
  p_thread_id uuid default null,
  p_mentions uuid[] default '{}',
  p_source jsonb default null
) returns ops.spec_comments
language plpgsql
security definer
set search_path = ''
as $$
declare
  d ops.spec_docs;
  root ops.spec_comments;
  c ops.spec_comments;
begin
  select * into d from ops.spec_docs where id = p_doc_id;
  perform ops.require_spec_commenter(d.workspace_id, 'spec doc', p_doc_id);
  if p_doc_version is null or p_doc_version < 1 or p_doc_version > d.version then
    raise exception 'spec doc "%" has versions 1 to %; a comment cannot be on version %', d.slug, d.version, coalesce(p_doc_version::text, 'null')
      using errcode = '22023';
  end if;
  if p_source is not null and jsonb_typeof(p_source) <> 'object' then
    raise exception 'a comment''s source is a JSON object' using errcode = '22023';
  end if;
  if octet_length(p_source::text) > 4000 then
    raise exception 'a comment''s source is at most 4,000 bytes of JSON; this one has %', octet_length(p_source::text)
      using errcode = '22023';
  end if;
  if p_thread_id is not null then
    select * into root from ops.spec_comments where id = p_thread_id;
    if not found or root.doc_id <> d.id then
      raise exception 'thread % is not on spec doc "%"', p_thread_id, d.slug using errcode = '22023';
    end if;
    if root.thread_id is not null then
      raise exception 'reply to the thread''s first comment (%), not to a reply', root.thread_id using errcode = '22023';
    end if;
  elsif p_anchor_key is not null and (char_length(p_anchor_key) > 200 or btrim(p_anchor_key) = '') then
    raise exception 'an anchor key is 1 to 200 characters (FR-003, T012, h:edge-cases)' using errcode = '22023';
  elsif char_length(p_quote) > 10000 or char_length(p_anchor_text) > 10000 then
    raise exception 'a quoted passage is at most 10,000 characters' using errcode = '22023';
  end if;
  insert into ops.spec_comments (workspace_id, doc_id, thread_id, anchor_key, anchor_text, quote, doc_version, body, mentions,
    author_id, source)
  values (
    d.workspace_id, d.id, p_thread_id,
    case when p_thread_id is null then p_anchor_key end,
    case when p_thread_id is null then p_anchor_text end,
    case when p_thread_id is null then nullif(p_quote, '') end,
    p_doc_version, ops.spec_comment_body(p_body), ops.spec_comment_mentions(d.workspace_id, p_mentions), auth.uid(), p_source
  )
  returning * into c;
  return c;
end
$$;

-- Changes a comment's body and mentions: only its author, only while a member of the workspace.
create function ops.edit_spec_comment(p_id uuid, p_body text, p_mentions uuid[]) returns ops.spec_comments
language plpgsql
security definer
set search_path = ''
as $$
declare
  c ops.spec_comments;
begin
  select * into c from ops.spec_comments where id = p_id for update;
  perform ops.require_spec_commenter(c.workspace_id, 'comment', p_id);
  if c.author_id is distinct from auth.uid() then
    raise exception 'only its author edits a comment' using errcode = '42501';
  end if;
  update ops.spec_comments
  set body = ops.spec_comment_body(p_body), mentions = ops.spec_comment_mentions(c.workspace_id, p_mentions), edited_at = now()
  where id = c.id
  returning * into c;
  return c;
end
$$;

-- Resolves or reopens a thread (its root): any member who may comment.
create function ops.set_spec_thread_resolved(p_id uuid, p_resolved boolean) returns ops.spec_comments
language plpgsql
security definer
set search_path = ''
as $$
declare
  c ops.spec_comments;
begin
  select * into c from ops.spec_comments where id = p_id for update;
  perform ops.require_spec_commenter(c.workspace_id, 'comment', p_id);
  if c.thread_id is not null then
    raise exception 'resolve the thread through its first comment (%)', c.thread_id using errcode = '22023';
  end if;
  if p_resolved is null then
    raise exception 'say whether the thread is resolved (true) or open (false)' using errcode = '22023';
  end if;
  if (c.resolved_at is not null) = p_resolved then
    return c;
  end if;
  update ops.spec_comments
  set resolved_at = case when p_resolved then now() end, resolved_by = case when p_resolved then auth.uid() end
  where id = c.id
  returning * into c;
  return c;
end
$$;

-- Every change, once, to the workspace's spec topic: the row as members read it.
create function ops.broadcast_spec_comment() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform realtime.send(jsonb_build_object('id', old.id), 'comment_deleted', 'workspace:' || old.workspace_id::text || ':spec', true);
  else
    perform realtime.send(to_jsonb(new), 'comment', 'workspace:' || new.workspace_id::text || ':spec', true);
  end if;
  return null;
end
$$;

create trigger spec_comments_broadcast
  after insert or update or delete on ops.spec_comments
  for each row execute function ops.broadcast_spec_comment();

-- Receiving a workspace's spec changes (comments, reviews, proposals): its members, as "Members
-- read their workspace's spec comments". No INSERT policy: clients send nothing on it.
create policy "Members receive their workspace's spec changes" on realtime.messages
  for select to authenticated
  using (
    extension = 'broadcast'
    and exists (
      select 1 from ops.workspaces w
      where 'workspace:' || w.id::text || ':spec' = (select realtime.topic())
        and w.id in (select ops.my_workspace_ids())
    )
  );

revoke execute on function ops.require_spec_commenter(uuid, text, uuid) from public, anon, authenticated, service_role;
revoke execute on function ops.spec_comment_body(text) from public, anon, authenticated, service_role;
revoke execute on function ops.spec_comment_mentions(uuid, uuid[]) from public, anon, authenticated, service_role;
revoke execute on function ops.broadcast_spec_comment() from public, anon, authenticated, service_role;
revoke execute on function ops.add_spec_comment(uuid, text, int, text, text, text, uuid, uuid[], jsonb) from public, anon;
revoke execute on function ops.edit_spec_comment(uuid, text, uuid[]) from public, anon;
revoke execute on function ops.set_spec_thread_resolved(uuid, boolean) from public, anon;
grant execute on function ops.add_spec_comment(uuid, text, int, text, text, text, uuid, uuid[], jsonb) to authenticated, service_role;
grant execute on function ops.edit_spec_comment(uuid, text, uuid[]) to authenticated, service_role;
grant execute on function ops.set_spec_thread_resolved(uuid, boolean) to authenticated, service_role;
