import { describe, expect, it } from 'vitest'
import { parseIntent, resolveInputs, type IntentResult } from '../../../supabase/functions/_shared/runbook/index.ts'
import { seedTemplate } from '../seeds.ts'

const templates = [
  { slug: 'deploy-web', template: seedTemplate('deploy-web') },
  { slug: 'incident-open', template: seedTemplate('incident-open') },
]

interface Row {
  text: string
  slug: string | null
  env?: string | null
  /** Exactly the inputs the text gave. */
  inputs?: IntentResult['inputs']
  missing?: string[]
  /** Confidence at least this. */
  sure?: number
  /** Confidence at most this. */
  unsure?: number
  suggestions?: string[]
  unknownPairs?: IntentResult['unknownPairs']
}

const rows: Row[] = [
  // Everyday phrasings for the two seeded runbooks.
  { text: 'Deploy prod', slug: 'deploy-web', env: 'production', inputs: { env: 'production', action: 'deploy' }, sure: 1 },
  {
    text: 'deploy web to production ref=v2.3',
    slug: 'deploy-web',
    env: 'production',
    inputs: { env: 'production', service: 'web', action: 'deploy', ref: 'v2.3' },
  },
  { text: 'ship api to staging', slug: 'deploy-web', env: 'staging', inputs: { env: 'staging', service: 'api' } },
  {
    text: 'open a sev2 incident: checkout errors',
    slug: 'incident-open',
    env: 'production',
    inputs: { severity: 'sev2', summary: 'checkout errors' },
    missing: [],
  },
  { text: 'roll back staging', slug: 'deploy-web', env: 'staging', inputs: { env: 'staging', action: 'rollback' } },
  { text: 'page oncall sev1 payments down', slug: 'incident-open', inputs: { severity: 'sev1' }, missing: ['summary'] },
  // Typos.
  {
    text: 'deplyo web to prod',
    slug: 'deploy-web',
    env: 'production',
    inputs: { env: 'production', service: 'web', action: 'deploy' },
    sure: 0.85,
    unsure: 0.95,
  },
  { text: 'rolback staging', slug: 'deploy-web', env: 'staging', inputs: { env: 'staging', action: 'rollback' }, sure: 0.8, unsure: 0.95 },
  { text: 'incidnet: db down', slug: 'incident-open', inputs: { summary: 'db down' }, sure: 0.8, unsure: 0.9 },
  {
    text: 'deploy web to prodution',
    slug: 'deploy-web',
    env: 'production',
    inputs: { env: 'production', service: 'web', action: 'deploy' },
  },
  { text: 'shp api', slug: null, sure: 0, unsure: 0 },
  // Case and punctuation.
  { text: 'DEPLOY API TO STAGING', slug: 'deploy-web', env: 'staging', inputs: { env: 'staging', service: 'api', action: 'deploy' } },
  {
    text: 'deploy!!! web,,, to... production??',
    slug: 'deploy-web',
    env: 'production',
    inputs: { env: 'production', service: 'web', action: 'deploy' },
  },
  { text: 'Ship It', slug: 'deploy-web', env: 'staging', inputs: {} },
  { text: 'on-call page: api latency', slug: 'incident-open', inputs: { summary: 'api latency' } },
  // Synonyms and phrases.
  {
    text: 'Deploy the worker to live',
    slug: 'deploy-web',
    env: 'production',
    inputs: { env: 'production', service: 'worker', action: 'deploy' },
  },
  { text: 'release worker to stg', slug: 'deploy-web', env: 'staging', inputs: { env: 'staging', service: 'worker' } },
  { text: 'promote api to prd', slug: 'deploy-web', env: 'production', inputs: { env: 'production', service: 'api' } },
  { text: 'rollout api', slug: 'deploy-web', env: 'staging', inputs: { service: 'api' } },
  { text: 'roll-out worker to production', slug: 'deploy-web', env: 'production', inputs: { env: 'production', service: 'worker' } },
  { text: 'revert production', slug: 'deploy-web', env: 'production', inputs: { env: 'production', action: 'rollback' } },
  { text: 'declare an outage: search is slow', slug: 'incident-open', inputs: { summary: 'search is slow' } },
  { text: 'sev 1: payments failing', slug: 'incident-open', inputs: { severity: 'sev1', summary: 'payments failing' } },
  {
    text: 'escalate severity 2 in staging: queue backlog',
    slug: 'incident-open',
    env: 'staging',
    inputs: { severity: 'sev2', env: 'staging', summary: 'queue backlog' },
  },
  { text: 'p2 incident: login slow', slug: 'incident-open', inputs: { severity: 'sev2', summary: 'login slow' } },
  { text: 'incident', slug: 'incident-open', env: 'production', inputs: {}, missing: ['summary'] },
  { text: 'open an incident', slug: 'incident-open', inputs: {}, missing: ['summary'] },
  { text: 'open a sev2 incident: db: replica lag', slug: 'incident-open', inputs: { severity: 'sev2', summary: 'db: replica lag' } },
  // key=value pairs, quoted or not.
  {
    text: 'deploy ref="release/2024-06" to prod',
    slug: 'deploy-web',
    inputs: { env: 'production', action: 'deploy', ref: 'release/2024-06' },
  },
  {
    text: "deploy ref='v1.0.0' service=api",
    slug: 'deploy-web',
    env: 'staging',
    inputs: { action: 'deploy', ref: 'v1.0.0', service: 'api' },
  },
  {
    text: 'deploy service=WORKER env=Prod',
    slug: 'deploy-web',
    env: 'production',
    inputs: { action: 'deploy', service: 'worker', env: 'production' },
  },
  {
    text: 'redeploy web on staging ref=hotfix/login-42',
    slug: 'deploy-web',
    inputs: { env: 'staging', service: 'web', ref: 'hotfix/login-42' },
  },
  {
    text: "open incident summary='checkout 500s' severity=p1",
    slug: 'incident-open',
    inputs: { summary: 'checkout 500s', severity: 'sev1' },
  },
  { text: 'deploy \u201cref=v3\u201d', slug: 'deploy-web', inputs: { action: 'deploy', ref: 'v3' } },
  { text: 'deploy ref=v2.3, to prod.', slug: 'deploy-web', inputs: { env: 'production', action: 'deploy', ref: 'v2.3' } },
  { text: 'deploy api action=rollback', slug: 'deploy-web', inputs: { service: 'api', action: 'rollback' } },
  { text: 'deploy environment=production', slug: 'deploy-web', inputs: { action: 'deploy', env: 'production' } },
  // Pairs for inputs the template does not have.
  {
    text: 'deploy color=blue size=xl',
    slug: 'deploy-web',
    inputs: { action: 'deploy' },
    unknownPairs: [
      { key: 'color', value: 'blue' },
      { key: 'size', value: 'xl' },
    ],
  },
  {
    text: 'incident team=payments: card declines',
    slug: 'incident-open',
    inputs: { summary: 'card declines' },
    unknownPairs: [{ key: 'team', value: 'payments' }],
  },
  // Conflicting environments: the later word wins, and an explicit pair beats words.
  { text: 'deploy to staging then production', slug: 'deploy-web', env: 'production', inputs: { env: 'production', action: 'deploy' } },
  { text: 'deploy to production, no wait, staging', slug: 'deploy-web', env: 'staging', inputs: { env: 'staging', action: 'deploy' } },
  { text: 'deploy env=staging to production', slug: 'deploy-web', env: 'staging', inputs: { env: 'staging', action: 'deploy' } },
  { text: 'deploy env=staging env=production', slug: 'deploy-web', env: 'production', inputs: { env: 'production', action: 'deploy' } },
  // Unknown or unsure.
  { text: 'make me a sandwich', slug: null, env: null, inputs: {}, suggestions: [], sure: 0, unsure: 0 },
  { text: '', slug: null, suggestions: [], unsure: 0 },
  { text: '   ', slug: null, suggestions: [], unsure: 0 },
  { text: '\u{1F680}\u{1F525}', slug: null, suggestions: [], unsure: 0 },
  { text: 'what is the weather', slug: null, suggestions: [] },
  { text: 'staging', slug: null, suggestions: [] },
  { text: 'sev1 payments down', slug: null, suggestions: ['incident-open'], unsure: 0 },
  { text: 'web', slug: 'deploy-web', inputs: { service: 'web' }, sure: 0.5, unsure: 0.8 },
  { text: 'deploy incident', slug: 'deploy-web', suggestions: ['deploy-web', 'incident-open'], unsure: 0.6 },
  { text: 'color=blue', slug: null, unknownPairs: [{ key: 'color', value: 'blue' }] },
]

