/** Running the real executor engine against a local stack, as the Edge Function does. */
import { execute, type ExecutorOptions, type ExecutionReport } from '../../supabase/functions/_shared/executor/engine.ts'
import type { TestStack, OpsClient } from './stack.ts'

export interface RunFixture {
  template?: string
  env?: string
  inputs?: Record<string, unknown>
  dryRun?: boolean
  title?: string
}

/** Adds a template as the service role (templates are shared by all users). */
export async function addTemplate(stack: TestStack, slug: string, yaml: string): Promise<void> {
  const kind = /^kind:\s*(\S+)/m.exec(yaml)?.[1] ?? 'custom'
  const title = /^title:\s*(.+)$/m.exec(yaml)?.[1] ?? slug
  const { error } = await stack
    .client(stack.serviceRoleKey)
    .from('run_templates')
    .upsert({ slug, kind, title, template_yaml: yaml }, { onConflict: 'slug' })
  if (error) throw new Error(`adding template ${slug}: ${error.message}`)
}

/** Inserts a queued run as the signed-in user, the way the plugin does. */
export async function createRun(user: OpsClient, fixture: RunFixture = {}): Promise<string> {
  const env = fixture.env ?? (fixture.inputs?.env as string | undefined) ?? 'staging'
  const { data, error } = await user
    .from('runs')
    .insert({
      template_slug: fixture.template ?? 'deploy-web',
      kind: 'deploy',
      env,
      title: fixture.title ?? `Run of ${fixture.template ?? 'deploy-web'} in ${env}`,
      inputs: fixture.inputs ?? { env },
      dry_run: fixture.dryRun ?? false,
    })
    .select('id')
    .single()
  if (error) throw new Error(`creating a run: ${error.message}`)
  return data.id
}

/** Executor options for tests: quick heartbeats and flushes, secrets from the given map. */
export function executorOptions(
  stack: TestStack,
  secrets: Record<string, string | undefined> = {},
  overrides: Partial<ExecutorOptions> = {},
): ExecutorOptions {
  const env: Record<string, string | undefined> = {
    SUPABASE_URL: stack.url,
    SUPABASE_ANON_KEY: stack.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
    ...secrets,
  }
  return {
    client: stack.client(stack.serviceRoleKey),
    readEnv: (name) => env[name],
    heartbeatMs: 100,
    flushMs: 20,
    ...overrides,
  }
}

export function runExecutor(
  stack: TestStack,
  runId: string,
  secrets: Record<string, string | undefined> = {},
  overrides: Partial<ExecutorOptions> = {},
): Promise<ExecutionReport> {
  return execute(executorOptions(stack, secrets, overrides), { runId })
}

export async function eventsOf(client: OpsClient, runId: string) {
  const { data, error } = await client
    .from('run_events')
    .select('seq, level, source, phase, step_id, message, data')
    .eq('run_id', runId)
    .order('seq')
  if (error) throw new Error(error.message)
  return data
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
