/**
 * Expensive input, executor side: a spec step's diff is computed in bounded time whatever the
 * change, and a run's log is bounded in bytes (dry-run lines cut, step lists capped, a byte limit
 * per run that spans invocations and ends the run with a clear error).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyPatch } from '../support/apply-patch.ts'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import {
  addTemplate,
  artifactsOf,
  createRun,
  eventsOf,
  expectContiguous,
  personalWorkspace,
  runExecutor,
  runOf,
  waitFor,
} from '../support/executor.ts'
import { HandBack } from '../../supabase/functions/_shared/executor/errors.ts'

const ENV_INPUT = '  - { key: env, label: Environment, type: choice, options: [staging], default: staging }'

/** A spec step whose find/with/append texts come from inputs (inputs may hold 64 KB in all). */
const SPEC_TEMPLATE = `version: 1
kind: spec
title: Propose a plan change
inputs:
${ENV_INPUT}
  - { key: find, label: Find, type: string }
  - { key: with, label: With, type: string }
steps:
  - { id: propose, title: Propose, kind: spec, with: { doc: limits/plan, replace: { find: "\${{ inputs.find }}", with: "\${{ inputs.with }}" } } }
`

const APPEND_TEMPLATE = `version: 1
kind: spec
title: Append to a doc
inputs:
${ENV_INPUT}
  - { key: text, label: Text, type: string }
steps:
  - { id: append, title: Append, kind: spec, with: { doc: limits/big, append: "\${{ inputs.text }}" } }
`

/** `count` http steps whose body carries a big input; every one is a dry-run line. */
function bodiesTemplate(count: number, options: { filler?: number; waitAfter?: number } = {}): string {
  const filler = 'x'.repeat(options.filler ?? 0)
  const steps: string[] = []
  for (let i = 1; i <= count; i++) {
    steps.push(
      `  - { id: s${i}, title: "Send payload ${i}", kind: http, with: { method: POST, url: "https://hooks.example.invalid/${i}", body: "${filler}\${{ inputs.payload }}" } }`,
    )
    if (i === options.waitAfter) steps.push(`  - { id: pause, title: Pause, kind: wait, with: { duration: 30s } }`)
  }
  return `version: 1
kind: check
title: Big bodies
inputs:
${ENV_INPUT}
  - { key: payload, label: Payload, type: string }
steps:
${steps.join('\n')}
`
}

/** What the executor counts for a line: its message and its data as JSON, in UTF-8 bytes. */
function logBytes(events: { message: string; data: unknown }[]): number {
  return events.reduce(
    (sum, e) =>
      sum + Buffer.byteLength(e.message) + (e.data === null || e.data === undefined ? 0 : Buffer.byteLength(JSON.stringify(e.data))),
    0,
  )
}

