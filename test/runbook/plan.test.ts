import { describe, expect, it } from 'vitest'
import { planRun, POLICY_APPROVAL_STEP_ID, type Plan } from '../../supabase/functions/_shared/runbook/index.ts'
import { seedTemplate, templateFrom } from './seeds.ts'

function plan(result: ReturnType<typeof planRun>): Plan {
  if (!result.ok) throw new Error(`planRun failed: ${JSON.stringify(result)}`)
  return result.plan
}

describe('planRun with the seed templates', () => {
  const deploy = seedTemplate('deploy-web')
  const incident = seedTemplate('incident-open')

  it('deploys to production behind a policy approval, first in the execute phase', () => {
    const p = plan(planRun(deploy, { inputs: { env: 'production', service: 'api', ref: 'v2.3' } }))
    expect(p).toMatchObject({ version: 2, kind: 'deploy', title: 'Deploy web', env: 'production', approvalRequired: true })
    expect(p.approvalReason).toBe("Approval required by policy: env == 'production'")
    expect(p.steps.map((s) => [s.id, s.phase])).toEqual([
      ['health-before', 'preflight'],
      [POLICY_APPROVAL_STEP_ID, 'execute'],
      ['dispatch', 'execute'],
      ['settle', 'verify'],
      ['health-after', 'verify'],
    ])
    expect(p.steps[1]).toEqual({
      id: 'policy-approval',
      title: 'Approval required',
      kind: 'approval',
      phase: 'execute',
      with: { message: "Approval required by policy: env == 'production'" },
      secretsUsed: [],
      source: { message: "Approval required by policy: env == 'production'" },
    })
    expect(p.steps[2]).toMatchObject({
      kind: 'github_dispatch',
      timeoutMs: 30_000,
      with: {
        repo: 'acme/api',
        workflow: 'deploy.yml',
        ref: 'main',
        token: '${{ secrets.GITHUB_TOKEN }}',
        inputs: { environment: 'production', ref: 'v2.3', action: 'deploy' },
      },
      secretsUsed: ['GITHUB_TOKEN'],
      // What the executor fills when the step runs: the template's own text.
      source: { repo: 'acme/${{ inputs.service }}', inputs: { environment: '${{ env }}', ref: '${{ inputs.ref }}' } },
    })
    expect(p.inputs).toEqual({ env: 'production', service: 'api', ref: 'v2.3', action: 'deploy' })
    // The health checks name the project's public values (${{ project.url }}), not secrets.
    expect(p.secrets).toEqual(['GITHUB_TOKEN'])
    expect(p.requiredSecrets).toEqual([])
  })

  it('takes the env option as the env input', () => {
    const p = plan(planRun(deploy, { env: 'production' }))
    expect(p.env).toBe('production')
    expect(p.approvalRequired).toBe(true)
  })

  it('deploys to staging without any approval', () => {
    const result = planRun(deploy, { inputs: { env: 'staging' } })
    const p = plan(result)
    expect(p.approvalRequired).toBe(false)
    expect(p.approvalReason).toBeUndefined()
    expect(p.steps.map((s) => s.kind)).not.toContain('approval')
    expect(result.ok && result.inputs).toEqual({ env: 'staging', service: 'web', ref: 'main', action: 'deploy' })
  })

  it('plans an incident with its summary in the message and the follow-up', () => {
    const p = plan(planRun(incident, { inputs: { severity: 'sev2', summary: 'checkout errors' } }))
    expect(p.env).toBe('production')
    expect(p.approvalRequired).toBe(false)
    const announce = p.steps.find((s) => s.id === 'announce')
    expect(announce).toMatchObject({
      with: { url: '${{ secrets.SLACK_WEBHOOK_URL }}', body: { text: '[sev2] production: checkout errors' } },
      secretsUsed: ['SLACK_WEBHOOK_URL'],
    })
    expect(p.steps.find((s) => s.id === 'follow-up')).toMatchObject({
      kind: 'spec',
      with: { doc: 'continue-orchestrator/tasks', append: '- [ ] Follow up sev2 incident in production: checkout errors' },
    })
  })

  it('is plain JSON', () => {
    const p = plan(planRun(deploy, { env: 'production' }))
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
  })

  it('reports bad and missing inputs instead of planning', () => {
    expect(planRun(incident, { inputs: { severity: 'sev9' } })).toEqual({
      ok: false,
      errors: [{ key: 'severity', message: '"sev9" is not one of sev1, sev2, sev3, sev4' }],
      missing: ['summary'],
    })
  })

  it('refuses an env option that disagrees with inputs.env', () => {
    const result = planRun(deploy, { env: 'production', inputs: { env: 'staging' } })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.errors[0]).toMatchObject({ key: 'env' })
  })
})

