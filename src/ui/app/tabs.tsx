import { h, type JSX } from 'preact'
import type { RunHistoryHandle } from '../../client/run-history.ts'
import type { NewRun, RunRow } from '../../client/types.ts'
import type { TabOption } from '../components/tab-bar/tab-bar.tsx'
import { AuditTab } from '../tabs/audit-tab/audit-tab.tsx'
import { ChatTab } from '../tabs/chat-tab/chat-tab.tsx'
import { RunsTab } from '../tabs/runs-tab/runs-tab.tsx'
import { SpecKitTab } from '../tabs/spec-kit-tab/spec-kit-tab.tsx'
import { TemplatesTab } from '../tabs/templates-tab/templates-tab.tsx'
import type { CatalogEntry } from '../view-models/template-catalog.ts'

/** What the shell holds for every tab while a user is signed in; each tab takes what it needs. */
export interface TabScope {
  /** The runbook templates; empty while they load. */
  catalog: readonly CatalogEntry[]
  /** Lists the templates again (after a template was saved). */
  reloadTemplates: () => void
  /** The user's runs, live, kept open while the plugin is. */
  history: RunHistoryHandle
  /** Starts a run and opens its log. */
  startRun: (run: NewRun) => Promise<void>
  /** Opens a run's log, scrolled to a line when one is given (a link to it). */
  openRun: (runId: string, seq?: number | null) => void
  addToBoard: (run: RunRow) => void
  /** The signed-in person. */
  userId: string | null
  /** Members of the current workspace by user id. */
  names: ReadonlyMap<string, string>
}

interface TabDefinition extends TabOption<string> {
  render: (scope: TabScope) => JSX.Element
}

/**
 * The plugin's tabs, in the bar's order; the plugin opens on the first. Adding a tab is adding an
 * entry here: the bar, the panel and the `Tab` type all follow.
 */
export const TABS = [
  {
    value: 'chat',
    label: 'Chat',
    render: ({ catalog, startRun }) => <ChatTab catalog={catalog} onStartRun={startRun} />,
  },
  {
    value: 'templates',
    label: 'Templates',
    render: ({ catalog, startRun, reloadTemplates }) => (
      <TemplatesTab catalog={catalog} onStartRun={startRun} onTemplatesChanged={reloadTemplates} />
    ),
  },
  {
    value: 'runs',
    label: 'Runs',
    render: ({ catalog, history, openRun, addToBoard, userId, names }) => (
      <RunsTab history={history} onOpenRun={openRun} onAddToBoard={addToBoard} catalog={catalog} userId={userId} names={names} />
    ),
  },
  {
    value: 'spec-kit',
    label: 'Spec Kit',
    render: () => <SpecKitTab />,
  },
  {
    value: 'audit',
    label: 'Audit',
    render: () => <AuditTab />,
  },
] as const satisfies readonly TabDefinition[]

export type Tab = (typeof TABS)[number]['value']

export function tabDefinition(tab: Tab): TabDefinition {
  const found = TABS.find((definition) => definition.value === tab)
  if (found === undefined) throw new Error(`No tab "${tab}" in TABS`)
  return found
}
