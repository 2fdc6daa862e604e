import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { TemplateRow } from '../../src/client/types.ts'
import { templateCatalog } from '../../src/ui/view-models/template-catalog.ts'
import { intentCard, newRunFromCard, runbookCard, type RunbookCardModel } from '../../src/ui/view-models/runbook-card.ts'

function row(slug: string, yaml: string): TemplateRow {
  return {
    id: slug,
    slug,
    kind: 'x',
    title: slug,
    description: '',
    template_yaml: yaml,
    created_at: '',
    updated_at: '',
    updated_by: null,
    workspace_id: 'workspace-1',
    version: 3,
    revision_id: `${slug}-revision-3`,
    // The generated row lists the revision-writing function as a computed field.
  }
}
const seeded = (slug: string) => row(slug, readFileSync(new URL(`../../supabase/templates/${slug}.yaml`, import.meta.url), 'utf8'))
const catalog = templateCatalog([seeded('deploy-web'), seeded('incident-open'), row('broken', 'version: 1\nkind: Deploy\n')])

function card(text: string, entered: Record<string, string | boolean> = {}, chosen: string | null = null): RunbookCardModel {
  const result = intentCard(text, catalog, entered, chosen)
  if (result.kind !== 'card') throw new Error(`expected a card for "${text}", got ${result.kind}`)
  return result.card
}

describe('template catalog', () => {
  it('parses the seeded templates and says what is wrong with a broken one', () => {
    expect(catalog.map((entry) => [entry.slug, entry.template !== null])).toEqual([
      ['deploy-web', true],
      ['incident-open', true],
      ['broken', false],
    ])
    expect(catalog[2].problem).toMatch(/kind.*line 2, column 7/)
  })
})

describe('intent → runbook card', () => {
  it.each([
    {
      text: 'deploy web to prod',
      slug: 'deploy-web',
      env: 'production',
      missing: [],
      approval: true,
      canRun: true,
      steps: ['health-before', 'policy-approval', 'dispatch', 'settle', 'health-after'],
    },
    {
      text: 'deploy api to staging ref=v2.3',
      slug: 'deploy-web',
      env: 'staging',
      missing: [],
      approval: false,
      canRun: true,
      steps: ['health-before', 'dispatch', 'settle', 'health-after'],
    },
    {
      text: 'open a sev2 incident: checkout errors',
      slug: 'incident-open',
      env: 'production',
      missing: [],
      approval: false,
      canRun: true,
      steps: ['health-snapshot', 'announce', 'gather', 'follow-up'],
    },
    {
      text: 'open a sev2 incident',
      slug: 'incident-open',
      env: null,
      missing: ['summary'],
      approval: null,
      canRun: false,
      steps: null,
    },
  ])('"$text"', ({ text, slug, env, missing, approval, canRun, steps }) => {
    const model = card(text)
    expect(model.slug).toBe(slug)
    expect(model.missing).toEqual(missing)
    expect(model.canRun).toBe(canRun)
    if (steps === null) {
      expect(model.plan).toEqual({ ok: false, problems: ['What is happening is required'] })
    } else {
      expect(model.plan.ok).toBe(true)
      if (model.plan.ok) {
        expect(model.plan.env).toBe(env)
        expect(model.plan.approvalRequired).toBe(approval)
        expect(model.plan.steps.map((step) => step.id)).toEqual(steps)
      }
    }
  })

  it('takes the typed values into the fields and keeps defaults for the rest', () => {
    const model = card('ship api to staging ref=v2.3')
    expect(Object.fromEntries(model.fields.map((field) => [field.key, [field.value, field.source]]))).toEqual({
      env: ['staging', 'typed'],
      service: ['api', 'typed'],
      ref: ['v2.3', 'typed'],
      action: ['deploy', 'default'],
    })
  })

  it('fills a missing input from the form, and the card can then run', () => {
    const model = card('open a sev2 incident', { summary: 'checkout errors' })
    expect(model.missing).toEqual([])
    expect(model.canRun).toBe(true)
    expect(newRunFromCard(model, true)).toEqual({
      templateSlug: 'incident-open',
      // The revision of the row the card was made from: the run executes what the card showed.
      templateRevisionId: 'incident-open-revision-3',
      kind: 'incident',
      env: 'production',
      title: 'Open an incident: sev2 “checkout errors” in production',
      intent: 'open a sev2 incident',
      inputs: { severity: 'sev2', summary: 'checkout errors', env: 'production' },
      dryRun: true,
    })
  })

  it.each<{ name: string; text: string; entered: Record<string, string>; field: string; error: RegExp }>([
    {
      name: 'a value the input refuses',
      text: 'deploy web to staging',
      entered: { ref: 'bad ref!' },
      field: 'ref',
      error: /does not match the pattern/,
    },
    {
      name: 'an option that does not exist',
      text: 'deploy web to staging',
      entered: { service: 'db' },
      field: 'service',
      error: /is not one of web, api, worker/,
    },
  ])('cannot run with $name', ({ text, entered, field, error }) => {
    const model = card(text, entered)
    expect(model.canRun).toBe(false)
    expect(model.fields.find((f) => f.key === field)?.error).toMatch(error)
    expect(newRunFromCard(model, false)).toBeNull()
  })

  it('clearing a field in the form brings back "missing" rather than the typed value', () => {
    const model = card('open a sev2 incident: checkout errors', { summary: '' })
    expect(model.missing).toEqual(['summary'])
  })

  it.each([
    { text: '', kind: 'empty' },
    { text: '   ', kind: 'empty' },
    { text: 'make me a sandwich', kind: 'no-match' },
  ])('"$text" → $kind', ({ text, kind }) => {
    expect(intentCard(text, catalog, {}).kind).toBe(kind)
  })

  it('offers suggestions when the text is unsure, and a picked suggestion makes the card', () => {
    const result = intentCard('ship it', catalog, {})
    const unsure = intentCard('page', catalog, {})
    const suggestions = [result, unsure].flatMap((r) => (r.kind === 'empty' ? [] : r.suggestions))
    expect(suggestions.length + [result, unsure].filter((r) => r.kind === 'card').length).toBeGreaterThan(0)
    const picked = intentCard('make me a sandwich', catalog, {}, 'incident-open')
    expect(picked.kind).toBe('card')
    if (picked.kind === 'card') expect(picked.card.slug).toBe('incident-open')
  })

  it('lists typed pairs that name no input', () => {
    expect(card('deploy web to staging color=blue').unknownPairs).toEqual(['color=blue'])
  })
})

