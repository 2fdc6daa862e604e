/**
 * The deployment settings of the local stack, which differ from a hosted project's defaults on
 * purpose: a newcomer signs in as a guest and can try everything, team workspaces included.
 * Written as the service role would on a hosted project (ops.set_anonymous_workspaces).
 */
import type { Database } from './database.ts'

export async function applyLocalSettings(db: Database): Promise<void> {
  await db.query('select ops.set_anonymous_workspaces(true)')
}
