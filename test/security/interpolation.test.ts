/**
 * Issue 13, interpolation and expensive input: references are filled in one pass over the
 * template's own text (a value is never read again as a template), values placed into a URL are
 * percent-encoded, github_dispatch's repo must be owner/name, input patterns run on RE2, and the
 * template's size is capped. Each case was an attack that worked before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  bindStep,
  formatTemplateError,
  MAX_STEPS,
  parseTemplate,
  planRun,
  resolveInputs,
  type Plan,
  type Template,
} from '../../supabase/functions/_shared/runbook/index.ts'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { addTemplate, artifactsOf, bindSecret, createRun, eventsOf, personalWorkspace, runExecutor, runOf } from '../support/executor.ts'

/**
 * The stand-in services of this file listen here (one place): an egress policy that refuses
 * loopback must allow this host for these tests.
 */
const STAND_IN_HOST = '127.0.0.1'

function templateFrom(yaml: string): Template {
  const parsed = parseTemplate(yaml)
  if (!parsed.ok) throw new Error(parsed.errors.map(formatTemplateError).join('\n'))
  return parsed.template
}

function planOf(template: Template, options: Parameters<typeof planRun>[1]): Plan {
  const planned = planRun(template, options)
  if (!planned.ok) throw new Error(`planRun failed: ${JSON.stringify(planned)}`)
  return planned.plan
}

/** A literal `$` before the reference: the old planner made `${{ secrets.… }}` of it, bound later. */
const NOTE_TEMPLATE = `version: 1
kind: note
title: Post a note
inputs:
  - { key: env, type: choice, options: [staging], default: staging }
  - { key: base_url, type: string, required: true }
  - { key: note, type: string, required: true }
steps:
  - id: post
    title: Post the note
    kind: http
    with: { method: POST, url: "\${{ inputs.base_url }}/notes", body: { text: "$\${{ inputs.note }}" } }
`

const ITEM_TEMPLATE = `version: 1
kind: check
title: Read an item
inputs:
  - { key: env, type: choice, options: [staging], default: staging }
  - { key: base_url, type: string, required: true }
  - { key: item, type: string, required: true }
steps:
  - { id: read, title: Read the item, kind: http, with: { url: "\${{ inputs.base_url }}/items/\${{ inputs.item }}?view=\${{ env }}" } }
`

const DISPATCH_TEMPLATE = `version: 1
kind: deploy
title: Dispatch to a repository
inputs:
  - { key: env, type: choice, options: [staging], default: staging }
  - { key: repo, type: string, required: true }
secrets:
  - { name: GITHUB_TOKEN, required: true }
steps:
  - id: dispatch
    title: Dispatch
    kind: github_dispatch
    with: { repo: "acme/\${{ inputs.repo }}", workflow: deploy.yml, ref: main, token: "\${{ secrets.GITHUB_TOKEN }}" }
`

/** The repo comes from a secret input, which the plan cannot see: the step checks it. */
const SECRET_REPO_TEMPLATE = DISPATCH_TEMPLATE.replace('{ key: repo, type: string, required: true }', '{ key: repo, type: secret }')

const TRAVERSAL = '../../orgs/acme/hooks?x='

