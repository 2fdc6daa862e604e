/**
 * ops-executor: the Edge Function that executes runs. The plugin invokes it with `{run_id}`
 * right after inserting a run; pg_cron (hosted) or the local stack invoke it with the service
 * role to drain queued runs and expired leases. It answers at once and keeps executing in the
 * background (EdgeRuntime.waitUntil), so the caller never waits for a deploy.
 *
 * Exports `handler` for the local stack and tests; under Deno it also serves itself.
 */
import { createClient } from '@supabase/supabase-js'
import { execute, type ExecutionReport } from '../_shared/executor/engine.ts'
import type { Database } from '../_shared/database/index.ts'
import { HandBack } from '../_shared/executor/errors.ts'
import { EGRESS_ALLOW_SETTING, EgressSettingError, parseEgressAllow } from '../_shared/executor/egress-policy.ts'
import { ApiKeySettingError, isOneOf, legacyKeyAccepted, projectKeys, sameKey, serviceHeaders } from '../_shared/executor/api-keys.ts'

type DenoLike = { env: { get(name: string): string | undefined }; serve(handler: (req: Request) => Promise<Response>): unknown }
type EdgeRuntimeLike = { waitUntil(promise: Promise<unknown>): void }

const deno = (globalThis as { Deno?: DenoLike }).Deno
const edgeRuntime = () => (globalThis as { EdgeRuntime?: EdgeRuntimeLike }).EdgeRuntime

/** The function's environment: Deno's on Supabase, the process's on the local stack. */
export function readEnv(name: string): string | undefined {
  return deno ? deno.env.get(name) : (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name]
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
  'access-control-allow-methods': 'POST, OPTIONS',
}

/**
 * When this worker started. Hosted (Supabase Edge Runtime) the wall clock — 150 s on Free, 400 s on
 * paid plans: set OPS_EXECUTOR_WALL_CLOCK_SECONDS=400 there — runs from the worker's start, and a
 * worker serves several requests; every request hands its runs back by that clock. The local
 * stack's Deno workers have the same clock; its in-process Node path (unit tests) has none, so
 * there it applies only when the setting is given.
 */
const workerStartedAt = Date.now()

function workerClock(): { workerStartedAt?: number; workerWallClockMs?: number } {
  const setting = readEnv('OPS_EXECUTOR_WALL_CLOCK_SECONDS')
  if (setting === undefined && !deno) return {}
  const seconds = Number(setting ?? 150)
  if (!(seconds > 0)) throw new HttpError(500, `OPS_EXECUTOR_WALL_CLOCK_SECONDS must be a number of seconds above 0, got "${setting}"`)
  return { workerStartedAt, workerWallClockMs: seconds * 1000 }
}

/**
 * CPU used by this worker's process so far (ms). Under Deno (hosted and the local stack's
 * workers) one process is one function's worker, so this is the function's own CPU; in the local
 * stack's Node process it would count the whole stack, so it is not used there (the executor then
 * budgets by its count of database calls and steps).
 */
function workerCpuMs(): (() => number) | undefined {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage
  if (!deno || typeof usage !== 'function') return undefined
  return () => {
    const { user, system } = usage()
    return (user + system) / 1000
  }
}

/** A positive number from the environment, or undefined when the setting is not given. */
function positiveSetting(name: string): number | undefined {
  const value = readEnv(name)
  if (value === undefined || value.trim() === '') return undefined
  const number = Number(value)
  if (!(number > 0)) throw new HttpError(500, `${name} must be a number above 0, got "${value}"`)
  return number
}

/** The invocation's work budget and drain cap from the environment (invocation-budget.ts has the defaults). */
function workBudget() {
  return {
    limits: {
      ...optional('cpuBudgetMs', positiveSetting('OPS_EXECUTOR_CPU_BUDGET_MS')),
      ...optional('maxCalls', positiveSetting('OPS_EXECUTOR_MAX_DB_CALLS')),
      ...optional('maxSteps', positiveSetting('OPS_EXECUTOR_MAX_STEPS')),
    },
    ...optional('maxRunsPerDrain', positiveSetting('OPS_EXECUTOR_MAX_RUNS_PER_DRAIN')),
    ...optional('eventRetentionDays', retentionDays()),
  }
}

/** OPS_EVENT_RETENTION_DAYS: whole days after a run ends that its events are kept (default 30); 0 keeps them all. */
function retentionDays(): number | undefined {
  const value = readEnv('OPS_EVENT_RETENTION_DAYS')
  if (value === undefined || value.trim() === '') return undefined
  const days = Number(value)
  if (!Number.isInteger(days) || days < 0)
    throw new HttpError(500, `OPS_EVENT_RETENTION_DAYS must be a whole number of days (0 keeps every event), got "${value}"`)
  return days
}

