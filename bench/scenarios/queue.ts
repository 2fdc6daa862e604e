/**
 * The queue: 10,000 queued runs and 8 concurrent claimers, each claiming a run with
 * ops.claim_run and finishing it with ops.finish_run (two statements per run, as a worker does).
 * Reported: runs/s and double claims (must be 0). The peer is graphile-worker with the same
 * concurrency on the same Postgres server (get job + complete job per job).
 */
import { Logger, makeWorkerUtils, run as runGraphileWorker } from 'graphile-worker'
import pg from 'pg'
import type { Database } from '../../local/db/database.ts'
import { withDatabase, engines, type Engine } from '../lib/engines.ts'
import { perSecond } from '../lib/stats.ts'

const WORKERS = 8

export interface QueueResult {
  engine: Engine
  runs: number
  workers: number
  ops_runs_per_s: number
  double_claims: number
  graphile_worker_jobs_per_s: number | null
  graphile_worker_double_runs: number | null
  ratio: number | null
}

async function seedRuns(db: Database, count: number): Promise<void> {
  const { rows } = await db.query<{ id: string }>("insert into auth.users (email) values ('queue@bench') returning id")
  await db.query(
    `insert into ops.runs (created_by, template_slug, kind, env, title, created_at)
     select $1, 'deploy-web', 'deploy', 'staging', 'run ' || n, now() - make_interval(secs => $2 - n)
     from generate_series(1, $2) as n`,
    [rows[0].id, count],
  )
  // All runs are in one workspace: the deployment lets every worker run one at once (5 by default).
  await db.asRole({ role: 'service_role' }, (tx) => tx.query('select ops.set_queue_limits($1, null)', [WORKERS]))
}

async function drainOps(db: Database, count: number): Promise<{ ms: number; doubles: number }> {
  const service = { role: 'service_role' }
  const claimed: string[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      for (;;) {
        const rows = await db.asRole(
          service,
          async (tx) => (await tx.query<{ id: string }>('select id from ops.claim_run($1)', [`w${worker}`])).rows,
        )
        if (rows.length === 0) return
        claimed.push(rows[0].id)
        await db.asRole(service, (tx) => tx.query("select ops.finish_run($1, $2, 'success', 'done')", [rows[0].id, `w${worker}`]))
      }
    }),
  )
  const ms = performance.now() - started
  if (claimed.length < count) throw new Error(`only ${claimed.length} of ${count} runs were claimed`)
  return { ms, doubles: claimed.length - new Set(claimed).size }
}

/**
 * graphile-worker gets a pool owned here: the pool it builds from a connection string is ended
 * without being awaited and loses its error handler first, so dropping the database right after
 * would crash the process on its idle connections.
 */
async function drainGraphileWorker(connectionString: string, count: number): Promise<{ ms: number; doubles: number }> {
  const pgPool = new pg.Pool({ connectionString, max: WORKERS + 2 })
  pgPool.on('error', () => {})
  try {
    return await timeGraphileWorker(pgPool, count)
  } finally {
    await pgPool.end()
  }
}

async function timeGraphileWorker(pgPool: pg.Pool, count: number): Promise<{ ms: number; doubles: number }> {
  const logger = new Logger(() => () => {})
  const utils = await makeWorkerUtils({ pgPool, logger })
  try {
    await utils.migrate()
    await utils.withPgClient((client) =>
      client.query("select graphile_worker.add_job('noop', json_build_object('n', n)) from generate_series(1, $1) as n", [count]),
    )
  } finally {
    await utils.release()
  }
  const seen: number[] = []
  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => {
    done = resolve
  })
  const started = performance.now()
  const runner = await runGraphileWorker({
    pgPool,
    concurrency: WORKERS,
    noHandleSignals: true,
    pollInterval: 100,
    logger,
    taskList: {
      noop: (payload) => {
        seen.push((payload as { n: number }).n)
        if (seen.length >= count) done()
      },
    },
  })
  await finished
  const ms = performance.now() - started
  await runner.stop()
  await runner.promise
  return { ms, doubles: seen.length - new Set(seen).size }
}

export async function queue(smoke: boolean): Promise<QueueResult[]> {
  const count = smoke ? 300 : 10_000
  const results: QueueResult[] = []
  for (const engine of engines()) {
    results.push(
      await withDatabase(engine, async (db, url) => {
        await seedRuns(db, count)
        const ours = await drainOps(db, count)
        const peer = url ? await drainGraphileWorker(url, count) : null
        const oursRate = perSecond(count, ours.ms)
        const peerRate = peer ? perSecond(count, peer.ms) : null
        return {
          engine,
          runs: count,
          workers: WORKERS,
          ops_runs_per_s: oursRate,
          double_claims: ours.doubles,
          graphile_worker_jobs_per_s: peerRate,
          graphile_worker_double_runs: peer?.doubles ?? null,
          ratio: peerRate ? Math.round((oursRate / peerRate) * 100) / 100 : null,
        }
      }),
    )
  }
  return results
}