describe('template card (Templates tab)', () => {
  it.each([
    { slug: 'deploy-web', canRun: true, missing: [] },
    { slug: 'incident-open', canRun: false, missing: ['summary'] },
  ])('$slug starts from the defaults', ({ slug, canRun, missing }) => {
    const entry = catalog.find((e) => e.slug === slug)!
    const model = runbookCard({ ...entry, template: entry.template! }, {}, {})
    expect(model.canRun).toBe(canRun)
    expect(model.missing).toEqual(missing)
    expect(model.intent).toBeNull()
  })

  it('needs approval once production is chosen', () => {
    const entry = catalog.find((e) => e.slug === 'deploy-web')!
    const model = runbookCard({ ...entry, template: entry.template! }, {}, { env: 'production' })
    expect(model.plan.ok && model.plan.approvalRequired).toBe(true)
    expect(model.plan.ok && model.plan.approvalReason).toBe("Approval required by policy: env == 'production'")
  })
})

describe('a card with a secret-typed input', () => {
  const keyed = templateCatalog([
    row(
      'keyed',
      `version: 1
kind: check
title: Keyed check
intents: [keyed]
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: api_key, label: API key, type: secret, required: true }
steps:
  - { id: settle, title: Settle, kind: wait, with: { duration: 10ms } }
`,
    ),
  ])

  it('sends its value apart from the inputs members read, and never in the stored intent', () => {
    const result = intentCard('keyed check api_key=sk-typed-in-text-77', keyed, {}, 'keyed')
    if (result.kind !== 'card') throw new Error(result.kind)
    const run = newRunFromCard(result.card, false)
    expect(run).toMatchObject({
      inputs: { env: 'staging' },
      secretInputs: { api_key: 'sk-typed-in-text-77' },
      intent: 'keyed check api_key=***',
    })
    expect(JSON.stringify({ ...run, secretInputs: undefined })).not.toContain('sk-typed-in-text-77')
  })

  it('sends no secret inputs when the template has none', () => {
    expect(newRunFromCard(card('open a sev2 incident', { summary: 'checkout errors' }), true)).not.toHaveProperty('secretInputs')
  })
})

describe('titles name what runs', () => {
  it.each([
    { text: 'rollback api in production', title: 'Deploy web: rollback api @ main in production' },
    { text: 'deploy api to staging ref=v2.3', title: 'Deploy web: api @ v2.3 in staging' },
    { text: 'deploy web to prod', title: 'Deploy web: web @ main in production' },
    { text: 'open a sev2 incident: checkout errors', title: 'Open an incident: sev2 “checkout errors” in production' },
  ])('"$text" → $title', ({ text, title }) => {
    const model = card(text)
    expect(model.runTitle).toBe(title)
    expect(newRunFromCard(model, false)?.title).toBe(title)
  })

  it('fills a rollback of api from the words typed, not the template defaults', () => {
    const model = card('rollback api in production')
    expect(Object.fromEntries(model.fields.map((field) => [field.key, field.value]))).toMatchObject({
      service: 'api',
      action: 'rollback',
      env: 'production',
    })
  })
})

describe('the intent bar says when it drops or corrects a value', () => {
  it('ref=bad ref! is not silently cut to "bad": the note names the value and why', () => {
    const model = card('deploy web to staging ref=bad ref!')
    expect(model.notes).toEqual([
      'Git ref: used “bad”; “ref!” after it was left out (a value ends at a space; quote it, ref="bad ref!", to keep it whole)',
    ])
  })

  it('a quoted value is kept whole, and the card says what is wrong with it', () => {
    const model = card('deploy web to staging ref="bad ref!"')
    expect(model.notes).toEqual([])
    expect(model.fields.find((field) => field.key === 'ref')).toMatchObject({ value: 'bad ref!' })
    expect(model.canRun).toBe(false)
  })

  it('says when punctuation is cut from a value, unless it only ends the sentence', () => {
    expect(card('deploy api ref=v2.3, to staging').notes).toEqual([])
    expect(card('deploy api ref=v2.3!').notes).toEqual(['Git ref: used “v2.3”; “!” at its end was left out'])
  })

  it('says when a choice is corrected to the closest option', () => {
    expect(card('deploy web service=wrker').notes).toEqual(['Service: “wrker” read as “worker”, the closest option'])
  })
})
