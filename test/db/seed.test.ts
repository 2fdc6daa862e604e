import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { as, createUser, userClaims } from '../support/actors.ts'

const specDir = new URL('../../spec/continue-orchestrator/', import.meta.url)
const templateDir = new URL('../../supabase/templates/', import.meta.url)

describe.each(engines)('seed data on %s', (engine) => {
  let test: TestDatabase
  let user: string
  beforeAll(async () => {
    test = await migratedDatabase(engine)
    user = await createUser(test.db, 'seed@example.com')
  })
  afterAll(() => test.drop())

  it('has the deploy and incident templates, equal to the files in supabase/templates', async () => {
    const rows = await as<{ slug: string; kind: string; template_yaml: string }>(
      test.db,
      userClaims(user),
      'select slug, kind, template_yaml from ops.run_templates order by slug',
    )
    expect(rows.map((row) => [row.slug, row.kind])).toEqual([
      ['deploy-web', 'deploy'],
      ['incident-open', 'incident'],
    ])
    for (const row of rows) {
      expect(row.template_yaml).toBe(await readFile(new URL(`${row.slug}.yaml`, templateDir), 'utf8'))
    }
  })

  it('has the four Spec Kit documents, equal to the files in spec/continue-orchestrator', async () => {
    const rows = await as<{ slug: string; title: string; content: string; version: number }>(
      test.db,
      userClaims(user),
      'select slug, title, content, version from ops.spec_docs order by slug',
    )
    expect(rows.map((row) => [row.slug, row.title])).toEqual([
      ['continue-orchestrator/constitution', 'constitution.md'],
      ['continue-orchestrator/plan', 'plan.md'],
      ['continue-orchestrator/prd', 'prd.md'],
      ['continue-orchestrator/tasks', 'tasks.md'],
    ])
    for (const row of rows) {
      expect(row.content).toBe(await readFile(new URL(row.title, specDir), 'utf8'))
      expect(row.version).toBe(1)
    }
  })
})
