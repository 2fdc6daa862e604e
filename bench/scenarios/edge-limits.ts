/**
 * Edge limits: what a run costs ops-executor under the local stack's Deno worker, held to the
 * hosted limits (local/functions/worker-pool.ts: 200 ms soft CPU, 2 s hard CPU per busy period,
 * 256 MB of V8 heap): CPU ms (from /proc, all of the worker's threads, booting not counted) summed
 * over the workers that served the run, the most one invocation took, the workers' peak resident
 * memory, and how many invocations the run took. Runs: the seeded deploy-web and incident-open,
 * 100 and 300 http steps, and 100,000 log lines written in one request by a bench function through
 * the executor's own writer. Each run starts in a fresh worker.
 */
import { loadConfig } from '../../local/config.ts'
import type { Stack } from '../../local/stack.ts'
import { HOSTED_LIMITS, type WorkerRecord } from '../../local/functions/worker-pool.ts'
import { fileURLToPath } from 'node:url'
import { opsClient, type OpsClient } from '../../test/support/stack.ts'
import { reply, startRemote } from '../../test/support/remote.ts'
import { claimedRun } from '../lib/clients.ts'
import { withStack } from '../lib/engines.ts'

export interface EdgeLimitsResult {
  run: string
  invocations: number
  outcome: string
  cpu_ms: number
  max_invocation_cpu_ms: number
  peak_rss_mb: number
  soft_cpu_ms: number
  hard_cpu_ms: number
  memory_mb: number
}

const stepsTemplate = (n: number) => `version: 1
kind: check
title: ${n} http steps
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
${Array.from({ length: n }, (_, i) => `  - { id: s${i + 1}, title: Step ${i + 1}, kind: http, with: { url: "\${{ inputs.base_url }}/step" } }`).join('\n')}
`

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The figures of the workers a run used (they exited, or are idle with their last sample taken). */
function figures(run: string, workers: WorkerRecord[], invocations: number, outcome: string): EdgeLimitsResult {
  return {
    run,
    invocations,
    outcome,
    cpu_ms: Math.round(workers.reduce((sum, w) => sum + w.cpuMs, 0)),
    max_invocation_cpu_ms: Math.round(Math.max(0, ...workers.map((w) => w.maxBusyCpuMs))),
    peak_rss_mb: Math.round(Math.max(0, ...workers.map((w) => w.peakRssBytes)) / 1024 / 1024),
    soft_cpu_ms: HOSTED_LIMITS.softCpuMs,
    hard_cpu_ms: HOSTED_LIMITS.hardCpuMs,
    memory_mb: HOSTED_LIMITS.memoryMb,
  }
}

async function measureRun(stack: Stack, user: OpsClient, name: string, start: () => Promise<string>): Promise<EdgeLimitsResult> {
  stack.recycleFunctionWorkers()
  await sleep(300)
  const before = new Set(stack.functionWorkers().map((w) => w.pid))
  const runId = await start()
  const { error } = await user.functions.invoke('ops-executor', { body: { run_id: runId } })
  if (error) throw error
  const deadline = Date.now() + 600_000
  let status = ''
  while (!['success', 'error', 'canceled'].includes(status)) {
    if (Date.now() > deadline) throw new Error(`run ${name} did not finish (it is ${status})`)
    await sleep(100)
    status = (await user.from('runs').select('status').eq('id', runId).single()).data?.status ?? ''
  }
  await sleep(300)
  const used = stack.functionWorkers().filter((w) => w.function === 'ops-executor' && !before.has(w.pid))
  const pids = new Set(used.map((w) => w.pid))
  const invocations = stack
    .functionLogs()
    .filter((l) => pids.has(l.pid) && l.line.includes('"event":"ops-executor invocation"') && !l.line.includes('"runs_claimed":0')).length
  return figures(name, used, invocations, status)
}

async function executorRuns(smoke: boolean): Promise<EdgeLimitsResult[]> {
  return withStack(
    'pglite',
    async (stack) => {
      const remote = await startRemote()
      remote.on('/step', reply(200, '{"ok":true}'))
      stack.allowEgress(remote.url)
      try {
        const user = opsClient(stack.url, stack.anonKey)
        const { error } = await user.auth.signInAnonymously()
        if (error) throw error
        const { data: workspace, error: workspaceError } = await user.rpc('ensure_personal_workspace')
        if (workspaceError) throw workspaceError
        const sizes = smoke ? [10] : [100, 300]
        for (const n of sizes) {
          const saved = await user.rpc('save_template', {
            p_workspace: workspace,
            p_slug: `steps-${n}`,
            p_template_yaml: stepsTemplate(n),
            p_expected_version: null as unknown as number,
            p_title: `${n} http steps`,
          })
          if (saved.error) throw saved.error
        }
        const insert = async (slug: string, kind: string, inputs: Record<string, string>) => {
          const { data, error: insertError } = await user
            .from('runs')
            .insert({ template_slug: slug, workspace_id: workspace, kind, env: 'staging', title: `bench ${slug}`, inputs })
            .select('id')
            .single()
          if (insertError) throw insertError
          return data.id
        }
        const rows: EdgeLimitsResult[] = []
        rows.push(await measureRun(stack, user, 'seeded deploy-web', () => insert('deploy-web', 'deploy', { env: 'staging' })))
        if (!smoke) {
          rows.push(
            await measureRun(stack, user, 'seeded incident-open', () =>
              insert('incident-open', 'incident', { env: 'staging', severity: 'sev3', summary: 'bench' }),
            ),
          )
        }
        for (const n of sizes) {
          rows.push(
            await measureRun(stack, user, `${n} http steps`, () => insert(`steps-${n}`, 'check', { env: 'staging', base_url: remote.url })),
          )
        }
        return rows
      } finally {
        await remote.close()
      }
    },
    { functionsRuntime: 'deno', drainIntervalMs: 1_000 },
  )
}

async function logBurst(smoke: boolean): Promise<EdgeLimitsResult> {
  const lines = smoke ? 1_000 : 100_000
  const config = await loadConfig()
  return withStack(
    'pglite',
    async (stack) => {
      const { service, runId } = await claimedRun(stack)
      const response = await fetch(`${stack.url}/functions/v1/log-lines`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ run_id: runId, lines }),
      })
      const answer = (await response.json()) as { logged?: number; code?: string }
      await sleep(300)
      const { count } = await service.from('run_events').select('id', { count: 'exact', head: true }).eq('run_id', runId)
      const outcome = response.ok ? `${count ?? 0} lines stored` : `${response.status} ${answer.code ?? ''}`.trim()
      return figures(`${lines.toLocaleString('en-US')} log lines`, stack.functionWorkers(), 1, outcome)
    },
    {
      functionsRuntime: 'deno',
      functionsDir: fileURLToPath(new URL('../functions', import.meta.url)),
      config: { ...config, functions: { 'log-lines': { verifyJwt: false, enabled: true } } },
    },
  )
}

export async function edgeLimits(smoke: boolean): Promise<EdgeLimitsResult[]> {
  return [...(await executorRuns(smoke)), await logBurst(smoke)]
}
