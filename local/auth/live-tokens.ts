/**
 * Whether a verified token still belongs to a signed-in user: its user must exist and, when it
 * names a session, so must that session. The check is `local_auth.token_problem` (bootstrap.sql);
 * REST runs it in each request's own transaction, Realtime at join, at a new access_token and
 * once per batch of changes. Tokens without `sub` (the anon and service_role keys) always pass.
 */
import type { Database, JwtClaims } from '../db/database.ts'

/** The reason the token's user or session is gone, or undefined while it is signed in. */
export async function tokenProblem(db: Database, claims: JwtClaims): Promise<string | undefined> {
  if (claims.sub === undefined) return undefined
  const { rows } = await db.query<{ problem: string | null }>('select local_auth.token_problem($1::jsonb) as problem', [
    JSON.stringify(claims),
  ])
  return rows[0]?.problem ?? undefined
}

/** The same check for many tokens in one query: the problem of each ended one, by its index in `claims`. */
export async function tokenProblems(db: Database, claims: JwtClaims[]): Promise<Map<number, string>> {
  const ended = new Map<number, string>()
  const checked = claims.flatMap((c, index) => (c.sub === undefined ? [] : [{ index, claims: c }]))
  if (checked.length === 0) return ended
  const { rows } = await db.query<{ index: number; problem: string }>(
    `select k.index, p.problem from jsonb_to_recordset($1::jsonb) as k(index int, claims jsonb)
     cross join lateral (select local_auth.token_problem(k.claims) as problem) p where p.problem is not null`,
    [JSON.stringify(checked)],
  )
  for (const row of rows) ended.set(row.index, row.problem)
  return ended
}
