/**
 * The vocabulary's lists are the database's: each equals the values its check constraint allows,
 * read from a database migrated the normal way (so a later migration that changes a check shows up).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVENT_LEVELS, roleAtLeast, RUN_PHASES, RUN_STATUSES, WORKSPACE_ROLES } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { SPEC_DOC_KINDS, SPEC_PROPOSAL_STATUSES } from '../../supabase/functions/_shared/vocabulary/spec-documents.ts'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'

describe.each(engines)('the vocabulary and the schema on %s', (engine) => {
  let test: TestDatabase
  beforeAll(async () => {
    test = await migratedDatabase(engine)
  })
  afterAll(() => test.drop())

  /** The string literals of a check constraint such as `status in ('a', 'b')`, in order. */
  async function allowedValues(table: string, constraint: string): Promise<string[]> {
    const { rows } = await test.db.query<{ definition: string }>(
      `select pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = $1::regclass and conname = $2 and contype = 'c'`,
      [table, constraint],
    )
    expect(rows, `${table} has a check named ${constraint}`).toHaveLength(1)
    return [...rows[0].definition.matchAll(/'((?:[^']|'')*)'/g)].map((match) => match[1].replaceAll("''", "'"))
  }

  it.each([
    { name: 'run statuses', table: 'ops.runs', constraint: 'runs_status_valid', values: RUN_STATUSES },
    { name: 'run phases', table: 'ops.run_events', constraint: 'run_events_phase_valid', values: RUN_PHASES },
    { name: 'event levels', table: 'ops.run_events', constraint: 'run_events_level_valid', values: EVENT_LEVELS },
    { name: 'workspace roles', table: 'ops.workspace_members', constraint: 'workspace_members_role_valid', values: WORKSPACE_ROLES },
    { name: 'spec document kinds', table: 'ops.spec_docs', constraint: 'spec_docs_kind_valid', values: SPEC_DOC_KINDS },
    {
      name: 'spec proposal statuses',
      table: 'ops.spec_proposals',
      constraint: 'spec_proposals_status_valid',
      values: SPEC_PROPOSAL_STATUSES,
    },
  ])('$name are exactly what $constraint allows, in order', async ({ table, constraint, values }) => {
    expect(await allowedValues(table, constraint)).toEqual([...values])
  })

  it('orders the roles as ops.role_rank does, which every permission check compares', async () => {
    for (const role of WORKSPACE_ROLES) {
      for (const min of WORKSPACE_ROLES) {
        const { rows } = await test.db.query<{ ok: boolean }>('select ops.role_rank($1) >= ops.role_rank($2) as ok', [role, min])
        expect(rows[0].ok, `${role} at least ${min}`).toBe(roleAtLeast(role, min))
      }
    }
  })
})
