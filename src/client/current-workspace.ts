/**
 * The workspace the plugin works in: the one place that says which it is. Until a workspace
 * switcher exists it is the signed-in person's personal workspace (made on first use by
 * ops.ensure_personal_workspace); a switcher replaces this source and nothing else.
 */
import { postgrestError } from './errors.ts'
import type { OpsClient } from './supabase.ts'

export interface CurrentWorkspace {
  /** The current workspace's id, for the signed-in person. */
  id(): Promise<string>
}

/**
 * The caller's personal workspace, asked for once per signed-in person: one client may see
 * several people sign in and out, and each has their own. A failed ask is asked again next time.
 */
export function personalWorkspace(client: OpsClient): CurrentWorkspace {
  const known = new Map<string, Promise<string>>()
  return {
    async id() {
      const { data } = await client.auth.getSession()
      const userId = data.session?.user.id ?? ''
      let workspace = known.get(userId)
      if (workspace === undefined) {
        workspace = ensurePersonalWorkspace(client)
        known.set(userId, workspace)
        workspace.catch(() => known.delete(userId))
      }
      return workspace
    },
  }
}

async function ensurePersonalWorkspace(client: OpsClient): Promise<string> {
  const { data, error, status } = await client.rpc('ensure_personal_workspace')
  if (error) throw postgrestError('Could not open your workspace', error, status)
  return data
}
