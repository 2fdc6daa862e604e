/**
 * The hosted drain as the deployer installs it: supabase/drain/schedule-drain.sql, run against a
 * migrated database whose pg_cron, pg_net and Vault are stand-ins with the real signatures (pg_cron
 * 1.6's cron.schedule/unschedule and cron.job, pg_net's net.http_post, supabase_vault 0.3's
 * create_secret/update_secret and views). The test then runs the job's command itself, as pg_cron
 * would every 10 seconds, and looks at the requests pg_net was asked to send.
 *
 * What is not the file's own text: the two `create extension` statements are removed (plain
 * Postgres and PGlite have neither extension, and the stand-ins take their place) after checking
 * they are exactly the ones Supabase documents; and psql's `:'name'` variables are replaced by
 * quoted literals, as psql does with `-v name=value`.
 */
import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { createUser } from '../support/actors.ts'
import { insertRun } from '../support/runs.ts'

const FILE = new URL('../../supabase/drain/schedule-drain.sql', import.meta.url)
const EXTENSIONS = [
  'create extension if not exists pg_cron with schema pg_catalog;',
  'create extension if not exists pg_net with schema extensions;',
]
const PROJECT_URL = 'https://abcdefghijklmnop.supabase.co'
const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz'
const LEGACY_KEY = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJl'

/** pg_cron, pg_net and Vault as far as the file and its job use them, with their real signatures. */
const STAND_INS = `
create schema cron;
create sequence cron.jobid_seq;
create table cron.job (
  jobid bigint primary key default nextval('cron.jobid_seq'),
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport int not null default 5432,
  database text not null default current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname text,
  unique (jobname, username)
);
-- As pg_cron: a job of the same name (and user) is updated in place; sub-minute schedules are '[1-59] seconds'.
create function cron.schedule(job_name text, schedule text, command text) returns bigint
language plpgsql as $$
declare
  id bigint;
begin
  if schedule !~ '^([1-9]|[1-5][0-9]) seconds$' and array_length(regexp_split_to_array(btrim(schedule), '\\s+'), 1) <> 5 then
    raise exception 'invalid schedule: %', schedule;
  end if;
  insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
  on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command
  returning jobid into id;
  return id;
end
$$;
create function cron.unschedule(job_name text) returns boolean
language plpgsql as $$
begin
  delete from cron.job where jobname = job_name and username = current_user;
  if not found then
    raise exception 'could not find valid entry for job ''%''', job_name;
  end if;
  return true;
end
$$;

create schema net;
create table net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds int not null
);
create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language sql as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', url, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id
$$;

create schema vault;
create table vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index on vault.secrets (name) where name is not null;
create view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, created_at, updated_at from vault.secrets;
create function vault.create_secret(new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null)
returns uuid language sql as $$
  insert into vault.secrets (secret, name, description) values (new_secret, new_name, new_description) returning id
$$;
create function vault.update_secret(secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null)
returns void language sql as $$
  update vault.secrets set secret = coalesce(new_secret, secret), name = coalesce(new_name, name),
    description = coalesce(new_description, description), updated_at = now()
  where id = secret_id
$$;
`