describe('one pass: a substituted value is never read as a template again', () => {
  const template = templateFrom(NOTE_TEMPLATE)

  it.each(['{{ secrets.OTHER_SECRET }}', '{{ project.anon_key }}', '${{ secrets.OTHER_SECRET }}'])(
    'an input value %j stays text: the plan names no secret and binding fills nothing',
    (note) => {
      const plan = planOf(template, { inputs: { base_url: 'https://notes.example.com', note } })
      const [step] = plan.steps
      expect(plan.secrets).toEqual([])
      expect(step.secretsUsed).toEqual([])
      const bound = bindStep(plan, step, { OTHER_SECRET: 'other-canary', 'project.anon_key': 'anon-canary' }, {})
      expect(bound.value).toMatchObject({ body: { text: `$${note}` } })
      expect(bound.used).toEqual([])
      expect(bound.missing).toEqual([])
      expect(JSON.stringify(bound.value)).not.toMatch(/canary/)
    },
  )

  it('an env name is text too', () => {
    const noEnvInput = templateFrom(`version: 1
kind: note
title: Post the env
steps:
  - { id: post, title: Post, kind: http, with: { method: POST, url: "https://notes.example.com/notes", body: { text: "$\${{ env }}" } } }
`)
    const plan = planOf(noEnvInput, { env: '{{ secrets.OTHER_SECRET }}' })
    const bound = bindStep(plan, plan.steps[0], { OTHER_SECRET: 'other-canary' }, {})
    expect(bound.value).toMatchObject({ body: { text: '${{ secrets.OTHER_SECRET }}' } })
    expect(bound.used).toEqual([])
  })

  it('a secret input’s value is not read as a template either', () => {
    const secretNote = templateFrom(NOTE_TEMPLATE.replace('{ key: note, type: string, required: true }', '{ key: note, type: secret }'))
    const plan = planOf(secretNote, { inputs: { base_url: 'https://notes.example.com', note: '{{ secrets.OTHER_SECRET }}' } })
    expect(JSON.stringify(plan)).not.toContain('OTHER_SECRET')
    const bound = bindStep(plan, plan.steps[0], { OTHER_SECRET: 'other-canary' }, { note: '{{ secrets.OTHER_SECRET }}' })
    expect(bound.value).toMatchObject({ body: { text: '${{ secrets.OTHER_SECRET }}' } })
    expect(bound.used).toEqual([])
  })

  it('the plan still shows the filled-in inputs, and binding fills the template’s own references', () => {
    const withSecret = templateFrom(
      NOTE_TEMPLATE.replace('steps:', 'secrets:\n  - { name: NOTE_TOKEN }\nsteps:').replace(
        'body: {',
        'headers: { authorization: "Bearer ${{ secrets.NOTE_TOKEN }}" }, body: {',
      ),
    )
    const plan = planOf(withSecret, { inputs: { base_url: 'https://notes.example.com', note: 'hello' } })
    expect(plan.steps[0].with).toMatchObject({
      url: 'https://notes.example.com/notes',
      headers: { authorization: 'Bearer ${{ secrets.NOTE_TOKEN }}' },
      body: { text: '$hello' },
    })
    const bound = bindStep(plan, plan.steps[0], { NOTE_TOKEN: 'tok-1' }, {})
    expect(bound.value).toMatchObject({ headers: { authorization: 'Bearer tok-1' }, body: { text: '$hello' } })
    expect(bound.used).toEqual(['NOTE_TOKEN'])
  })
})

describe('values placed into a URL are percent-encoded', () => {
  const template = templateFrom(ITEM_TEMPLATE)

  it('in the plan and when bound; a value that starts the URL is used as it is', () => {
    const plan = planOf(template, { inputs: { base_url: 'https://svc.example.com/api', item: '../admin?x=1#f' } })
    const url = 'https://svc.example.com/api/items/..%2Fadmin%3Fx%3D1%23f?view=staging'
    expect(plan.steps[0].with).toMatchObject({ url })
    expect(bindStep(plan, plan.steps[0], {}, {}).value).toMatchObject({ url })
    expect(new URL(url).pathname).toBe('/api/items/..%2Fadmin%3Fx%3D1%23f')
  })
})

describe('github_dispatch repo must be owner/name', () => {
  it('refuses a literal repo that is not owner/name, naming the field', () => {
    for (const repo of ['../hooks', 'acme/..', 'acme/.', 'ac_me/web', 'acme/web/x']) {
      const parsed = parseTemplate(DISPATCH_TEMPLATE.replace('"acme/${{ inputs.repo }}"', JSON.stringify(repo)))
      expect(parsed.ok, repo).toBe(false)
      if (!parsed.ok) expect(parsed.errors.map((e) => e.path)).toEqual(['steps[0].with.repo'])
    }
    expect(parseTemplate(DISPATCH_TEMPLATE.replace('"acme/${{ inputs.repo }}"', 'acme-1/web.site_2')).ok).toBe(true)
  })

  it('refuses a repo made from an input at plan time, naming the step and field', () => {
    const planned = planRun(templateFrom(DISPATCH_TEMPLATE), { inputs: { repo: TRAVERSAL } })
    expect(planned.ok).toBe(false)
    if (!planned.ok) {
      expect(planned.errors).toHaveLength(1)
      expect(planned.errors[0].key).toBe('repo')
      expect(planned.errors[0].message).toContain('step dispatch: with.repo')
      expect(planned.errors[0].message).toContain('owner/name')
    }
  })

  it('refuses a ref that is not a git ref', () => {
    const parsed = parseTemplate(DISPATCH_TEMPLATE.replace('ref: main', 'ref: "main branch"'))
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.errors.map((e) => e.path)).toEqual(['steps[0].with.ref'])
  })
})

