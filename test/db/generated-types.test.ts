/**
 * The checked-in database types are what `npm run gen:types` writes for today's migrations: the
 * real Supabase CLI generates them again from a fresh database and the two texts must be equal.
 * PGlite (served on a loopback port) and Postgres both give the same text, so either may regenerate.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateTypes, TYPES_FILE } from '../../local/db/gen-types.ts'
import { MIGRATIONS_DIR } from '../../local/db/migrate.ts'
import type { ServedDatabase } from '../../local/db/served.ts'
import { engines, servedDatabase } from '../support/databases.ts'

describe.each(engines)('generated database types on %s', (engine) => {
  let served: ServedDatabase | undefined
  let scratch: string | undefined
  afterEach(async () => {
    await served?.close()
    served = undefined
    if (scratch) await rm(scratch, { recursive: true, force: true })
    scratch = undefined
  })

  it('equal the checked-in supabase/functions/_shared/database/database.types.ts', async () => {
    served = await servedDatabase(engine)
    const generated = await generateTypes(served)
    expect(generated, 'the types are stale: run `npm run gen:types` and commit the file').toBe(await readFile(TYPES_FILE, 'utf8'))
  }, 120_000)

  it('differ from the checked-in file after a migration that adds a column', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ops-types-'))
    await cp(MIGRATIONS_DIR, scratch, { recursive: true })
    await writeFile(join(scratch, '20991231000000_probe.sql'), 'alter table ops.run_events add column probe_note text;')
    served = await servedDatabase(engine)
    const generated = await generateTypes(served, scratch)
    const checkedIn = await readFile(TYPES_FILE, 'utf8')
    expect(checkedIn).not.toContain('probe_note')
    // Row, Insert and Update of the table each gain it.
    expect(generated.match(/probe_note\??: string \| null/g)).toHaveLength(3)
    expect(generated).not.toBe(checkedIn)
  }, 120_000)
})
