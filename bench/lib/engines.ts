/** A migrated database and a local stack per benchmark, on PGlite or on the DATABASE_URL server. */
import { openDatabase } from '../../local/db/open.ts'
import { migrate } from '../../local/db/migrate.ts'
import { createFreshDatabase } from '../../local/db/fresh.ts'
import type { Database } from '../../local/db/database.ts'
import { startStack, type Stack, type StackOptions } from '../../local/stack.ts'

export type Engine = 'pglite' | 'postgres'

export const engines = (): Engine[] => (process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'])

export async function withDatabase<T>(engine: Engine, work: (db: Database, url?: string) => Promise<T>): Promise<T> {
  if (engine === 'pglite') {
    const db = await openDatabase()
    try {
      await migrate(db)
      return await work(db)
    } finally {
      await db.close()
    }
  }
  const fresh = await createFreshDatabase(process.env.DATABASE_URL!, 'ops_bench')
  const db = await openDatabase({ url: fresh.url })
  try {
    await migrate(db)
    return await work(db, fresh.url)
  } finally {
    await db.close()
    await fresh.drop()
  }
}

export function withStack<T>(engine: Engine, work: (stack: Stack) => Promise<T>, options: Partial<StackOptions> = {}): Promise<T> {
  return withDatabase(engine, async (db) => {
    // Functions in-process unless a scenario asks for Deno workers (edge-limits does).
    const stack = await startStack({ functionsRuntime: 'node', ...options, db, port: 0 })
    try {
      return await work(stack)
    } finally {
      await stack.close()
    }
  })
}
