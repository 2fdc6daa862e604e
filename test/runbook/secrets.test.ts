import { describe, expect, it } from 'vitest'
import {
  bindStep,
  createMasker,
  maskDeep,
  missingSecrets,
  parseTemplate,
  planRun,
  type Plan,
} from '../../supabase/functions/_shared/runbook/index.ts'
import { seedTemplate } from './seeds.ts'

const SECRETS = {
  SUPABASE_URL: 'https://proj-abcdef.supabase.co',
  SUPABASE_ANON_KEY: 'anon-key-0123456789',
  GITHUB_TOKEN: 'ghp_SuperSecretToken42',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XYZ123secret',
}

/** A plan needing API_KEY (required) and GITHUB_TOKEN (optional). */
function keyedPlan(): Plan {
  const parsed = parseTemplate(`version: 1
kind: check
title: Keyed
secrets:
  - { name: API_KEY, required: true }
  - { name: GITHUB_TOKEN, required: false }
steps:
  - { id: call, title: Call, kind: http, with: { url: "https://api.example.com/x", headers: { key: "\${{ secrets.API_KEY }}", gh: "\${{ secrets.GITHUB_TOKEN }}" } } }
`)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  const result = planRun(parsed.template, { env: 'staging' })
  if (!result.ok) throw new Error('plan failed')
  return result.plan
}

function deployPlan(): Plan {
  const result = planRun(seedTemplate('deploy-web'), { env: 'production', inputs: { ref: 'v2.3' } })
  if (!result.ok) throw new Error('plan failed')
  return result.plan
}

/** The plan of a one-step template whose http step has `with` (YAML flow mapping). */
function httpPlan(withYaml: string, head = '', inputs: Record<string, unknown> = {}): Plan {
  const parsed = parseTemplate(`version: 1
kind: check
title: One step
${head}steps:
  - { id: call, title: Call, kind: http, with: ${withYaml} }
`)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  const result = planRun(parsed.template, { env: 'staging', inputs })
  if (!result.ok) throw new Error(`plan failed: ${JSON.stringify(result)}`)
  return result.plan
}

describe('bindStep', () => {
  it('fills secret references at execution time and reports none missing', () => {
    const plan = deployPlan()
    const dispatch = plan.steps.find((s) => s.id === 'dispatch')!
    const { value, missing, used } = bindStep(plan, dispatch, SECRETS)
    expect(missing).toEqual([])
    expect(used).toEqual(['GITHUB_TOKEN'])
    expect(value).toMatchObject({ token: SECRETS.GITHUB_TOKEN, repo: 'acme/web', inputs: { environment: 'production', ref: 'v2.3' } })
  })

  it('leaves a missing secret as its reference and names it', () => {
    const plan = httpPlan(
      '{ url: "${{ secrets.SLACK_WEBHOOK_URL }}", body: ["${{ secrets.A }}", "${{ secrets.B }}"] }',
      'secrets: [{ name: SLACK_WEBHOOK_URL }, { name: A }, { name: B }]\n',
    )
    const { value, missing, used } = bindStep(plan, plan.steps[0], { A: '', B: 'bee-value' })
    expect(missing).toEqual(['A', 'SLACK_WEBHOOK_URL'])
    // Only what was filled in is reported as used: that is what egress checks look at.
    expect(used).toEqual(['B'])
    expect(value).toMatchObject({ url: '${{ secrets.SLACK_WEBHOOK_URL }}', body: ['${{ secrets.A }}', 'bee-value'] })
  })

  it("binds secret-typed inputs from the run's values and the other inputs from the plan", () => {
    const plan = httpPlan(
      '{ url: "https://api.example.com/x", headers: { authorization: "Bearer ${{ inputs.api_key }}", other: "${{ inputs.plain }}" } }',
      'inputs: [{ key: api_key, type: secret }, { key: plain, type: string }]\n',
      { api_key: 'k-1', plain: 'p' },
    )
    expect(JSON.stringify(plan)).not.toContain('k-1')
    const { value } = bindStep(plan, plan.steps[0], {}, { api_key: 'k-1' })
    expect(value).toMatchObject({ headers: { authorization: 'Bearer k-1', other: 'p' } })
  })

  it('does not read references inside a secret value', () => {
    const plan = httpPlan('{ url: "https://api.example.com/x", body: "${{ secrets.A }}" }', 'secrets: [{ name: A }, { name: B }]\n')
    const { value } = bindStep(plan, plan.steps[0], { A: '${{ secrets.B }}', B: 'leak' })
    expect(value).toMatchObject({ body: '${{ secrets.B }}' })
  })
})

describe('missingSecrets', () => {
  it.each([
    ['all present', { ...SECRETS, API_KEY: 'k' }, [], []],
    ['optional GitHub token absent → dry run of dispatch', { API_KEY: 'k' }, [], ['GITHUB_TOKEN']],
    ['required key empty', { ...SECRETS, API_KEY: '' }, ['API_KEY'], []],
    ['nothing', {}, ['API_KEY'], ['GITHUB_TOKEN']],
  ])('%s', (_name, available, required, optional) => {
    expect(missingSecrets(keyedPlan(), available)).toEqual({ required, optional })
  })

  it('the seeded deploy needs no secret: its GitHub token is optional', () => {
    expect(missingSecrets(deployPlan(), {})).toEqual({ required: [], optional: ['GITHUB_TOKEN'] })
  })

  it('lets the executor find the steps that must run dry', () => {
    const plan = deployPlan()
    const { optional } = missingSecrets(plan, { ...SECRETS, GITHUB_TOKEN: undefined })
    expect(plan.steps.filter((s) => s.secretsUsed.some((name) => optional.includes(name))).map((s) => s.id)).toEqual(['dispatch'])
  })
})

describe('secrets never show', () => {
  const values = Object.values(SECRETS)
  const mask = createMasker(values)
  const encodedForms = (secret: string) => [secret, encodeURIComponent(secret), btoa(secret), btoa(`user:${secret}`)]

  it('a planned step holds no secret value', () => {
    for (const plan of [deployPlan()]) {
      const json = JSON.stringify(plan)
      for (const secret of values) expect(json).not.toContain(secret)
    }
  })

  it('bound step values, once masked, hold no secret in any form', () => {
    const plan = deployPlan()
    for (const step of plan.steps) {
      const { value } = bindStep(plan, step, SECRETS)
      const basicAuth = {
        ...value,
        authorization: `Basic ${btoa(`deployer:${SECRETS.GITHUB_TOKEN}`)}`,
        callback: `https://x.test/?u=${encodeURIComponent(SECRETS.SLACK_WEBHOOK_URL)}`,
      }
      const masked = JSON.stringify(maskDeep(basicAuth, mask))
      for (const secret of values) {
        for (const form of encodedForms(secret)) expect(masked).not.toContain(form)
      }
    }
  })

  it('a log line with a bound URL is masked', () => {
    const plan = httpPlan('{ url: "${{ project.url }}/auth/v1/health", headers: { apikey: "${{ project.anon_key }}" } }')
    const [step] = plan.steps
    if (step.kind !== 'http') throw new Error('an http step')
    const { value } = bindStep(plan, step, { 'project.url': SECRETS.SUPABASE_URL, 'project.anon_key': SECRETS.SUPABASE_ANON_KEY })
    expect(mask(`GET ${value.url} apikey=${value.headers.apikey}`)).toBe('GET ***/auth/v1/health apikey=***')
  })
})
