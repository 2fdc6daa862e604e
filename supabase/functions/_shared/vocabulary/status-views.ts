/**
 * How each run status reads and looks wherever it is shown: the plugin's badge, the card the
 * plugin drops on the canvas, the widget's card and the executor's summary. Every colour comes
 * with a word (and, in the plugin, a symbol), so colour is never the only signal.
 */
import { isRunStatus, type RunStatus } from './run-status.ts'

/** The kind of attention a status asks for; the plugin styles the badge's shape by it. */
type StatusTone = 'neutral' | 'active' | 'attention' | 'success' | 'dry' | 'danger' | 'muted'

export interface StatusView {
  label: string
  symbol: string
  tone: StatusTone
  /** Badge background. */
  fill: string
  /** Badge text on `fill`, at least 4.5:1 against it (WCAG AA for small text). */
  text: string
  /** The status colour on white, e.g. a card's outline. */
  accent: string
}

export const STATUS_VIEWS: Readonly<Record<RunStatus, StatusView>> = {
  queued: { label: 'Queued', symbol: '○', tone: 'neutral', fill: '#EBEBEB', text: '#3D3D3D', accent: '#8C8C8C' },
  running: { label: 'Running', symbol: '▶', tone: 'active', fill: '#E5F4FF', text: '#0B5CAD', accent: '#0D99FF' },
  waiting_approval: {
    label: 'Waiting for approval',
    symbol: '‖',
    tone: 'attention',
    fill: '#FFF1C2',
    text: '#704A00',
    accent: '#FFA629',
  },
  success: { label: 'Succeeded', symbol: '✓', tone: 'success', fill: '#DCF5E6', text: '#0A6B38', accent: '#14AE5C' },
  error: { label: 'Failed', symbol: '✕', tone: 'danger', fill: '#FFE2DC', text: '#A82D12', accent: '#F24822' },
  canceled: { label: 'Canceled', symbol: '⊘', tone: 'muted', fill: '#F5F5F5', text: '#5C5C5C', accent: '#757575' },
}

/** A status this build does not know (a newer database) still reads as its own name. */
export function statusView(status: string): StatusView {
  return isRunStatus(status) ? STATUS_VIEWS[status] : { ...STATUS_VIEWS.queued, label: status, symbol: '?' }
}