describe('parseIntent', () => {
  it('has a table of at least 40 phrasings', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40)
  })

  it.each(rows)('$text', (row) => {
    const result = parseIntent(row.text, templates)
    expect(result.slug).toBe(row.slug)
    expect(result.templateTitle).toBe(row.slug === null ? null : templates.find((t) => t.slug === row.slug)?.template.title)
    if (row.env !== undefined) expect(result.env).toBe(row.env)
    if (row.inputs !== undefined) expect(result.inputs).toEqual(row.inputs)
    if (row.missing !== undefined) expect(result.missing).toEqual(row.missing)
    if (row.sure !== undefined) expect(result.confidence).toBeGreaterThanOrEqual(row.sure)
    if (row.unsure !== undefined) expect(result.confidence).toBeLessThanOrEqual(row.unsure)
    if (row.suggestions !== undefined) expect(result.suggestions.map((s) => s.slug)).toEqual(row.suggestions)
    expect(result.unknownPairs).toEqual(row.unknownPairs ?? [])
    expect(result.suggestions.length).toBeLessThanOrEqual(3)
    if (row.slug === null) expect(result.confidence).toBe(0)
  })

  it('gives the same answer whatever order the templates come in', () => {
    const reversed = [...templates].reverse()
    for (const row of rows) expect(parseIntent(row.text, reversed)).toEqual(parseIntent(row.text, templates))
  })

  it('breaks a tie by slug and says it is unsure', () => {
    const twin = { slug: 'a-deploy', template: { ...templates[0].template, title: 'Deploy web again' } }
    const result = parseIntent('deploy', [...templates, twin])
    expect(result.slug).toBe('a-deploy')
    expect(result.confidence).toBeLessThan(0.75)
    expect(result.suggestions.map((s) => s.slug)).toEqual(['a-deploy', 'deploy-web'])
  })

  it('knows no templates', () => {
    expect(parseIntent('deploy', [])).toMatchObject({ slug: null, confidence: 0, suggestions: [] })
  })

  it('produces inputs that resolveInputs can check, including one that looks like a reference (it stays text)', () => {
    const result = parseIntent('incident: ${{ secrets.GITHUB_TOKEN }}', templates)
    expect(result.inputs).toEqual({ summary: '${{ secrets.GITHUB_TOKEN }}' })
    const resolved = resolveInputs(templates[1].template, result.inputs)
    expect(resolved.errors).toEqual([])
    expect(resolved.values.summary).toBe('${{ secrets.GITHUB_TOKEN }}')
  })

  it('keeps a value the input cannot take as typed, for the form to flag', () => {
    const result = parseIntent('deploy service=frontend env=qa', templates)
    expect(result.inputs).toMatchObject({ service: 'frontend', env: 'qa' })
    expect(resolveInputs(templates[0].template, result.inputs).errors.map((e) => e.key)).toEqual(['env', 'service'])
  })
})
