/**
 * The workspace switcher's source of the current workspace: the one the signed-in person chose
 * last, remembered per person in the plugin's client storage (figma.clientStorage through the
 * main thread), or their personal workspace until they choose. A remembered workspace they no
 * longer belong to (removed, or another person on this computer) is forgotten, not used.
 */
import { personalWorkspace, type CurrentWorkspace } from './current-workspace.ts'
import { postgrestError } from './errors.ts'
import type { OpsClient } from './supabase.ts'

/** Where the choice is kept: the session storage adapter (storage.ts) fits. */
export interface ChoiceStore {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
}

export interface WorkspaceChoice extends CurrentWorkspace {
  /** Makes `workspaceId` current for the signed-in person and remembers it; listeners hear it. */
  choose(workspaceId: string): Promise<void>
  /** Called after every choice; returns a function that stops listening. */
  subscribe(listener: (workspaceId: string) => void): () => void
}

/** The storage key of a person's choice. */
function choiceKey(userId: string): string {
  return `ops-current-workspace:${userId}`
}

export function rememberedWorkspace(
  client: OpsClient,
  store: ChoiceStore,
  fallback: CurrentWorkspace = personalWorkspace(client),
): WorkspaceChoice {
  const known = new Map<string, Promise<string>>()
  const listeners = new Set<(workspaceId: string) => void>()

  async function userId(): Promise<string> {
    const { data } = await client.auth.getSession()
    return data.session?.user.id ?? ''
  }

  async function isMember(user: string, workspaceId: string): Promise<boolean> {
    const { data, error, status } = await client
      .from('workspace_members')
      .select('workspace_id')
      .eq('workspace_id', workspaceId)
      .eq('user_id', user)
      .maybeSingle()
    if (error) throw postgrestError('Could not open your workspace', error, status)
    return data !== null
  }

  async function restore(user: string): Promise<string> {
    // A storage that cannot be read costs the choice, not the plugin: the personal workspace opens.
    const remembered = user === '' ? null : await store.getItem(choiceKey(user)).catch(() => null)
    if (remembered !== null && remembered !== '' && (await isMember(user, remembered))) return remembered
    return fallback.id()
  }

  return {
    async id() {
      const user = await userId()
      let workspace = known.get(user)
      if (workspace === undefined) {
        workspace = restore(user)
        known.set(user, workspace)
        workspace.catch(() => known.delete(user))
      }
      return workspace
    },
    async choose(workspaceId) {
      const user = await userId()
      if (user === '') throw new Error('Sign in first: a workspace is chosen by a signed-in person')
      known.set(user, Promise.resolve(workspaceId))
      for (const listener of [...listeners]) listener(workspaceId)
      await store.setItem(choiceKey(user), workspaceId)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}
