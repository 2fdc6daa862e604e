/** supabase-js clients for benchmarks, made the way the plugin and the executor make them. */
import type { Stack } from '../../local/stack.ts'
import { opsClient, type OpsClient as Client } from '../../test/support/stack.ts'

const client = (stack: Stack, key = stack.anonKey): Client => opsClient(stack.url, key)

/** A signed-in user and a run of theirs claimed by the worker `bench`. */
export async function claimedRun(stack: Stack): Promise<{ user: Client; service: Client; runId: string; token: string }> {
  const user = client(stack)
  const { data: session, error } = await user.auth.signInAnonymously()
  if (error || !session.session) throw error ?? new Error('no session')
  const { data: run, error: insertError } = await user
    .from('runs')
    .insert({ template_slug: 'deploy-web', kind: 'deploy', env: 'staging', title: 'bench', inputs: { env: 'staging' } })
    .select('id')
    .single()
  if (insertError) throw insertError
  const service = client(stack, stack.serviceRoleKey)
  const claimed = await service.rpc('claim_run', { p_worker: 'bench', p_run_id: run.id, p_lease_seconds: 3600 })
  if (claimed.error) throw claimed.error
  return { user, service, runId: run.id, token: session.session.access_token }
}
