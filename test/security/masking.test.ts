/**
 * Secrets at rest: nothing the executor stores for a run (summary, error, step results, events,
 * artifacts, plan) holds a secret in any form a reader could turn back into it, and secret-typed
 * inputs never sit in a table a workspace member can read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RecordedRequest, type RemoteService } from '../support/remote.ts'
import {
  addTemplate,
  artifactsOf,
  bindSecret,
  createRun,
  eventsOf,
  personalWorkspace,
  runExecutor,
  runOf,
  waitFor,
} from '../support/executor.ts'

/** Every way a stored text could carry `secret` (written independently of the masker). */
function formsOf(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  const base64 = btoa(binary)
  const json = JSON.stringify(secret).slice(1, -1)
  const forms = [
    secret,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    base64.replace(/=+$/, ''),
    base64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
    // The lines of a multi-line secret (a PEM body line is enough to rebuild part of the key).
    ...secret.split(/\r?\n/).filter((line) => line.trim().length >= 16),
  ]
  return [...new Set(forms)]
}

/** Every string (keys and values) of a JSON value, and the JSON text itself. */
function textsOf(value: unknown): string[] {
  const texts: string[] = [JSON.stringify(value)]
  const visit = (item: unknown): void => {
    if (typeof item === 'string') texts.push(item)
    else if (Array.isArray(item)) item.forEach(visit)
    else if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        texts.push(key)
        visit(inner)
      }
    }
  }
  visit(value)
  return texts
}

/** The forms of `secret` found in `value`, as `form in "text…"` (empty when there are none). */
function leaks(value: unknown, secret: string): string[] {
  const found: string[] = []
  for (const text of textsOf(value)) {
    for (const form of formsOf(secret))
      if (text.includes(form)) found.push(`${JSON.stringify(form)} in ${JSON.stringify(text.slice(0, 200))}`)
  }
  return found
}

/** What the run's starter reads back through REST: the run row, its events and its artifacts. */
async function storedRun(user: OpsClient, runId: string) {
  return { run: await runOf(user, runId), events: await eventsOf(user, runId), artifacts: await artifactsOf(user, runId) }
}

const QUOTED_SECRET = 'S3cr"et\\pa\nss\tw0rd-7f3a'
const PEM_SECRET = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  'NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ',
  '-----END PRIVATE KEY-----',
].join('\n')

