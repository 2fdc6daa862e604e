/**
 * What a run card draws, as a pure function of its synced state and the clock: rendering must be
 * a function of synced state alone, since every viewer renders the same card.
 */
import type { RunStatus } from '../../../src/client/types.ts'
import type { RunSnapshot } from './snapshot.ts'

export interface Badge {
  label: string
  /** Background and text colours, with enough contrast to read on the board. */
  fill: string
  text: string
}

export const STATUS_BADGES: Record<RunStatus, Badge> = {
  queued: { label: 'Queued', fill: '#E6E6E6', text: '#333333' },
  running: { label: 'Running', fill: '#0D99FF', text: '#FFFFFF' },
  waiting_approval: { label: 'Needs approval', fill: '#FFC700', text: '#2B2100' },
  success: { label: 'Succeeded', fill: '#14AE5C', text: '#FFFFFF' },
  error: { label: 'Failed', fill: '#F24822', text: '#FFFFFF' },
  canceled: { label: 'Canceled', fill: '#757575', text: '#FFFFFF' },
}

export interface CardView {
  title: string
  subtitle: string
  badge: Badge
  progress: string
  duration: string
  lines: { text: string; color: string }[]
  artifacts: { title: string; url: string | null }[]
  moreArtifacts: number
  footer: string
  outcome: string | null
}

export interface CardContext {
  now: number
  /** Who picked or started the run, as Figma shows them. */
  startedBy: string | null
}

const TITLE_MAX = 60
const LINE_COLORS = { debug: '#8C8C8C', info: '#333333', warn: '#B86200', error: '#D6321A' } as const
const SHOWN_ARTIFACTS = 3

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  const seconds = Math.floor(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`
}

export function formatAgo(ms: number): string {
  if (ms < 5_000) return 'just now'
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s ago`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m ago`
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h ago`
  return `${Math.floor(ms / 86_400_000)}d ago`
}

function clock(iso: string): string {
  const date = new Date(iso)
  return `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')} UTC`
}

export function cardView(snapshot: RunSnapshot, context: CardContext): CardView {
  const title = snapshot.title.length > TITLE_MAX ? `${snapshot.title.slice(0, TITLE_MAX - 1)}…` : snapshot.title
  const started = snapshot.startedAt ? Date.parse(snapshot.startedAt) : null
  const ended = snapshot.finishedAt ? Date.parse(snapshot.finishedAt) : null
  const duration = started === null ? 'not started' : formatDuration((ended ?? context.now) - started)
  const total = snapshot.steps.length
  const current = snapshot.steps.find((step) => step.id === snapshot.currentStep)
  const progress =
    total === 0 ? 'No plan yet' : `${snapshot.done} of ${total} steps${current && snapshot.done < total ? ` · ${current.title}` : ''}`
  const who = context.startedBy ? `Started by ${context.startedBy}` : 'Started'
  const live = snapshot.driver ? ` · live via ${snapshot.driver}` : ''
  return {
    title,
    subtitle: [snapshot.templateSlug ?? 'custom', snapshot.env].join(' · '),
    badge: STATUS_BADGES[snapshot.status],
    progress,
    duration,
    lines:
      snapshot.lines.length > 0
        ? snapshot.lines.map((line) => ({ text: line.text, color: LINE_COLORS[line.level] }))
        : [{ text: 'No log lines yet', color: LINE_COLORS.debug }],
    artifacts: snapshot.artifacts.slice(0, SHOWN_ARTIFACTS).map((artifact) => ({ title: artifact.title, url: artifact.url })),
    moreArtifacts: Math.max(0, snapshot.artifactCount - SHOWN_ARTIFACTS),
    footer: `${who} ${clock(snapshot.createdAt)} · updated ${formatAgo(context.now - snapshot.syncedAt)}${live}`,
    outcome: snapshot.status === 'error' ? snapshot.error : snapshot.summary,
  }
}