/** A psql `-v name=value` for `:'name'`: the value as a quoted literal. */
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`

async function fileAsPsqlRunsIt(values: Record<string, string>): Promise<string> {
  let sql = await readFile(FILE, 'utf8')
  for (const statement of EXTENSIONS) {
    expect(sql.split(statement).length - 1, `the file runs "${statement}" once`).toBe(1)
    sql = sql.replace(statement, '')
  }
  const used = new Set<string>()
  sql = sql.replace(/:'(\w+)'/g, (_, name: string) => {
    used.add(name)
    if (!(name in values)) throw new Error(`the file uses psql variable ${name}, which the test does not give`)
    return literal(values[name])
  })
  expect([...used].sort()).toEqual(Object.keys(values).sort())
  return sql
}

interface Job {
  jobid: string
  jobname: string
  schedule: string
  command: string
}
interface Request {
  url: string
  headers: Record<string, string>
  body: string
}

describe.each(engines)('the hosted drain file on %s', (engine) => {
  let test: TestDatabase
  let owner: string

  beforeEach(async () => {
    test = await migratedDatabase(engine)
    await test.db.exec(STAND_INS)
    owner = await createUser(test.db, 'owner@example.com')
  })
  afterEach(() => test.drop())

  const install = async (values: Record<string, string> = { project_url: PROJECT_URL, secret_key: SECRET_KEY, key_kind: 'secret' }) =>
    test.db.exec(await fileAsPsqlRunsIt(values))
  const jobs = async () => (await test.db.query<Job>('select jobid::text, jobname, schedule, command from cron.job order by jobid')).rows
  const requests = async () =>
    (
      await test.db.query<Request>(
        "select url, headers, convert_from(body, 'UTF8') as body from net.http_request_queue where method = 'POST' order by id",
      )
    ).rows
  /** One tick of the job, as pg_cron runs it. */
  const tick = async () => {
    const [job] = await jobs()
    await test.db.exec(job.command)
  }

  it('schedules one job every 10 seconds, and a tick with nothing claimable sends no request', async () => {
    await install()
    const scheduled = await jobs()
    expect(scheduled).toHaveLength(1)
    expect(scheduled[0]).toMatchObject({ jobname: 'ops-executor-drain', schedule: '10 seconds' })

    await tick()
    await insertRun(test.db, owner, { status: 'success' })
    await insertRun(test.db, owner, { status: 'waiting_approval' })
    await insertRun(test.db, owner, { status: 'running', claimed_by: 'alive', lease_expires_at: '2999-01-01T00:00:00Z' })
    await tick()
    expect(await requests()).toEqual([])
  })

  it('sends exactly one request per tick to ops-executor with the secret key in apikey when a run is queued', async () => {
    await install()
    await insertRun(test.db, owner)
    await tick()
    const sent = await requests()
    expect(sent).toHaveLength(1)
    expect(sent[0].url).toBe(`${PROJECT_URL}/functions/v1/ops-executor`)
    expect(sent[0].headers).toEqual({ 'content-type': 'application/json', apikey: SECRET_KEY })
    expect(JSON.parse(sent[0].body)).toEqual({})
  })

  it('wakes the executor for a run whose lease expired', async () => {
    await install()
    await insertRun(test.db, owner, { status: 'running', claimed_by: 'dead', lease_expires_at: '2000-01-01T00:00:00Z' })
    await tick()
    expect(await requests()).toHaveLength(1)
  })

  it('sends the legacy service_role key also as a Bearer token only when key_kind says legacy_jwt', async () => {
    await install({ project_url: `${PROJECT_URL}/`, secret_key: LEGACY_KEY, key_kind: 'legacy_jwt' })
    await insertRun(test.db, owner)
    await tick()
    const [sent] = await requests()
    expect(sent.url).toBe(`${PROJECT_URL}/functions/v1/ops-executor`)
    expect(sent.headers).toEqual({ 'content-type': 'application/json', apikey: LEGACY_KEY, authorization: `Bearer ${LEGACY_KEY}` })
  })

  it('is idempotent: a second run leaves one job and one secret per name, with the new key', async () => {
    await install()
    const [first] = await jobs()
    const rotated = 'sb_secret_rotatedrotatedrotatedrotated'
    await install({ project_url: PROJECT_URL, secret_key: rotated, key_kind: 'secret' })
    const scheduled = await jobs()
    expect(scheduled).toHaveLength(1)
    expect(scheduled[0].jobid).toBe(first.jobid)
    const { rows: secrets } = await test.db.query<{ name: string; n: number }>(
      'select name, count(*)::int as n from vault.secrets group by name order by name',
    )
    expect(secrets).toEqual([
      { name: 'ops_drain_project_url', n: 1 },
      { name: 'ops_drain_secret_key', n: 1 },
    ])

    await insertRun(test.db, owner)
    await tick()
    expect((await requests()).map((request) => request.headers.apikey)).toEqual([rotated])
  })

  it('keeps the key out of the job: cron.job holds no key, Vault does', async () => {
    await install({ project_url: PROJECT_URL, secret_key: LEGACY_KEY, key_kind: 'legacy_jwt' })
    const [job] = await jobs()
    expect(job.command).not.toContain(LEGACY_KEY)
    expect(job.command).not.toContain('eyJ')
    expect(job.command).not.toContain(PROJECT_URL)
    const { rows } = await test.db.query<{ decrypted_secret: string }>(
      "select decrypted_secret from vault.decrypted_secrets where name = 'ops_drain_secret_key'",
    )
    expect(rows).toEqual([{ decrypted_secret: LEGACY_KEY }])
    const { rows: settings } = await test.db.query<{ value: string | null }>(
      "select current_setting('ops_drain.secret_key', true) as value",
    )
    expect(settings[0].value ?? '').not.toContain(LEGACY_KEY)
  })

  it.each([
    ['project_url must be the project', { project_url: 'abcdefghijklmnop.supabase.co', secret_key: SECRET_KEY, key_kind: 'secret' }],
    ['without a path', { project_url: `${PROJECT_URL}/functions/v1`, secret_key: SECRET_KEY, key_kind: 'secret' }],
    ['secret_key is a publishable key', { project_url: PROJECT_URL, secret_key: 'sb_publishable_abc', key_kind: 'secret' }],
    ['set key_kind=legacy_jwt', { project_url: PROJECT_URL, secret_key: LEGACY_KEY, key_kind: 'secret' }],
    ['a JWT starting with eyJ', { project_url: PROJECT_URL, secret_key: SECRET_KEY, key_kind: 'legacy_jwt' }],
    ['key_kind must be "secret"', { project_url: PROJECT_URL, secret_key: SECRET_KEY, key_kind: 'jwt' }],
  ])('refuses wrong values with a message and changes nothing: %s', async (message, values) => {
    await expect(install(values)).rejects.toThrow(message)
    expect(await jobs()).toEqual([])
    expect((await test.db.query('select 1 from vault.secrets')).rows).toEqual([])
  })

  it('is removed by cron.unschedule, as the README says', async () => {
    await install()
    await test.db.query("select cron.unschedule('ops-executor-drain')")
    expect(await jobs()).toEqual([])
  })
})
