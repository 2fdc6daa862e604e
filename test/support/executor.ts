/** Running the real executor engine against a local stack, as the Edge Function does. */
import { execute, type ExecutorOptions, type ExecutionReport } from '../../supabase/functions/_shared/executor/engine.ts'
import type { TestStack, OpsClient } from './stack.ts'
import { egressEntry } from '../../local/stack.ts'
import { stackKeys } from '../../local/api-keys.ts'

export interface RunFixture {
  /** The workspace to start the run in; the starter's personal one when not given. */
  workspace?: string
  template?: string
  env?: string
  inputs?: Record<string, unknown>
  /** Values of secret-typed inputs, sent apart from the others as the plugin sends them. */
  secretInputs?: Record<string, string>
  dryRun?: boolean
  title?: string
}

/**
 * Adds (or replaces) a template as the database owner, which keeps a revision of it like every
 * save. With a workspace, there only; without one, in every workspace and in the starter kit, so
 * users who sign up later get it too (as with the seeded templates).
 */
export async function addTemplate(stack: TestStack, slug: string, yaml: string, workspaceId?: string): Promise<void> {
  const kind = /^kind:\s*(\S+)/m.exec(yaml)?.[1] ?? 'custom'
  const title = /^title:\s*(.+)$/m.exec(yaml)?.[1] ?? slug
  if (workspaceId === undefined) {
    await stack.db.query(
      `insert into ops.starter_kit (kind, slug, title, template_kind, content) values ('template', $1, $2, $3, $4)
       on conflict (kind, slug) do update set title = excluded.title, template_kind = excluded.template_kind, content = excluded.content`,
      [slug, title, kind, yaml],
    )
  }
  await stack.db.query(
    `insert into ops.run_templates (workspace_id, slug, kind, title, template_yaml)
     select w.id, $1, $2, $3, $4 from ops.workspaces w where $5::uuid is null or w.id = $5::uuid
     on conflict (workspace_id, slug) do update set kind = excluded.kind, title = excluded.title, template_yaml = excluded.template_yaml`,
    [slug, kind, title, yaml, workspaceId ?? null],
  )
}

/** The signed-in user's personal workspace (every user has one, made at sign-up). */
export async function personalWorkspace(user: OpsClient): Promise<string> {
  const { data, error } = await user.rpc('ensure_personal_workspace')
  if (error) throw new Error(`finding the personal workspace: ${error.message}`)
  return data
}

/** Binds a secret of the function's environment to a workspace, as the service role does. */
export async function bindSecret(stack: TestStack, name: string, workspaceId: string, hosts: string[], environments?: string[]) {
  const { error } = await stack
    .client(stack.serviceRoleKey)
    .rpc('bind_secret', { p_name: name, p_workspace: workspaceId, p_hosts: hosts, p_environments: environments })
  if (error) throw new Error(`binding ${name}: ${error.message}`)
}

/** Inserts a queued run as the signed-in user, the way the plugin does. */
export async function createRun(user: OpsClient, fixture: RunFixture = {}): Promise<string> {
  const env = fixture.env ?? (fixture.inputs?.env as string | undefined) ?? 'staging'
  const { data, error } = await user
    .from('runs')
    .insert({
      ...(fixture.workspace ? { workspace_id: fixture.workspace } : {}),
      template_slug: fixture.template ?? 'deploy-web',
      kind: 'deploy',
      env,
      title: fixture.title ?? `Run of ${fixture.template ?? 'deploy-web'} in ${env}`,
      inputs: fixture.inputs ?? { env },
      ...(fixture.secretInputs ? { secret_inputs: fixture.secretInputs } : {}),
      dry_run: fixture.dryRun ?? false,
    })
    .select('id')
    .single()
  if (error) throw new Error(`creating a run: ${error.message}`)
  return data.id
}

/**
 * What a test may change in the executor's options. `egressAllow` adds OPS_EGRESS_ALLOW entries
 * for this executor only: the URLs of the test's own stand-in servers (each becomes its
 * host:port) or any entry the setting takes.
 */
export type TestExecutorOptions = Partial<ExecutorOptions> & { egressAllow?: readonly string[] }

/**
 * Executor options for tests: quick heartbeats and flushes, secrets from the given map, and the
 * function environment the stack gives its functions: OPS_EGRESS_ALLOW lets through the stack's
 * own host:port and whatever `stack.allowEgress(url)` added, plus `overrides.egressAllow`. A test
 * replaces the whole setting by putting OPS_EGRESS_ALLOW into `secrets`.
 */
export function executorOptions(
  stack: TestStack,
  secrets: Record<string, string | undefined> = {},
  overrides: TestExecutorOptions = {},
): ExecutorOptions {
  const { egressAllow = [], ...options } = overrides
  const allow = [stack.egressAllow(), ...egressAllow.map(egressEntry)]
  const env: Record<string, string | undefined> = {
    SUPABASE_URL: stack.url,
    ...stackKeys(stack.keyMode).functionEnv,
    OPS_EGRESS_ALLOW: allow.filter(Boolean).join(','),
    ...secrets,
  }
  return {
    client: stack.client(stack.serviceRoleKey),
    readEnv: (name) => env[name],
    heartbeatMs: 100,
    flushMs: 20,
    ...options,
  }
}

export function runExecutor(
  stack: TestStack,
  runId: string,
  secrets: Record<string, string | undefined> = {},
  overrides: TestExecutorOptions = {},
): Promise<ExecutionReport> {
  return execute(executorOptions(stack, secrets, overrides), { runId })
}

/** Every event of a run, in seq order: read page by page, since one REST read stops at max_rows (1,000). */
export async function eventsOf(client: OpsClient, runId: string) {
  const page = 1000
  const events = []
  for (let from = 0; ; from += page) {
    const { data, error } = await client
      .from('run_events')
      .select('seq, level, source, phase, step_id, message, data')
      .eq('run_id', runId)
      .order('seq')
      .range(from, from + page - 1)
    if (error) throw new Error(error.message)
    events.push(...data)
    if (data.length < page) return events
  }
}

export async function runOf(client: OpsClient, runId: string) {
  const { data, error } = await client.from('runs').select('*').eq('id', runId).single()
  if (error) throw new Error(error.message)
  return data
}

export async function artifactsOf(client: OpsClient, runId: string) {
  const { data, error } = await client
    .from('artifacts')
    .select('kind, title, url, content, step_id, key')
    .eq('run_id', runId)
    .order('created_at')
  if (error) throw new Error(error.message)
  return data
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
}

/** Seqs must be exactly 1..N. */
export function expectContiguous(events: { seq: number }[]): boolean {
  return events.every((event, i) => event.seq === i + 1)
}