const optional = <K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> =>
  value === undefined ? {} : ({ [key]: value } as Partial<Record<K, number>>)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// When the runtime shuts this worker down, runs in progress are handed back to the queue at their
// next safe point, so the next invocation continues them at once instead of after their lease.
// Invocations that start later get a fresh signal (the local stack may start again in-process).
let shutdown = new AbortController()
export function onShutdown(reason = 'the runtime is shutting down'): void {
  shutdown.abort(new HandBack(reason))
  shutdown = new AbortController()
}
// A worker retired past the soft CPU limit keeps running until its requests end: runs finish the
// step in progress and hand back before the next one (and ask for their next invocation, which a
// fresh worker takes).
let retiring = new AbortController()
function onRetire(reason: string): void {
  retiring.abort(new HandBack(reason))
  retiring = new AbortController()
}
// The hosted runtime says why in `detail.reason` (cpu, memory, wall_clock, early_drop, termination).
;(globalThis as { addEventListener?: (type: string, listener: (event: Event) => void) => void }).addEventListener?.(
  'beforeunload',
  (event) => {
    const reason = (event as Event & { detail?: { reason?: unknown } }).detail?.reason
    if (typeof reason !== 'string') return onShutdown()
    const why = `the runtime is retiring this worker: ${reason}`
    if (reason === 'cpu') onRetire(why)
    else onShutdown(why)
  },
)

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { ...CORS, 'content-type': 'application/json' } })

/** The project's URL and keys: the new key variables first, the legacy ones as fallback (api-keys.ts). */
function settings() {
  const url = readEnv('SUPABASE_URL')
  if (!url) throw new HttpError(500, 'SUPABASE_URL must be set in the function environment')
  try {
    return { url, ...projectKeys(readEnv) }
  } catch (error) {
    if (error instanceof ApiKeySettingError) throw new HttpError(500, error.message)
    throw error
  }
}

async function readRequest(req: Request): Promise<{ runId?: string }> {
  const text = await req.text()
  if (text.trim() === '') return {}
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new HttpError(400, 'the body must be JSON like {"run_id": "<uuid>"}')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object')
  const runId = (body as { run_id?: unknown }).run_id
  if (runId === undefined || runId === null) return {}
  if (typeof runId !== 'string' || !UUID.test(runId)) throw new HttpError(400, `run_id must be a uuid, got ${JSON.stringify(runId)}`)
  return { runId }
}

type Caller = { kind: 'service' } | { kind: 'user'; userId: string; token: string }

const SECRET_KEY = /^sb_secret_/
const PUBLISHABLE_KEY = /^sb_publishable_/

/**
 * Who is calling: the service role, by an `apikey` header equal to one of the project's secret
 * keys or (legacy) by `Authorization: Bearer` equal to the service_role key — compared in constant
 * time, by exact key, so a forged JWT never passes even where the gateway does not verify — or a
 * signed-in user, verified by Auth (which also refuses the token of a session that was signed
 * out). A request carrying a secret key is never taken for a user's.
 */
async function identify(req: Request, env: ReturnType<typeof settings>): Promise<Caller> {
  const apikey = req.headers.get('apikey')?.trim() || undefined
  const token = /^bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1]?.trim()
  if (apikey && isOneOf(apikey, env.secretKeys)) return { kind: 'service' }
  if (token && env.legacyServiceKey && sameKey(token, env.legacyServiceKey)) {
    // A project with new keys still hands its functions the legacy ones, also once they are turned
    // off: then the legacy key is taken only while the project's own gateway still accepts it.
    if (env.secretKeys.length === 0 || (await legacyKeyAccepted(env.url, env.legacyServiceKey))) return { kind: 'service' }
    throw new HttpError(401, 'legacy API keys are disabled on this project: send a secret key in the apikey header')
  }
  if (apikey && SECRET_KEY.test(apikey)) {
    throw new HttpError(401, "the apikey header holds a secret key that is not one of this project's secret keys")
  }
  if (token && SECRET_KEY.test(token)) {
    throw new HttpError(401, 'a secret key is not a JWT: send it in the apikey header, not in Authorization: Bearer')
  }
  if (token && PUBLISHABLE_KEY.test(token)) {
    throw new HttpError(401, "a publishable key does not sign anyone in: send a signed-in user's access token in Authorization: Bearer")
  }
  if (!token) {
    throw new HttpError(
      401,
      'missing credentials: a signed-in user sends Authorization: Bearer <access token>; the service role sends a secret key in the apikey header',
    )
  }
  const auth = createClient(env.url, env.publicKey, { auth: { persistSession: false, autoRefreshToken: false } })
  const { data, error } = await auth.auth.getUser(token)
  if (error || !data.user) throw new HttpError(401, `the caller is not signed in: ${whyNotSignedIn(error)}`)
  return { kind: 'user', userId: data.user.id, token }
}

