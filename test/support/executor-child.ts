/**
 * An executor in its own process, so a test can kill it mid-step (SIGKILL) the way the hosted
 * platform cuts a function off. Configured by environment variables.
 */
import { createClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'

const env = process.env as Record<string, string>
const client = createClient<Database, 'ops'>(env.STACK_URL, env.SERVICE_KEY, {
  db: { schema: 'ops' },
  auth: { persistSession: false },
  realtime: { transport: WebSocket as never },
})
// Tells the parent the executor is about to start, so a kill lands in the execution itself.
console.log('ready')
const report = await execute(
  {
    client,
    readEnv: (name) => env[name],
    workerId: env.WORKER_ID,
    leaseSeconds: Number(env.LEASE_SECONDS ?? 30),
    heartbeatMs: 100,
    flushMs: 20,
  },
  env.RUN_ID ? { runId: env.RUN_ID } : { drain: true },
)
console.log(JSON.stringify(report))
