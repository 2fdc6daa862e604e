/**
 * What a run card draws, as a pure function of its synced state and the clock: rendering must be
 * a function of synced state alone, since every viewer renders the same card.
 */
import type { RunStatus } from '../../../src/client/types.ts'
import {
  formatAgo,
  formatRunDuration,
  formatUtcTime,
  STATUS_VIEWS,
  statusView,
} from '../../../supabase/functions/_shared/vocabulary/index.ts'
import type { RunSnapshot } from './snapshot.ts'

export interface Badge {
  label: string
  /** Background and text colours, with enough contrast to read on the board. */
  fill: string
  text: string
}

/** Every status's badge, as the vocabulary defines it (the run picker lists them too). */
export const STATUS_BADGES: Readonly<Record<RunStatus, Badge>> = STATUS_VIEWS

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

export function cardView(snapshot: RunSnapshot, context: CardContext): CardView {
  const title = snapshot.title.length > TITLE_MAX ? `${snapshot.title.slice(0, TITLE_MAX - 1)}…` : snapshot.title
  const duration = formatRunDuration(snapshot.startedAt, snapshot.finishedAt, context.now)
  const total = snapshot.steps.length
  const current = snapshot.steps.find((step) => step.id === snapshot.currentStep)
  const progress =
    total === 0 ? 'No plan yet' : `${snapshot.done} of ${total} steps${current && snapshot.done < total ? ` · ${current.title}` : ''}`
  const who = context.startedBy ? `Started by ${context.startedBy}` : 'Started'
  const live = snapshot.driver ? ` · live via ${snapshot.driver}` : ''
  return {
    title,
    subtitle: [snapshot.templateSlug ?? 'custom', snapshot.env].join(' · '),
    badge: statusView(snapshot.status),
    progress,
    duration,
    lines:
      snapshot.lines.length > 0
        ? snapshot.lines.map((line) => ({ text: line.text, color: LINE_COLORS[line.level] }))
        : [{ text: 'No log lines yet', color: LINE_COLORS.debug }],
    artifacts: snapshot.artifacts.slice(0, SHOWN_ARTIFACTS).map((artifact) => ({ title: artifact.title, url: artifact.url })),
    moreArtifacts: Math.max(0, snapshot.artifactCount - SHOWN_ARTIFACTS),
    footer: `${who} ${formatUtcTime(snapshot.createdAt) ?? 'at an unknown time'} · updated ${formatAgo(context.now - snapshot.syncedAt)}${live}`,
    outcome: snapshot.status === 'error' ? snapshot.error : snapshot.summary,
  }
}