describe.each(engines)('secrets at rest on %s', (engine) => {
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient
  let workspace: string
  // The stand-in services' URLs, in one place: an egress policy that refuses loopback must allow these.
  let webhookUrl: string
  let echoUrl: string

  beforeAll(async () => {
    stack = await startTestStack(engine)
    remote = await startRemote()
    stack.allowEgress(remote.url)
    webhookUrl = `${remote.url}/services/T0000/B0000/xoxb-webhook-9c1d7e`
    echoUrl = `${remote.url}/echo`
    ;({ client: user } = await stack.anonymousUser())
    workspace = await personalWorkspace(user)
    const host = new URL(remote.url).hostname
    await bindSecret(stack, 'SLACK_WEBHOOK_URL', workspace, [host])
    await bindSecret(stack, 'QUOTED_TOKEN', workspace, [host])
    await bindSecret(stack, 'PEM_KEY', workspace, [host])
    await addTemplate(stack, 'echo-secrets', ECHO_TEMPLATE, workspace)
    await addTemplate(stack, 'secret-input', SECRET_INPUT_TEMPLATE, workspace)
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })
  beforeEach(() => {
    remote.requests.length = 0
    remote.on(new URL(webhookUrl).pathname, reply(400, 'invalid_payload'))
    // Echoes the request body back, as a careless service (or an attacker's) would.
    remote.on(new URL(echoUrl).pathname, (request: RecordedRequest, _count, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: request.body }))
    })
  })

  const ECHO_TEMPLATE = `version: 1
kind: check
title: Echo secrets
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: target, label: Target, type: string, required: true }
secrets:
  - { name: QUOTED_TOKEN, required: true }
  - { name: PEM_KEY, required: true }
steps:
  - id: send
    title: Send the secrets
    kind: http
    with:
      method: POST
      url: "\${{ inputs.target }}"
      body: { token: "\${{ secrets.QUOTED_TOKEN }}", key: "\${{ secrets.PEM_KEY }}" }
      artifact: { kind: file, title: "Echo" }
`

  const SECRET_INPUT_TEMPLATE = `version: 1
kind: check
title: Uses a secret input
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: target, label: Target, type: string, required: true }
  - { key: api_key, label: API key, type: secret, required: true }
steps:
  - id: send
    title: Send the key
    kind: http
    with: { method: POST, url: "\${{ inputs.target }}", body: { key: "\${{ inputs.api_key }}" }, artifact: { kind: file, title: "Echo" } }
`

  it('the seeded incident-open template: a 400 from the webhook stores no form of SLACK_WEBHOOK_URL anywhere', async () => {
    const runId = await createRun(user, {
      template: 'incident-open',
      inputs: { env: 'staging', severity: 'sev2', summary: 'Checkout is down' },
    })
    const report = await runExecutor(stack, runId, { SLACK_WEBHOOK_URL: webhookUrl })
    expect(report.runs).toEqual([{ id: runId, outcome: 'error' }])
    // The webhook was called (so the failure is the one the issue describes) and failed.
    expect(remote.count(new URL(webhookUrl).pathname)).toBeGreaterThan(0)
    const stored = await storedRun(user, runId)
    expect(stored.run.summary).toMatch(/^Failed at step announce: POST \*\*\* answered 400/)
    expect(leaks(stored, webhookUrl)).toEqual([])
  }, 30_000)

  it('a secret with quotes, backslashes and newlines, and a PEM key, never show in a dry-run line', async () => {
    const runId = await createRun(user, { template: 'echo-secrets', inputs: { env: 'staging', target: echoUrl }, dryRun: true })
    const report = await runExecutor(stack, runId, { QUOTED_TOKEN: QUOTED_SECRET, PEM_KEY: PEM_SECRET })
    expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])
    expect(remote.requests).toEqual([])
    const stored = await storedRun(user, runId)
    expect(stored.events.some((event) => event.message.startsWith('DRY RUN'))).toBe(true)
    expect(leaks(stored, QUOTED_SECRET)).toEqual([])
    expect(leaks(stored, PEM_SECRET)).toEqual([])
  })

  it('a response preview and a file artifact that echo the secrets are masked', async () => {
    const runId = await createRun(user, { template: 'echo-secrets', inputs: { env: 'staging', target: echoUrl } })
    const report = await runExecutor(stack, runId, { QUOTED_TOKEN: QUOTED_SECRET, PEM_KEY: PEM_SECRET })
    expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])
    // The service did receive them, and echoed them back.
    expect(JSON.parse(remote.requests[0].body)).toEqual({ token: QUOTED_SECRET, key: PEM_SECRET })
    const stored = await storedRun(user, runId)
    expect(stored.artifacts).toEqual([expect.objectContaining({ kind: 'file', title: 'Echo' })])
    expect(stored.events.some((event) => JSON.stringify(event.data ?? {}).includes('body_preview'))).toBe(true)
    expect(leaks(stored, QUOTED_SECRET)).toEqual([])
    expect(leaks(stored, PEM_SECRET)).toEqual([])
  })

  it('a secret-typed input is used by the run, never readable by members or realtime, and deleted when the run ends', async () => {
    const value = 'sk-live-input-"quoted"-4b8e1f0a'
    const seen: RealtimePostgresChangesPayload<Record<string, unknown>>[] = []
    const channel = user
      .channel(`secret-input-${engine}`)
      .on('postgres_changes', { event: '*', schema: 'ops', table: 'runs' }, (change) => seen.push(change))
    await new Promise<void>((resolve, reject) =>
      channel.subscribe((status) => {
        if (String(status) === 'SUBSCRIBED') resolve()
        else if (String(status) === 'CHANNEL_ERROR') reject(new Error(`the realtime channel answered ${status}`))
      }),
    )

    const { data: created, error } = await user
      .from('runs')
      .insert({
        workspace_id: workspace,
        template_slug: 'secret-input',
        kind: 'check',
        env: 'staging',
        title: 'Secret input',
        inputs: { env: 'staging', target: echoUrl },
        secret_inputs: { api_key: value },
      })
      .select('*')
      .single()
    expect(error).toBeNull()
    const runId = created!.id
    // The insert's own answer does not carry it back.
    expect(leaks(created, value)).toEqual([])
    // Only the service role reads the stored values, until the run ends.
    const members = await user.from('run_secret_inputs' as never).select('*')
    expect(members.error?.message).toMatch(/permission denied/)
    const privateRow = await stack.test.db.query<{ inputs: unknown }>('select inputs from ops.run_secret_inputs where run_id = $1', [runId])
    expect(privateRow.rows).toEqual([{ inputs: { api_key: value } }])

    const report = await runExecutor(stack, runId)
    expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])
    expect(JSON.parse(remote.requests[0].body)).toEqual({ key: value })
    await waitFor(
      () => (seen.some((change) => (change.new as { status?: string }).status === 'success') ? true : undefined),
      'the finished run over realtime',
    )

    expect(leaks(await storedRun(user, runId), value)).toEqual([])
    expect(leaks(seen, value)).toEqual([])
    expect((await stack.test.db.query('select 1 from ops.run_secret_inputs where run_id = $1', [runId])).rows).toEqual([])
    await user.removeChannel(channel)
  })

  it('nobody puts secret inputs on a run after its insert, not even the service role', async () => {
    const runId = await createRun(user, { template: 'secret-input', inputs: { env: 'staging', target: echoUrl } })
    const late = { secret_inputs: { api_key: 'late' } }
    const byMember = await user.from('runs').update(late).eq('id', runId)
    expect(byMember.error?.message).toMatch(/ops\.runs\.secret_inputs cannot be changed by users/)
    const byService = await stack.client(stack.serviceRoleKey).from('runs').update(late).eq('id', runId)
    expect(byService.error?.message).toMatch(/ops\.runs\.secret_inputs is given only when the run is inserted/)
    expect((await stack.test.db.query('select 1 from ops.run_secret_inputs where run_id = $1', [runId])).rows).toEqual([])
  })

  it('a secret-typed input sent in plain inputs is refused at validation and erased from the run', async () => {
    const value = 'sk-plain-by-mistake-0d9c2a'
    const runId = await createRun(user, { template: 'secret-input', inputs: { env: 'staging', target: echoUrl, api_key: value } })
    const report = await runExecutor(stack, runId)
    expect(report.runs).toEqual([{ id: runId, outcome: 'error' }])
    expect(remote.requests).toEqual([])
    const stored = await storedRun(user, runId)
    expect(stored.run.error).toMatch(/input api_key is secret-typed.*secret_inputs/)
    expect(stored.run.inputs).toEqual({ env: 'staging', target: echoUrl })
    expect(leaks(stored, value)).toEqual([])
  })
})
