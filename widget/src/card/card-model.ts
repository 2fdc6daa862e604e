/**
 * What a run card draws, as a pure function of its synced state: FigJam renders a widget from
 * synced state alone, on every viewer's client and only when that state changes, so nothing here
 * reads the clock. Times are absolute (UTC) or measured up to the newest time the card holds: the
 * picture's, or the live driver's heartbeat, which it refreshes even when nothing changes.
 */
import type { RunStatus } from '../../../src/client/types.ts'
import {
  formatRunDuration,
  formatUtcSeconds,
  formatUtcTime,
  OUTCOME_VIEWS,
  STATUS_VIEWS,
  statusView,
} from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { approvalsText } from './approvals.ts'
import type { CardState } from './card-state.ts'
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
  /** "Live via Ana · last update 14:02:31 UTC", while someone keeps the card live. */
  live: { text: string; problem: string | null } | null
  outcome: string | null
  /**
   * While the run waits: "1 of 2 approvals", and who may not approve. The card is the same for
   * everyone on the board, so who may decide is answered in the window Review opens, not here.
   */
  approvals: string | null
}

const TITLE_MAX = 60
const LINE_COLORS = { debug: '#8C8C8C', info: '#333333', warn: '#B86200', error: '#D6321A' } as const
const SHOWN_ARTIFACTS = 3
const PROBLEM_MAX = 120

/** What a card says in place of its log when its workspace keeps details off boards (board-picture.ts). */
export const NO_DETAILS = 'Details stay in the plugin: Open log'

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

export function cardView(card: CardState & { snapshot: RunSnapshot }): CardView {
  const { snapshot, live } = card
  const title = clip(snapshot.title, TITLE_MAX)
  // A running run's duration up to the newest time the card holds, never to the viewer's clock.
  const asOf = Math.max(snapshot.syncedAt, live?.heartbeat ?? Number.NEGATIVE_INFINITY)
  const duration = formatRunDuration(snapshot.startedAt, snapshot.finishedAt, asOf)
  const total = snapshot.steps.length
  const current = snapshot.steps.find((step) => step.id === snapshot.currentStep)
  const progress =
    total === 0 ? 'No plan yet' : `${snapshot.done} of ${total} steps${current && snapshot.done < total ? ` · ${current.title}` : ''}`
  const who = snapshot.startedBy ? `Started by ${snapshot.startedBy}` : 'Started'
  const started = `${who} ${formatUtcTime(snapshot.createdAt) ?? 'at an unknown time'}`
  return {
    title,
    subtitle: [snapshot.templateSlug ?? 'custom', snapshot.env].join(' · '),
    // Once finished, the outcome: a dry run is not a plain success.
    badge: snapshot.outcome ? OUTCOME_VIEWS[snapshot.outcome] : statusView(snapshot.status),
    progress,
    duration,
    lines:
      snapshot.lines.length > 0
        ? snapshot.lines.map((line) => ({ text: line.text, color: LINE_COLORS[line.level] }))
        : [{ text: snapshot.boardDetails ? 'No log lines yet' : NO_DETAILS, color: LINE_COLORS.debug }],
    artifacts: snapshot.artifacts.slice(0, SHOWN_ARTIFACTS).map((artifact) => ({ title: artifact.title, url: artifact.url })),
    moreArtifacts: Math.max(0, snapshot.artifactCount - SHOWN_ARTIFACTS),
    footer: live ? started : `${started} · updated ${formatUtcSeconds(snapshot.syncedAt) ?? 'at an unknown time'}`,
    live: live && {
      text: `Live via ${live.driver} · last update ${formatUtcSeconds(live.heartbeat) ?? 'at an unknown time'}`,
      problem: live.problem && `Retrying: ${clip(live.problem, PROBLEM_MAX)}`,
    },
    outcome: snapshot.status === 'error' ? snapshot.error : snapshot.summary,
    approvals: snapshot.approvals && approvalsLine(snapshot.approvals, snapshot.startedBy),
  }
}

function approvalsLine(approvals: NonNullable<RunSnapshot['approvals']>, startedBy: string | null): string {
  const count = approvalsText(approvals)
  if (!approvals.starterExcluded) return `${count} · approvers decide in Review`
  return `${count} · approvers other than ${startedBy ?? 'the starter'} decide in Review`
}