/** Auth's refusal in words: a signed-out session and a deleted user each get their own sentence. */
function whyNotSignedIn(error: { name?: string; code?: string; message: string } | null): string {
  if (!error) return 'Auth returned no user for this token'
  // supabase-js turns GoTrue's session_not_found into AuthSessionMissingError ("Auth session missing!").
  if (error.name === 'AuthSessionMissingError' || error.code === 'session_not_found') {
    return 'the session of this token has ended (signed out); sign in again'
  }
  if (error.code === 'user_not_found') return 'the user of this token no longer exists'
  return error.message
}

/**
 * No run starts while OPS_EGRESS_ALLOW has a malformed entry: the runs stay queued until it is
 * fixed. The function's log and the service role get the entry; a user, who cannot fix it, gets
 * told who can (the entry may name internal hosts).
 */
function checkEgressSetting(caller: 'service' | 'user'): void {
  try {
    parseEgressAllow(readEnv(EGRESS_ALLOW_SETTING))
  } catch (error) {
    if (!(error instanceof EgressSettingError)) throw error
    const message = `${error.message}; no run is started until it is fixed`
    console.error(`[ops-executor] ${message}`)
    throw new HttpError(
      500,
      caller === 'service'
        ? message
        : `the executor's ${EGRESS_ALLOW_SETTING} setting is malformed; no run is started until the deployer fixes it`,
    )
  }
}

export async function handler(req: Request): Promise<Response> {
  if (req.method === 'OPTIONS') return new Response('ok', { headers: CORS })
  try {
    if (req.method !== 'POST') throw new HttpError(405, 'use POST with {"run_id": "<uuid>"}')
    const env = settings()
    const { runId } = await readRequest(req)
    const caller = await identify(req, env)
    checkEgressSetting(caller.kind)

    if (caller.kind === 'user') {
      if (!runId) {
        throw new HttpError(
          400,
          'run_id is required: a signed-in user executes a run of their workspace; only the service role drains the queue',
        )
      }
      const asUser = createClient<Database, 'ops'>(env.url, env.publicKey, {
        db: { schema: 'ops' },
        global: { headers: { Authorization: `Bearer ${caller.token}` } },
        auth: { persistSession: false, autoRefreshToken: false },
      })
      // Operators (and above) of the run's workspace may execute it. The database decides, as the
      // caller; "no such run", "not your workspace" and "not your role" all look the same.
      const { data: allowed, error } = await asUser.rpc('may_execute_run', { p_run_id: runId })
      if (error || allowed !== true) throw new HttpError(404, `run ${runId} not found among your workspaces' runs`)
    }

    const service = createClient<Database, 'ops'>(env.url, env.serviceKey, {
      db: { schema: 'ops' },
      auth: { persistSession: false, autoRefreshToken: false },
    })
    const work: Promise<ExecutionReport> = execute(
      {
        client: service,
        readEnv,
        ...workerClock(),
        budgetMs: Number(readEnv('OPS_EXECUTOR_BUDGET_SECONDS') ?? readEnv('OPS_EXECUTOR_WALL_CLOCK_SECONDS') ?? 150) * 1000,
        leaseSeconds: Number(readEnv('OPS_EXECUTOR_LEASE_SECONDS') ?? 30),
        stopSignal: shutdown.signal,
        retireSignal: retiring.signal,
        diagnostics: (message) => console.warn(`[ops-executor] ${message}`),
        cpuMs: workerCpuMs(),
        ...workBudget(),
        // One line per invocation, few enough for the hosted log-rate limit.
        invocationLog: (line) => console.log(JSON.stringify(line)),
        // After handing a run back, ask for the next invocation at once rather than at the next drain.
        continueRun: async (id) => {
          await fetch(`${env.url}/functions/v1/ops-executor`, {
            method: 'POST',
            headers: { ...serviceHeaders(env.serviceKey), 'content-type': 'application/json' },
            body: JSON.stringify({ run_id: id }),
          })
        },
      },
      { runId, drain: caller.kind === 'service' && !runId },
    )

    const runtime = edgeRuntime()
    if (runtime) {
      runtime.waitUntil(work.catch((error) => console.error('[ops-executor] execution failed:', error)))
      return json(202, { accepted: true, ...(runId ? { run_id: runId } : { drain: true }) })
    }
    return json(200, await work)
  } catch (error) {
    if (error instanceof HttpError) return json(error.status, { error: error.message })
    console.error('[ops-executor]', error)
    return json(500, { error: (error as Error).message })
  }
}

if (deno && (import.meta as { main?: boolean }).main) deno.serve(handler)