describe('input patterns run on RE2', () => {
  const withPattern = (pattern: string, extra = '') =>
    parseTemplate(`version: 1
kind: check
title: Patterns
inputs:
  - { key: env, type: choice, options: [staging], default: staging }
  - { key: other, type: string }
  - key: value
    type: string
    pattern: ${JSON.stringify(pattern)}${extra}
steps:
  - { id: wait, title: Wait, kind: wait, with: { duration: 1s } }
`)

  it('a catastrophic pattern for backtracking engines compiles and answers correctly, even for a 64 KB value', () => {
    const parsed = withPattern('(a+)+b')
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(resolveInputs(parsed.template, { value: 'a'.repeat(29) }).errors).toEqual([
      { key: 'value', message: expect.stringContaining('does not match the pattern (a+)+b') },
    ])
    expect(resolveInputs(parsed.template, { value: 'a'.repeat(64 * 1024 - 1) }).errors).toHaveLength(1)
    expect(resolveInputs(parsed.template, { value: 'aaab' }).values.value).toBe('aaab')
  })

  it('keeps whole-value matching: an unanchored pattern does not let extra text through', () => {
    const parsed = withPattern('a|bc')
    if (!parsed.ok) throw new Error('parse')
    expect(resolveInputs(parsed.template, { value: 'a' }).errors).toEqual([])
    expect(resolveInputs(parsed.template, { value: 'bc' }).errors).toEqual([])
    expect(resolveInputs(parsed.template, { value: 'ac' }).errors).toHaveLength(1)
    expect(resolveInputs(parsed.template, { value: 'xbc' }).errors).toHaveLength(1)
  })

  it.each([
    ['(a)\\1', 'backreference'],
    ['(?=a)a', 'lookahead'],
    ['(?<!a)b', 'lookbehind'],
  ])('refuses %s (%s) as a template error naming the field and its position', (pattern) => {
    const parsed = withPattern(pattern)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors).toHaveLength(1)
    expect(parsed.errors[0]).toMatchObject({ path: 'inputs[2].pattern', line: 9, column: 14 })
    expect(parsed.errors[0].expected).toContain('RE2')
  })

  it('refuses a pattern whose program is too large to match quickly', () => {
    const parsed = withPattern('.{0,999}.{0,999}')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.errors[0]).toMatchObject({ path: 'inputs[2].pattern', message: expect.stringContaining('too complex') })
  })

  it('checks a default against the pattern with the same engine', () => {
    const parsed = withPattern('[a-z]+', '\n    default: "ABC"')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.errors[0].path).toBe('inputs[2].default')
  })
})

describe('template caps', () => {
  const stepsTemplate = (count: number) =>
    `version: 1
kind: check
title: Many steps
steps:
${Array.from({ length: count }, (_, i) => `  - { id: s${i}, title: S, kind: wait, with: { duration: 1s } }`).join('\n')}
`

  it(`allows ${MAX_STEPS} steps and refuses more, saying how many`, () => {
    expect(parseTemplate(stepsTemplate(MAX_STEPS)).ok).toBe(true)
    const parsed = parseTemplate(stepsTemplate(1500))
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors).toEqual([
      expect.objectContaining({ path: 'steps', message: `the template has 1,500 steps; at most ${MAX_STEPS} are allowed` }),
    ])
  })

  it('refuses a title longer than the cap', () => {
    const parsed = parseTemplate(stepsTemplate(1).replace('title: S', `title: ${'x'.repeat(1000)}`))
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.errors[0].path).toBe('steps[0].title')
  })
})

