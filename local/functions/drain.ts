/**
 * Invokes ops-executor with the service role whenever a run can be claimed (queued in a workspace
 * below its running limit, or running on an expired lease), as pg_cron + pg_net do on hosted
 * Supabase. One drain request at a time; the function answers at once and executes in the
 * background.
 */
import type { Database } from '../db/database.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { serviceHeaders } from '../../supabase/functions/_shared/executor/api-keys.ts'

export interface DrainOptions {
  db: Database
  url: string
  /** The service role's key: a secret key goes in `apikey`, a legacy service_role JWT in both headers. */
  serviceRoleKey: string
  intervalMs: number
  onError?: (message: string) => void
}

/**
 * Whether a drain would claim anything now: a queued run whose workspace has a free running slot,
 * or an expired lease. Runs that only wait for a slot do not wake the executor every tick.
 */
export async function isDue(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ due: boolean }>('select ops.has_claimable_run() as due')
  return rows[0]?.due === true
}

export function startDrain(options: DrainOptions): () => Promise<void> {
  let inFlight: Promise<void> | undefined
  let lastError = ''
  const report = (message: string) => {
    // Say it once, not every tick.
    if (message !== lastError) options.onError?.(message)
    lastError = message
  }
  const tick = async () => {
    if (!(await isDue(options.db))) return
    const response = await fetch(`${options.url}/functions/v1/ops-executor`, {
      method: 'POST',
      headers: { ...serviceHeaders(options.serviceRoleKey), 'content-type': 'application/json' },
      body: '{}',
    })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`ops-executor answered ${response.status}`)
    lastError = ''
  }
  const timer = setInterval(() => {
    inFlight ??= tick()
      .catch((error) => report(`drain failed: ${errorMessage(error)}`))
      .finally(() => {
        inFlight = undefined
      })
  }, options.intervalMs)
  return async () => {
    clearInterval(timer)
    await inFlight
  }
}
