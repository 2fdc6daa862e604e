/** How each run status reads: a word and a symbol as well as a colour, so colour is never alone. */
import { TERMINAL_STATUSES, type RunStatus } from '../../client/types.ts'

export interface StatusView {
  label: string
  symbol: string
  /** Modifier for the badge's colour. */
  tone: 'neutral' | 'active' | 'attention' | 'success' | 'danger' | 'muted'
}

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting_approval', 'success', 'error', 'canceled']

const VIEWS: Record<RunStatus, StatusView> = {
  queued: { label: 'Queued', symbol: '○', tone: 'neutral' },
  running: { label: 'Running', symbol: '▶', tone: 'active' },
  waiting_approval: { label: 'Waiting for approval', symbol: '‖', tone: 'attention' },
  success: { label: 'Succeeded', symbol: '✓', tone: 'success' },
  error: { label: 'Failed', symbol: '✕', tone: 'danger' },
  canceled: { label: 'Canceled', symbol: '⊘', tone: 'muted' },
}

export function statusView(status: string): StatusView {
  return (VIEWS as Record<string, StatusView>)[status] ?? { label: status, symbol: '?', tone: 'neutral' }
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status)
}
