-- The hosted drain: every 10 seconds, pg_cron asks the database whether a run can be claimed
-- (ops.has_claimable_run()) and, only then, pg_net calls the ops-executor function once with the
-- project's secret key. Runs nobody invoked, runs whose executor died and approved runs are picked
-- up within about 10 seconds; an idle project makes no function invocations at all.
--
-- NOT a migration. The deployer runs it once per project, after `supabase db push`, because it
-- needs the project URL and the secret key, which must not live in the repository:
--
--   psql "$DB_URL" -v ON_ERROR_STOP=1 \
--     -v project_url=https://<project-ref>.supabase.co \
--     -v secret_key=sb_secret_... \
--     -v key_kind=secret \
--     -f supabase/drain/schedule-drain.sql
--
-- In the dashboard's SQL editor instead: paste the file and replace the three :'…' placeholders in
-- the "Values" block below with quoted values ('https://…', 'sb_secret_…', 'secret').
--
-- Values:
--   project_url  https://<project-ref>.supabase.co (Project Settings → API).
--   secret_key   a secret API key, sb_secret_… (Project Settings → API Keys). On a project still on
--                the legacy keys: the service_role key (a JWT, eyJ…).
--   key_kind     `secret` for an sb_secret_… key, `legacy_jwt` for the legacy service_role JWT.
--
-- Headers sent to the function: `apikey: <secret key>` always, which is how ops-executor
-- recognises the service role with the new keys; with key_kind = legacy_jwt also
-- `Authorization: Bearer <key>`, which is how it recognises the legacy service_role key.
--
-- Running the file again (a new key, a new URL, a rotated key) updates the two Vault secrets and
-- replaces the job of the same name: there is still one job. The key is kept in Vault and read
-- when the job runs; the job's command (cron.job.command) never contains it.
--
-- To remove the drain:  select cron.unschedule('ops-executor-drain');
-- and, if you like, delete the secrets:  delete from vault.secrets where name in ('ops_drain_project_url', 'ops_drain_secret_key');

-- Extensions, as Supabase documents them (Integrations → Cron and Database → Extensions do the
-- same). Both are available on every hosted project; neither is enabled on a new one.
create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists pg_net with schema extensions;
grant usage on schema cron to postgres;
grant all privileges on all tables in schema cron to postgres;

-- Values (psql variables; in the SQL editor, replace the placeholders). Held in this session's
-- settings until the block below has used them and cleared them; never printed.
select 'values read' as ops_drain
from (
  select set_config('ops_drain.project_url', :'project_url', false),
         set_config('ops_drain.secret_key', :'secret_key', false),
         set_config('ops_drain.key_kind', :'key_kind', false)
) as given;

-- One statement, so it is all or nothing: the checks, Vault and the schedule.
do $drain$
declare
  project_url text := rtrim(btrim(current_setting('ops_drain.project_url')), '/');
  secret_key text := btrim(current_setting('ops_drain.secret_key'));
  key_kind text := btrim(current_setting('ops_drain.key_kind'));
  existing uuid;
  bearer text := '';
begin
  if project_url !~ '^https?://[^/\s]+$' then
    raise exception 'project_url must be the project''s URL, like https://<project-ref>.supabase.co, without a path (got "%")', project_url;
  end if;
  if key_kind not in ('secret', 'legacy_jwt') then
    raise exception 'key_kind must be "secret" (an sb_secret_… key) or "legacy_jwt" (the legacy service_role key), not "%"', key_kind;
  end if;
  if secret_key like 'sb_publishable_%' then
    raise exception 'secret_key is a publishable key (sb_publishable_…); the drain needs a secret key (sb_secret_…)';
  end if;
  if key_kind = 'secret' and secret_key not like 'sb\_secret\_%' then
    raise exception 'secret_key must be a secret key starting with sb_secret_ when key_kind is "secret" (for the legacy service_role JWT, set key_kind=legacy_jwt)';
  end if;
  if key_kind = 'legacy_jwt' and secret_key not like 'eyJ%' then
    raise exception 'secret_key must be the legacy service_role key, a JWT starting with eyJ, when key_kind is "legacy_jwt"';
  end if;

  -- Vault: create each secret, or update it when one of that name exists (names are unique).
  select id into existing from vault.secrets where name = 'ops_drain_project_url';
  if existing is null then
    perform vault.create_secret(project_url, 'ops_drain_project_url', 'Ops Control Room: the project URL the drain calls');
  else
    perform vault.update_secret(existing, project_url);
  end if;
  existing := null;
  select id into existing from vault.secrets where name = 'ops_drain_secret_key';
  if existing is null then
    perform vault.create_secret(secret_key, 'ops_drain_secret_key', 'Ops Control Room: the API key the drain sends to ops-executor');
  else
    perform vault.update_secret(existing, secret_key);
  end if;

  if key_kind = 'legacy_jwt' then
    bearer := $bearer$,
      'authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'ops_drain_secret_key')$bearer$;
  end if;

  -- Every 10 seconds (pg_cron 1.5+ takes '[1-59] seconds'). A job of the same name is replaced,
  -- so this also replaces the every-minute job older instructions scheduled under this name.
  -- The WHERE clause is checked before net.http_post is called: no claimable run, no request.
  perform cron.schedule('ops-executor-drain', '10 seconds', format($command$
    select net.http_post(
      url := (select decrypted_secret from vault.decrypted_secrets where name = 'ops_drain_project_url') || '/functions/v1/ops-executor',
      headers := jsonb_build_object(
        'content-type', 'application/json',
        'apikey', (select decrypted_secret from vault.decrypted_secrets where name = 'ops_drain_secret_key')%s),
      body := '{}'::jsonb)
    where ops.has_claimable_run();
  $command$, bearer));

  perform set_config('ops_drain.project_url', '', false), set_config('ops_drain.secret_key', '', false),
    set_config('ops_drain.key_kind', '', false);
end
$drain$;
