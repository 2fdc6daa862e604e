/**
 * Everything the UI talks to for one set of settings: the supabase-js client (its session kept by
 * the main thread), the ops API, the connection monitor and run streams. Made again when the
 * settings change; `dispose` closes what the old one opened.
 */
import { createOpsApi } from '../../client/api.ts'
import { createConnectionMonitor, type ConnectionMonitor } from '../../client/connection.ts'
import { openRunHistory, type RunHistoryHandle } from '../../client/run-history.ts'
import { openRunStream } from '../../client/run-stream.ts'
import { createMessageStorage, type StoragePort } from '../../client/storage.ts'
import { createOpsClient, type OpsClient } from '../../client/supabase.ts'
import { createTemplateEditing, type TemplateEditing } from '../../client/template-editing.ts'
import { createTeamApi, type TeamApi } from '../../client/team-api.ts'
import { rememberedWorkspace, type WorkspaceChoice } from '../../client/workspace-choice.ts'
import type { OpsApi, RunStreamHandle, Settings } from '../../client/types.ts'
import { pluginStoragePort } from '../../client/ui-port.ts'
import { createWorkspaceGovernance, type WorkspaceGovernance } from '../../client/workspace-governance.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

export interface OpsServices {
  settings: Settings
  client: OpsClient
  api: OpsApi
  /** Template saves and revisions in the API's current workspace. */
  templates: TemplateEditing
  /** Roles, environments, secret bindings and the audit trail of the API's current workspace. */
  governance: WorkspaceGovernance
  /** The current workspace, as the switcher last chose it (remembered per person). */
  workspace: WorkspaceChoice
  /** Workspaces, members, invites, and who did what to a run. */
  team: TeamApi
  connection: ConnectionMonitor
  openRunStream(runId: string): RunStreamHandle
  /** The signed-in user's recent runs, live. */
  openRunHistory(): RunHistoryHandle
  dispose(): void
}

/** `storagePort` reaches whoever keeps the session: the plugin's main thread, or the widget's code. */
export function createOpsServices(settings: Settings, storagePort: StoragePort = pluginStoragePort()): OpsServices {
  const storage = createMessageStorage(storagePort)
  const client = createOpsClient(settings, storage)
  const workspace = rememberedWorkspace(client, storage)
  const api = createOpsApi(client, workspace)
  // Made on first use: it checks at once and then periodically, which only the plugin's banner needs
  // (the widget's hidden windows never show it).
  let connection: ConnectionMonitor | null = null
  return {
    settings,
    client,
    api,
    workspace,
    team: createTeamApi(client),
    templates: createTemplateEditing(client, workspace),
    governance: createWorkspaceGovernance(client, workspace),
    get connection() {
      return (connection ??= createConnectionMonitor(settings))
    },
    openRunStream: (runId) => openRunStream(client, api, runId),
    openRunHistory: () => openRunHistory(client, api),
    dispose() {
      connection?.close()
      // Nobody waits for the old project's socket to close; a failure to close it is only logged.
      Promise.all([client.removeAllChannels(), client.realtime.disconnect()]).catch((error: unknown) => {
        console.warn(`[ops-control-room] could not close the previous realtime connection: ${errorMessage(error)}`)
      })
      storage.dispose()
    },
  }
}
