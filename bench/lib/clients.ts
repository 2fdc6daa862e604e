/** supabase-js clients for benchmarks, made the way the plugin and the executor make them. */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import type { Stack } from '../../local/stack.ts'

export type Client = SupabaseClient<any, 'ops', 'ops'>

export function client(stack: Stack, key = stack.anonKey): Client {
  return createClient<any, 'ops'>(stack.url, key, {
    db: { schema: 'ops' },
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  })
}

/** A signed-in user and a run of theirs claimed by the worker `bench`. */
export async function claimedRun(stack: Stack): Promise<{ user: Client; service: Client; runId: string; token: string }> {
  const user = client(stack)
  const { data: session, error } = await user.auth.signInAnonymously()
  if (error || !session.session) throw error ?? new Error('no session')
  const { data: run, error: insertError } = await user.from('runs')
    .insert({ template_slug: 'deploy-web', kind: 'deploy', env: 'staging', title: 'bench', inputs: { env: 'staging' } }).select('id').single()
  if (insertError) throw insertError
  const service = client(stack, stack.serviceRoleKey)
  const claimed = await service.rpc('claim_run', { p_worker: 'bench', p_run_id: run.id, p_lease_seconds: 3600 })
  if (claimed.error) throw claimed.error
  return { user, service, runId: run.id as string, token: session.session.access_token }
}
