-- Deleting a person must work (the Auth admin API, or `delete from auth.users`): until now every
-- such delete failed, because the user's personal workspace goes with them and the immutability
-- trigger of ops.template_revisions refused the cascading delete of its revisions, and refused
-- the `saved_by` of a team template's revisions being set to null.
--
-- Revisions stay immutable for everyone: the only changes let through are those the foreign keys
-- make — `template_id` and `saved_by` set to null when the template or the person is deleted — and
-- the delete of a revision whose workspace is gone (the cascade of a deleted workspace).

create or replace function ops.forbid_revision_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and not exists (select 1 from ops.workspaces w where w.id = old.workspace_id) then
    return old;
  end if;
  if tg_op = 'UPDATE'
     and (to_jsonb(new) - 'template_id' - 'saved_by') = (to_jsonb(old) - 'template_id' - 'saved_by')
     and (new.template_id is null or new.template_id = old.template_id)
     and (new.saved_by is null or new.saved_by = old.saved_by) then
    return new;
  end if;
  raise exception 'template revisions are immutable: revision % of % cannot be changed', old.revision, old.slug
    using errcode = '42501';
end
$$;
