/**
 * Where the user is in the plugin: a tab, a run's log opened over it, the settings opened over
 * both. Pure, so the decisions (what closes what, what shows first) are tested without a browser.
 */
import type { RunStreamHandle } from '../../client/types.ts'
import type { SessionState } from '../hooks/use-session.ts'
import type { Tab } from './tabs.tsx'

interface OpenRun {
  runId: string
  /** The stream a just-started run was subscribed with, so no line is missed; null to open afresh. */
  stream: RunStreamHandle | null
  /** The log line a link named: the log opens scrolled to it. */
  seq?: number | null
}

/** The team's views the header opens over the tabs: members and workspaces, and the approvals inbox. */
export type TeamPanel = 'team' | 'inbox'

export interface Navigation {
  tab: Tab
  run: OpenRun | null
  settings: boolean
  /** A team view over the tab; a run opened from it shows over it, and Back returns to it. */
  panel?: TeamPanel
}

export type NavigationAction =
  | { type: 'select-tab'; tab: Tab }
  | { type: 'open-run'; runId: string; stream: RunStreamHandle | null; seq?: number | null }
  | { type: 'close-run' }
  | { type: 'open-settings' }
  | { type: 'toggle-settings' }
  | { type: 'close-settings' }
  | { type: 'settings-saved' }
  | { type: 'open-panel'; panel: TeamPanel }
  | { type: 'close-panel' }

/** What fills the space under the bar, in the order it wins. */
export type Screen =
  | { kind: 'settings' }
  | { kind: 'restoring-session' }
  | { kind: 'sign-in' }
  | { kind: 'run'; run: OpenRun }
  | { kind: 'panel'; panel: TeamPanel }
  | { kind: 'tab'; tab: Tab }

/** The plugin opens on `tab`, or on the run it was relaunched for from a board card. */
export function initialNavigation(tab: Tab, relaunchRunId: string | null): Navigation {
  return { tab, run: relaunchRunId === null ? null : { runId: relaunchRunId, stream: null }, settings: false }
}

export function navigate(state: Navigation, action: NavigationAction): Navigation {
  switch (action.type) {
    case 'select-tab':
      return { tab: action.tab, run: null, settings: false }
    case 'open-run':
      return {
        ...state,
        run: {
          runId: action.runId,
          stream: action.stream,
          ...(action.seq === undefined || action.seq === null ? {} : { seq: action.seq }),
        },
      }
    case 'close-run':
      return { ...state, run: null }
    case 'open-settings':
      return { ...state, settings: true }
    case 'toggle-settings':
      return { ...state, settings: !state.settings }
    case 'close-settings':
      return { ...state, settings: false }
    case 'settings-saved':
      // The open run belongs to the old project; the new settings may name another one.
      return { ...state, run: null, settings: false, panel: undefined }
    case 'open-panel':
      return { ...state, run: null, settings: false, panel: action.panel }
    case 'close-panel':
      return { ...state, panel: undefined }
  }
}

/** The settings can always be reached (a wrong URL must be fixable); a run or tab needs a user. */
export function screenOf(state: Navigation, session: SessionState['status']): Screen {
  if (state.settings) return { kind: 'settings' }
  if (session === 'loading') return { kind: 'restoring-session' }
  if (session === 'signed-out') return { kind: 'sign-in' }
  if (state.run !== null) return { kind: 'run', run: state.run }
  if (state.panel !== undefined) return { kind: 'panel', panel: state.panel }
  return { kind: 'tab', tab: state.tab }
}

/** The tab the bar marks: none while the settings cover it. */
export function selectedTab(state: Navigation): Tab | null {
  return state.settings ? null : state.tab
}
