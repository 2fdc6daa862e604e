/** Team workspaces for database tests, made the way people make them: through the SQL functions. */
import type { Database } from '../../local/db/database.ts'
import type { WorkspaceRole } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { as, userClaims } from './actors.ts'

/** A team workspace whose admin is `admin` (a user with an email). */
export async function createTeam(db: Database, admin: string, name = 'Team'): Promise<string> {
  const [row] = await as<{ id: string }>(db, userClaims(admin), 'select id from ops.create_workspace($1)', [name])
  return row.id
}

/** Adds `user` to `workspace` with `role`: `admin` invites, `user` accepts the code. */
export async function addMember(db: Database, workspace: string, admin: string, user: string, role: WorkspaceRole): Promise<void> {
  const [invite] = await as<{ code: string }>(db, userClaims(admin), 'select code from ops.create_invite($1, $2)', [workspace, role])
  await as(db, userClaims(user), 'select ops.accept_invite($1)', [invite.code])
}

/** The personal workspace of `user`. */
export async function personalWorkspace(db: Database, user: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('select id from ops.workspaces where personal_for = $1', [user])
  return rows[0].id
}