describe('planRun rules', () => {
  const template = templateFrom(`version: 1
kind: spec
title: Note \${{ inputs.topic }}
inputs:
  - key: topic
    type: string
    required: true
  - key: extra
    type: string
  - key: api_key
    type: secret
secrets:
  - name: NOTES_URL
policy:
  approval:
    when: "inputs.topic == 'danger'"
steps:
  - id: check
    title: Check \${{ inputs.topic }} in \${{ env }}
    phase: verify
    kind: http
    with:
      url: "\${{ secrets.NOTES_URL }}/check?extra=\${{ inputs.extra }}"
      headers:
        authorization: "Bearer \${{ inputs.api_key }}"
  - id: write
    title: Write
    kind: spec
    with:
      doc: notes/today
      append: "\${{ inputs.topic }}"
  - id: warm-up
    title: Warm up
    phase: preflight
    kind: wait
    with: { duration: 500ms }
`)

  it('needs an env when the template has no env input', () => {
    expect(planRun(template, { inputs: { topic: 'x' } })).toMatchObject({ ok: false, errors: [{ key: 'env' }] })
  })

  it('orders steps by phase, keeps secrets and secret inputs as references, fills optional inputs with nothing', () => {
    const p = plan(planRun(template, { env: 'dev', inputs: { topic: 'db', api_key: 'k-123456' } }))
    expect(p.steps.map((s) => s.id)).toEqual(['warm-up', 'write', 'check'])
    expect(p.steps[2]).toMatchObject({
      title: 'Check db in dev',
      with: {
        url: '${{ secrets.NOTES_URL }}/check?extra=',
        headers: { authorization: 'Bearer ${{ inputs.api_key }}' },
      },
      secretsUsed: ['NOTES_URL'],
    })
    expect(p.secretInputs).toEqual(['api_key'])
    expect(JSON.stringify(p)).not.toContain('k-123456')
  })

  it('puts the policy approval before verify steps when there are no execute steps after preflight', () => {
    const p = plan(planRun(template, { env: 'dev', inputs: { topic: 'danger' } }))
    expect(p.steps.map((s) => s.id)).toEqual(['warm-up', 'policy-approval', 'write', 'check'])
    expect(p.approvalRequired).toBe(true)
  })

  it('counts an approval step written in the template as requiring approval', () => {
    const withApproval = templateFrom(`version: 1
kind: deploy
title: Deploy
steps:
  - id: ok
    title: Ask the owner
    kind: approval
    with: { message: Go ahead? }
`)
    const p = plan(planRun(withApproval, { env: 'staging' }))
    expect(p).toMatchObject({ approvalRequired: true, approvalReason: 'Go ahead?' })
  })

  it('takes an env name that looks like a reference as text: it is never read as a template', () => {
    const p = plan(planRun(template, { env: '${{ secrets.NOTES_URL }}', inputs: { topic: 'x' } }))
    expect(p.steps.find((s) => s.id === 'check')?.title).toBe('Check x in ${{ secrets.NOTES_URL }}')
    expect(p.secrets).toEqual(['NOTES_URL'])
  })
})

describe('planRun run timeout', () => {
  it("carries the template's run timeout into the plan, and none when it sets none", () => {
    expect(plan(planRun(seedTemplate('deploy-web'), { inputs: { env: 'staging' } })).timeoutMs).toBe(30 * 60_000)
    const untimed = templateFrom(
      'version: 1\nkind: custom\ntitle: T\nsteps:\n  - { id: w, title: W, kind: wait, with: { duration: 1s } }\n',
    )
    expect(plan(planRun(untimed, { env: 'staging' })).timeoutMs).toBeUndefined()
  })
})