const lines = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} line ${i + 1}\n`).join('')

describe.each(engines)('limits on expensive input on %s', (engine) => {
  let stack: TestStack
  let user: OpsClient
  let workspace: string

  beforeAll(async () => {
    stack = await startTestStack(engine)
    ;({ client: user } = await stack.anonymousUser())
    workspace = await personalWorkspace(user)
    await addTemplate(stack, 'spec-replace', SPEC_TEMPLATE, workspace)
    await addTemplate(stack, 'spec-append', APPEND_TEMPLATE, workspace)
    await addTemplate(stack, 'bodies-40', bodiesTemplate(40), workspace)
    await addTemplate(stack, 'bodies-paused', bodiesTemplate(24, { waitAfter: 12 }), workspace)
    // The issue's case: a 42 KB template whose 50 steps each send a big input in their body.
    await addTemplate(stack, 'bodies-42k', bodiesTemplate(50, { filler: 700 }), workspace)
  })
  afterAll(async () => {
    await stack.stop()
  })

  async function specDoc(slug: string, content: string): Promise<void> {
    await stack.db.query('insert into ops.spec_docs (workspace_id, slug, title, content) values ($1, $2, $3, $4)', [
      workspace,
      slug,
      slug === 'limits/plan' ? 'Plan' : 'Big',
      content,
    ])
  }

  it('diffs a 4,000-changed-line proposal without a line-by-line comparison: one exact replacement hunk', async () => {
    const before = lines('intro', 10)
    const after = lines('outro', 10)
    const find = lines('old', 2000)
    const replacement = lines('new', 2000)
    await specDoc('limits/plan', before + find + after)
    const runId = await createRun(user, { template: 'spec-replace', inputs: { env: 'staging', find, with: replacement } })
    expect((await runExecutor(stack, runId)).runs[0].outcome).toBe('success')

    const events = await eventsOf(user, runId)
    const proposed = events.find((e) => e.step_id === 'propose' && e.message.startsWith('Proposed a change'))
    expect(proposed?.message).toBe(
      'Proposed a change to Plan (version 1): +2000 −2000 lines, see the artifacts. The changed region (4,000 lines) is larger than the ' +
        '1,000 lines compared line by line, so it is shown as one replacement',
    )
    const [artifact] = await artifactsOf(user, runId)
    const hunks = artifact.content!.split('\n').filter((line) => line.startsWith('@@'))
    expect(hunks).toEqual(['@@ -7,2008 +7,2008 @@'])
    expect(applyPatch(before + find + after, artifact.content!)).toBe(before + replacement + after)
  })

  it('still diffs a small change line by line, exactly', async () => {
    const doc = lines('keep', 3000)
    await stack.db.query('update ops.spec_docs set content = $1 where slug = $2', [doc, 'limits/plan'])
    const find = 'keep line 1500\nkeep line 1501\nkeep line 1502\n'
    const replacement = 'keep line 1500\nchanged line 1501\nkeep line 1502\n'
    const runId = await createRun(user, { template: 'spec-replace', inputs: { env: 'staging', find, with: replacement } })
    expect((await runExecutor(stack, runId)).runs[0].outcome).toBe('success')
    const [artifact] = await artifactsOf(user, runId)
    const changed = artifact.content!.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line))
    expect(changed).toEqual(['-keep line 1501', '+changed line 1501'])
    expect(applyPatch(doc, artifact.content!)).toBe(doc.replace(find, replacement))
  })

  it('fails a spec step whose proposal would not fit in a spec document, naming the doc and the sizes', async () => {
    await specDoc('limits/big', `${'y'.repeat(99)}\n${`${'z'.repeat(999)}\n`.repeat(1000)}`)
    const runId = await createRun(user, { template: 'spec-append', inputs: { env: 'staging', text: 'w'.repeat(60_000) } })
    expect((await runExecutor(stack, runId)).runs[0].outcome).toBe('error')
    const run = await runOf(user, runId)
    expect(run.error).toBe(
      'step append failed: the proposed change would make Big 1,060,101 bytes; a spec document holds at most 1,048,576 bytes (1 MB)',
    )
    expect(await artifactsOf(user, runId)).toEqual([])
  })

  it('cuts each dry-run line: the issue’s 42 KB template plus input no longer writes megabytes of log', { timeout: 120_000 }, async () => {
    const payload = 'p'.repeat(60_000)
    const runId = await createRun(user, { template: 'bodies-42k', inputs: { env: 'staging', payload }, dryRun: true })
    expect((await runExecutor(stack, runId)).runs[0].outcome).toBe('success')
    const events = await eventsOf(user, runId)
    const dry = events.filter((e) => e.message.startsWith('DRY RUN (this run is a dry run)'))
    expect(dry).toHaveLength(50)
    for (const line of dry) {
      expect(line.message).toContain('[56,604 more bytes not shown]')
      expect((line.data?.request as { body: string }).body).toMatch(/^x{700}p{3396}… \[56,604 more bytes not shown\]$/)
    }
    // Was 3,465,988 bytes (50 × 8 KB of message and 61 KB of data); now 434,064 (about 9 KB a line).
    expect(logBytes(events)).toBeLessThan(600_000)
    // The per-step lists of the validate and summarize phases are capped too.
    const validated = events.find((e) => e.message.startsWith('Phase 0 · validate passed'))!
    expect(validated.data?.steps).toHaveLength(20)
    expect(validated.data?.more_steps).toBe(30)
    const summarized = events.at(-1)!
    expect(summarized.message).toMatch(/^Phase 4 · summarize · Dry run/)
    expect(summarized.data?.steps).toHaveLength(20)
    expect(summarized.data?.more_steps).toBe(30)
    const execute = events.find((e) => e.message.startsWith('Phase 2 · execute'))!
    expect(execute.message).toBe(`Phase 2 · execute: ${Array.from({ length: 20 }, (_, i) => `s${i + 1}`).join(', ')} and 30 more`)
  })

  it('ends a run whose log reaches its byte limit, and still records its summary and final line', { timeout: 90_000 }, async () => {
    const runId = await createRun(user, { template: 'bodies-40', inputs: { env: 'staging', payload: 'q'.repeat(20_000) }, dryRun: true })
    const report = await runExecutor(stack, runId, {}, { maxLogBytes: 300_000 })
    expect(report.runs[0].outcome).toBe('error')
    const run = await runOf(user, runId)
    expect(run.error).toMatch(/^the run's log reached its limit of 293 KB; the run was stopped at step s\d+$/)
    const stoppedAt = /step (s\d+)$/.exec(run.error!)![1]
    expect(run.summary).toBe(`Failed at step ${stoppedAt}: the run's log reached its limit of 293 KB`)
    expect(run.step_results.s40).toBeUndefined()
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    expect(logBytes(events)).toBeLessThanOrEqual(300_000)
    expect(events.at(-2)!).toMatchObject({
      level: 'error',
      message: `The run's log reached its limit of 293 KB; the run was stopped at step ${stoppedAt}`,
    })
    expect(events.at(-1)!.message).toBe(`Phase 4 · summarize · Failed at step ${stoppedAt}: the run's log reached its limit of 293 KB`)
  })

  it('counts the log of earlier invocations: a resumed run continues the count', { timeout: 90_000 }, async () => {
    const runId = await createRun(user, {
      template: 'bodies-paused',
      inputs: { env: 'staging', payload: 'r'.repeat(20_000) },
      dryRun: true,
    })
    // Hands back during the 30 s pause, after the first 12 steps (about 105 KB of log), as when
    // the runtime shuts down.
    const shutdown = new AbortController()
    const execution = runExecutor(stack, runId, {}, { maxLogBytes: 300_000, stopSignal: shutdown.signal })
    await waitFor(async () => ((await runOf(user, runId)).step_results.pause?.deadline ? true : undefined), 'the pause', 60_000)
    shutdown.abort(new HandBack('the runtime is shutting down'))
    expect((await execution).runs[0].outcome).toBe('handed_back')
    const paused = await runOf(user, runId)
    expect(Object.keys(paused.step_results).filter((id) => paused.step_results[id].status === 'succeeded')).toHaveLength(12)
    // The next invocation starts after the pause has ended. Its 12 steps alone would fit; the
    // run's log as a whole does not.
    const second = await runExecutor(stack, runId, {}, { maxLogBytes: 300_000, now: () => Date.now() + 60_000 })
    expect(second.runs[0].outcome).toBe('error')
    const run = await runOf(user, runId)
    expect(run.error).toMatch(/^the run's log reached its limit of 293 KB; the run was stopped at step s(1[3-9]|2\d)$/)
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    expect(logBytes(events)).toBeLessThanOrEqual(300_000)
  })
})