describe.each(engines)('through the executor on %s', (engine) => {
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient
  let workspace: string

  beforeAll(async () => {
    stack = await startTestStack(engine)
    remote = await startRemote(STAND_IN_HOST)
    stack.allowEgress(remote.url)
    ;({ client: user } = await stack.anonymousUser())
    workspace = await personalWorkspace(user)
    await addTemplate(stack, 'note', NOTE_TEMPLATE, workspace)
    await addTemplate(stack, 'item', ITEM_TEMPLATE, workspace)
    await addTemplate(stack, 'dispatch', DISPATCH_TEMPLATE, workspace)
    await addTemplate(stack, 'secret-dispatch', SECRET_REPO_TEMPLATE, workspace)
    // The secret the attack reaches for is bound to the very host the note goes to.
    await bindSecret(stack, 'OTHER_SECRET', workspace, [STAND_IN_HOST])
    await bindSecret(stack, 'GITHUB_TOKEN', workspace, [STAND_IN_HOST])
  })
  afterAll(async () => {
    await remote?.close()
    await stack?.stop()
  })
  beforeEach(() => {
    remote.requests.length = 0
    remote.on('/notes', reply(200, '{"ok":true}'))
    remote.on('/orgs/acme/hooks', reply(201, '{"id":1}'))
  })

  const secrets = { OTHER_SECRET: 'other-canary-8c1d', GITHUB_TOKEN: 'ghp_canary-3e9a' }

  it.each(['OTHER_SECRET', 'SUPABASE_SERVICE_ROLE_KEY'])(
    '`$` + {{ secrets.%s }} sends the text as typed, never the secret',
    async (name) => {
      const runId = await createRun(user, {
        template: 'note',
        inputs: { env: 'staging', base_url: remote.url, note: `{{ secrets.${name} }}` },
      })
      const report = await runExecutor(stack, runId, secrets)
      expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])
      const [request] = remote.requests
      expect(JSON.parse(request.body)).toEqual({ text: `\${{ secrets.${name} }}` })
      const everything = JSON.stringify([
        remote.requests,
        await runOf(user, runId),
        await eventsOf(user, runId),
        await artifactsOf(user, runId),
      ])
      expect(everything).not.toContain(secrets.OTHER_SECRET)
      expect(everything).not.toContain(stack.serviceRoleKey)
    },
  )

  /** What the previous executor stored for a run: version 1, steps without `source`, no `inputs`. */
  function version1(plan: Plan, secretsUsed: string[] = []) {
    const { inputs: _inputs, steps, ...rest } = plan
    return {
      ...rest,
      version: 1,
      secrets: secretsUsed,
      steps: steps.map(({ source: _source, ...step }) => ({ ...step, secretsUsed })),
    }
  }

  it('resumes a run stored with a version 1 plan when planning it again shows the same, and refuses one that does not', async () => {
    const inputs = { env: 'staging', base_url: remote.url, note: 'hello' }
    const same = await createRun(user, { template: 'note', inputs })
    const planned = planOf(templateFrom(NOTE_TEMPLATE), { inputs })
    await stack.db.query('update ops.runs set plan = $1 where id = $2', [JSON.stringify(version1(planned)), same])
    expect((await runExecutor(stack, same, secrets)).runs[0].outcome).toBe('success')
    expect(JSON.parse(remote.requests[0].body)).toEqual({ text: '$hello' })

    // The old planner's plan for the injection named the secret; it is never bound now.
    const injected = { ...inputs, note: '{{ secrets.OTHER_SECRET }}' }
    const old = await createRun(user, { template: 'note', inputs: injected })
    const oldPlan = version1(planOf(templateFrom(NOTE_TEMPLATE), { inputs: injected }), ['OTHER_SECRET'])
    await stack.db.query('update ops.runs set plan = $1 where id = $2', [JSON.stringify(oldPlan), old])
    expect((await runExecutor(stack, old, secrets)).runs[0].outcome).toBe('error')
    expect((await runOf(user, old)).error).toContain('planned by an earlier version of the executor (plan version 1)')
    expect(remote.requests).toHaveLength(1)
  })

  it('encodes a value placed into the URL path: `../` and `?` do not move the request', async () => {
    remote.on('/items/..%2Fadmin%3Fx%3D1', reply(200, '{"item":true}'))
    const runId = await createRun(user, { template: 'item', inputs: { env: 'staging', base_url: remote.url, item: '../admin?x=1' } })
    expect((await runExecutor(stack, runId, secrets)).runs[0].outcome).toBe('success')
    expect(remote.requests.map((r) => r.path)).toEqual(['/items/..%2Fadmin%3Fx%3D1'])
  })

  it('refuses a repo that climbs out of /repos/ before anything is sent, naming the step and field', async () => {
    const runId = await createRun(user, { template: 'dispatch', inputs: { env: 'staging', repo: TRAVERSAL } })
    expect((await runExecutor(stack, runId, { ...secrets, GITHUB_API_URL: remote.url })).runs[0].outcome).toBe('error')
    const run = await runOf(user, runId)
    expect(run.error).toContain('step dispatch: with.repo')
    expect(run.error).toContain('owner/name')
    expect(remote.requests).toEqual([])
  })

  it('refuses such a repo at the step when it comes from a secret input', async () => {
    const runId = await createRun(user, { template: 'secret-dispatch', inputs: { env: 'staging' }, secretInputs: { repo: TRAVERSAL } })
    expect((await runExecutor(stack, runId, { ...secrets, GITHUB_API_URL: remote.url })).runs[0].outcome).toBe('error')
    const run = await runOf(user, runId)
    expect(run.error).toMatch(/^step dispatch failed: with\.repo is not owner\/name/)
    expect(remote.requests).toEqual([])
  })
})
