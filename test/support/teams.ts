/**
 * The team fixture: workspace W with one member per role, and a second workspace whose only member
 * (its admin) is the outsider — a signed-in user who belongs somewhere, just not to W. Both are
 * made the way people make them (ops.create_workspace, then invites), so they start with what a
 * user's would have: an audit trail, a protected production environment, the starter templates.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { Database, JwtClaims } from '../../local/db/database.ts'
import { ENVIRONMENT_GATE_STEP, WORKSPACE_ROLES } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { anonClaims, as, createUser, serviceClaims, userClaims } from './actors.ts'
import { addMember, createTeam } from './workspaces.ts'
import { migratedDatabase, type Engine, type TestDatabase } from './databases.ts'

/** Everyone the permission tests act as, in the order of the tables that show the outcomes. */
export const ACTORS = ['outsider', ...WORKSPACE_ROLES, 'anon', 'service_role'] as const
type Actor = (typeof ACTORS)[number]
export type Person = Exclude<Actor, 'anon' | 'service_role'>

/** A template small enough to read in a failure message; the database never parses it. */
export function templateYaml(title: string, extra = ''): string {
  return `version: 1\nkind: custom\ntitle: ${title}\nsteps:\n  - id: pause\n    title: Pause\n    kind: wait\n    with: { duration: 1s }\n${extra}`
}

export interface Team {
  db: Database
  users: Record<Person, string>
  /** Workspace W: one member per role. */
  workspace: string
  /** The outsider's own workspace. */
  other: string
  claims(actor: Actor): JwtClaims
  /** Runs `sql` as `actor` and keeps its effect; throws on refusal (fixture steps must work). */
  as<Row = Record<string, unknown>>(actor: Actor, sql: string, params?: unknown[]): Promise<Row[]>
}

export interface TeamOptions {
  /** Users a caller brings (for example ones signed up through the local stack's Auth); the rest are created. */
  users?: Partial<Record<Person, string>>
  /** The domain of the created users' emails, so several teams can share one database. */
  domain?: string
}

/** Makes W and the outsider's workspace; created users are `viewer@<domain>` and so on. */
export async function createTeamFixture(db: Database, options: TeamOptions = {}): Promise<Team> {
  const ids = {} as Record<Person, string>
  for (const person of ['outsider', ...WORKSPACE_ROLES] as const) {
    ids[person] = options.users?.[person] ?? (await createUser(db, `${person}@${options.domain ?? 'example.com'}`))
  }
  const claims = (actor: Actor): JwtClaims =>
    actor === 'anon' ? anonClaims : actor === 'service_role' ? serviceClaims : userClaims(ids[actor])
  const run = <Row = Record<string, unknown>>(actor: Actor, sql: string, params: unknown[] = []) => as<Row>(db, claims(actor), sql, params)

  const workspace = await createTeam(db, ids.admin, 'W')
  for (const role of ['viewer', 'operator', 'approver'] as const) await addMember(db, workspace, ids.admin, ids[role], role)
  const other = await createTeam(db, ids.outsider, 'Other')
  return { db, users: ids, workspace, other, claims, as: run }
}

export interface RunFields {
  env?: string
  title?: string
  status?: 'queued' | 'success'
  templateSlug?: string
}

/** A run of `workspace` started by `starter`, written as the table owner (the insert trigger still pins its template). */
export async function startRun(db: Database, workspace: string, starter: string, fields: RunFields = {}): Promise<string> {
  const finished = fields.status === 'success'
  const { rows } = await db.query<{ id: string }>(
    `insert into ops.runs (workspace_id, created_by, template_slug, kind, env, title, status, finished_at)
     values ($1, $2, $3, 'custom', $4, $5, $6, case when $7 then now() end) returning id`,
    [workspace, starter, fields.templateSlug ?? null, fields.env ?? 'staging', fields.title ?? 'Run', fields.status ?? 'queued', finished],
  )
  return rows[0].id
}

/** Claims the run as an executor would and parks it at the protected-environment gate. */
export async function parkAtGate(db: Database, runId: string, step = ENVIRONMENT_GATE_STEP): Promise<void> {
  await as(db, serviceClaims, "select id from ops.claim_run('test-executor', $1)", [runId])
  await as(db, serviceClaims, "select id from ops.await_approval($1, 'test-executor', $2)", [runId, step])
}

/** Appends one event the way the executor's append does: the next seq, and last_seq with it. */
export async function addEvent(db: Database, runId: string, message: string): Promise<void> {
  await db.query(
    `with r as (update ops.runs set last_seq = last_seq + 1 where id = $1 returning last_seq)
     insert into ops.run_events (run_id, seq, message) select $1, last_seq, $2 from r`,
    [runId, message],
  )
}

/** Saves a template as the workspace's admin through ops.save_template; returns its row. */
export async function saveTemplate(
  team: Team,
  by: Person,
  workspace: string,
  slug: string,
  yaml: string,
  expectedVersion: number | null = null,
): Promise<{ id: string; version: number; revision_id: string }> {
  const [row] = await team.as<{ id: string; version: number; revision_id: string }>(
    by,
    'select id, version, revision_id from ops.save_template($1, $2, $3, $4, $5)',
    [workspace, slug, yaml, expectedVersion, slug],
  )
  return row
}

/** The hex sha256 of a text's UTF-8 bytes, computed outside the database that stores it. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export interface Refusal {
  code: string
  message: string
  detail?: string
}

/** Runs `sql` as `claims` expecting an error, rolled back; returns the error's code, message and detail. */
export async function refusal(db: Database, claims: JwtClaims, sql: string, params: unknown[] = []): Promise<Refusal | 'allowed'> {
  try {
    await db.asRole(claims, async (tx) => {
      await tx.query(sql, params)
      throw new Allowed()
    })
  } catch (error) {
    if (error instanceof Allowed) return 'allowed'
    const e = error as { code?: string; message: string; detail?: string }
    if (!e.code) throw error
    return { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) }
  }
  return 'allowed'
}

class Allowed extends Error {}

export interface FreshTeam {
  test: TestDatabase
  team: Team
  /** The team's e-mail domain, for people added in the test. */
  domain: string
}

/** One database for the file, and in it a new team for each test (each with its own domain). */
export function freshTeamEachTest(engine: Engine, use: (fresh: FreshTeam) => void): void {
  let test: TestDatabase
  let teams = 0
  beforeAll(async () => {
    test = await migratedDatabase(engine)
  })
  afterAll(() => test.drop())
  beforeEach(async () => {
    const domain = `team${++teams}.example.com`
    use({ test, domain, team: await createTeamFixture(test.db, { domain }) })
  })
}
