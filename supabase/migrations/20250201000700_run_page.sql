-- The plugin's connection check: is the ops schema served by the API, with this project's
-- migrations applied? The check runs in every open plugin every minute, signed in or not, with
-- only the project's anon key; reading a table for it made anon's refusal (HTTP 401) appear as a
-- failed request in every console. This function answers anyone holding the anon key with a
-- constant and reads nothing, so it tells no one anything about any workspace.
--   Who may call it: anon, authenticated and service_role (it is the public health check).
--   What it answers: true. A 406 (schema not exposed) or 404 (function missing: migrations not
--   applied) from the API is what the check is looking for.

create or replace function ops.api_ready()
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select true
$$;

comment on function ops.api_ready() is
  'Health check for API clients: true when the ops schema is exposed and the migrations are applied. Reads nothing.';

revoke all on function ops.api_ready() from public;
grant execute on function ops.api_ready() to anon, authenticated, service_role;
