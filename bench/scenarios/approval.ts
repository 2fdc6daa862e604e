/**
 * Approval latency: from an approver's decision (ops.decide_approval, then invoking ops-executor
 * with the run, as the plugin does both) to the run's next event from the executor, seen by the
 * approver's supabase-js realtime callback. Each run is on a protected production environment of
 * a team workspace, so it first parks at the environment's gate; the function executes in the
 * local stack's process. Decider, executor and subscriber share this process's clock.
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import type { Stack } from '../../local/stack.ts'
import { opsClient, type OpsClient } from '../../test/support/stack.ts'
import { engines, withStack } from '../lib/engines.ts'
import { distribution, type Distribution } from '../lib/stats.ts'

export interface ApprovalLatencyResult extends Distribution {
  engine: string
  /** The median of the decide_approval call alone, for comparison. */
  decide_p50: number
  unit: 'ms'
}

const TEMPLATE = `version: 1
kind: check
title: Gated check
inputs:
  - { key: env, label: Environment, type: choice, options: [production], default: production }
steps:
  - { id: settle, title: Settle, kind: wait, with: { duration: 1ms } }
`

const now = () => performance.timeOrigin + performance.now()

async function signUp(stack: Stack, email: string): Promise<OpsClient> {
  const client = opsClient(stack.url, stack.anonKey)
  const { error } = await client.auth.signUp({ email, password: 'bench-password' })
  if (error) throw error
  return client
}

function must<T>(result: { data: T | null; error: { message: string } | null }, what: string): NonNullable<T> {
  if (result.error || result.data === null || result.data === undefined) throw new Error(`${what}: ${result.error?.message ?? 'no data'}`)
  return result.data
}

async function waitForStatus(client: OpsClient, runId: string, status: string): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const { data } = await client.from('runs').select('status').eq('id', runId).single()
    if (data?.status === status) return
    if (Date.now() > deadline) throw new Error(`run ${runId} did not reach ${status} (it is ${data?.status})`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export async function approvalLatency(smoke: boolean): Promise<ApprovalLatencyResult[]> {
  const rounds = smoke ? 2 : 20
  const results: ApprovalLatencyResult[] = []
  for (const engine of engines()) {
    results.push(
      await withStack(engine, async (stack) => {
        const starter = await signUp(stack, 'starter@bench.example')
        const approver = await signUp(stack, 'approver@bench.example')
        const workspace = must(await starter.rpc('create_workspace', { p_name: 'Bench team' }), 'creating the workspace')
        const [invite] = must(await starter.rpc('create_invite', { p_workspace: workspace.id, p_role: 'approver' }), 'inviting')
        must(await approver.rpc('accept_invite', { p_code: invite.code }), 'joining')
        must(
          await starter.rpc('save_template', {
            p_workspace: workspace.id,
            p_slug: 'gated',
            p_template_yaml: TEMPLATE,
            p_expected_version: null as unknown as number,
            p_title: 'Gated check',
          }),
          'saving the template',
        )
        const { data: session } = await approver.auth.getSession()
        await approver.realtime.setAuth(session.session!.access_token)

        const latencies: number[] = []
        const decides: number[] = []
        for (let round = 0; round < rounds; round++) {
          const { data: run, error: insertError } = await starter
            .from('runs')
            .insert({
              workspace_id: workspace.id,
              template_slug: 'gated',
              kind: 'check',
              env: 'production',
              title: `bench ${round}`,
              inputs: { env: 'production' },
            })
            .select('id')
            .single()
          if (insertError) throw new Error(`starting a run: ${insertError.message}`)
          const invoked = await starter.functions.invoke('ops-executor', { body: { run_id: run.id } })
          if (invoked.error) throw invoked.error
          await waitForStatus(starter, run.id, 'waiting_approval')

          let arrived: (at: number) => void = () => {}
          const next = new Promise<number>((resolve) => (arrived = resolve))
          const channel = approver.channel(`approval-${round}`)
          await new Promise<void>((resolve, reject) => {
            channel
              .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${run.id}` }, (change) => {
                // The decision's own line comes from the user; the next one is the executor's.
                if ((change.new as { source: string }).source !== 'user') arrived(now())
              })
              .subscribe((status, error) => {
                if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve()
                else if (status === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR) reject(error ?? new Error(`the channel reported ${status}`))
              })
          })
          const started = now()
          must(await approver.rpc('decide_approval', { p_run_id: run.id, p_approve: true }), 'approving')
          decides.push(now() - started)
          const continued = await approver.functions.invoke('ops-executor', { body: { run_id: run.id } })
          if (continued.error) throw continued.error
          const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event after the approval')), 30_000))
          latencies.push((await Promise.race([next, timeout])) - started)
          await approver.removeChannel(channel)
          await waitForStatus(starter, run.id, 'success')
        }
        await approver.removeAllChannels()
        return { engine, ...distribution(latencies), decide_p50: distribution(decides).p50, unit: 'ms' as const }
      }),
    )
  }
  return results
}
