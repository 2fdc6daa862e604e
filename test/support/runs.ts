/** Run fixtures for database tests, written as the table owner (no RLS, no column guard). */
import type { Database } from '../../local/db/database.ts'
import type { RunRow as ApiRunRow } from '../../supabase/functions/_shared/database/index.ts'

/** Timestamp columns of `Row` as the database drivers return them: Date, where REST gives strings. */
type WithDates<Row, Timestamps extends keyof Row> = {
  [K in keyof Row]: K extends Timestamps ? (null extends Row[K] ? Date | null : Date) : Row[K]
}

/** A run as `select * from ops.runs` returns it through `Database`. */
export type RunRow = WithDates<ApiRunRow, 'created_at' | 'updated_at' | 'lease_expires_at' | 'started_at' | 'finished_at'>

export async function insertRun(
  db: Database,
  owner: string,
  fields: Partial<{ status: string; title: string; created_at: string; claimed_by: string; lease_expires_at: string }> = {},
): Promise<string> {
  const status = fields.status ?? 'queued'
  const { rows } = await db.query<{ id: string }>(
    `insert into ops.runs (created_by, template_slug, kind, env, title, status, claimed_by, lease_expires_at,
                           created_at, finished_at)
     values ($1, 'deploy-web', 'deploy', 'staging', $2, $3, $4, $5, coalesce($6::timestamptz, now()),
             case when $3 in ('success', 'error', 'canceled') then now() end)
     returning id`,
    [
      owner,
      fields.title ?? 'Deploy web to staging',
      status,
      fields.claimed_by ?? null,
      fields.lease_expires_at ?? null,
      fields.created_at ?? null,
    ],
  )
  return rows[0].id
}

export async function insertQueuedRuns(db: Database, owner: string, count: number): Promise<void> {
  await db.query(
    `insert into ops.runs (created_by, template_slug, kind, env, title, created_at)
     select $1, 'deploy-web', 'deploy', 'staging', 'Run ' || n, now() - make_interval(secs => $2 - n)
     from generate_series(1, $2) as n`,
    [owner, count],
  )
}

export async function getRun(db: Database, id: string): Promise<RunRow> {
  const { rows } = await db.query<RunRow>('select * from ops.runs where id = $1', [id])
  if (rows.length === 0) throw new Error(`run ${id} not found`)
  return rows[0]
}

export async function eventSeqs(db: Database, runId: string): Promise<number[]> {
  const { rows } = await db.query<{ seq: number }>('select seq from ops.run_events where run_id = $1 order by seq', [runId])
  return rows.map((row) => row.seq)
}
