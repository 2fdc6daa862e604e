/**
 * What a card keeps in synced state, and how a card placed by any earlier build is read.
 *
 * Version 3 (this build): `version`, `snapshot` (the run's picture, as its workspace lets a board
 * show it: board-picture.ts; it names who started the run), and `live`: who keeps the card live
 * and when their code last wrote it; `button` (runbook-button.ts) on a runbook button, whose
 * `snapshot` is then its last run's picture (null on a run card; a build before buttons carries the
 * key over and draws such a card as an empty one). Everything sits in synced state, nothing in synced maps:
 * another card's maps cannot be read (WidgetNode has `widgetSyncedState` but no map getter), so a
 * write through setWidgetSyncedState could not carry them over.
 *
 * Version 2 kept `startedBy` (the Figma name of whoever picked the run) beside the picture, and a
 * picture with everything in it: it is read as a picture of no workspace, which shows no details,
 * so its first write leaves the board with nothing more than the rule allows.
 *
 * Version 1 (no `version` key) kept the driver's name inside the picture (`snapshot.driver`) and
 * who switched live on in a synced map `live`. Reading never throws: rendering shows a version 1
 * card as it is read here, and the card's first interaction writes it back as version 2.
 */
import { isRecord } from '../../../src/is-record.ts'
import { boardPicture } from './board-picture.ts'
import { readButton, type RunbookButton } from './runbook-button.ts'
import { isEarlierRunSnapshot, type RunSnapshot } from './snapshot.ts'

export const CARD_VERSION = 3

/**
 * How often a driver writes its heartbeat into every card it keeps live, even when nothing
 * changes, and how old a heartbeat may be before the driver counts as gone: FigJam stops widget
 * code without warning (the file is closed, another widget is used), so a driver cannot always
 * say that it stopped. Three missed heartbeats leave room for a slow client.
 */
export const HEARTBEAT_MS = 10_000
export const STALE_AFTER_MS = 3 * HEARTBEAT_MS

export interface Liveness {
  /** The name shown: "live via Ana". */
  driver: string
  /** The driver's FigJam session (figma.currentUser.sessionId): tells two people of one name apart. */
  driverId: string
  /** When the driver's code last wrote this card (ms since epoch, the driver's clock). */
  heartbeat: number
  /** A passing problem of the run's live stream (it retries by itself), shown on the card until it clears. */
  problem: string | null
}

export interface CardState {
  version: typeof CARD_VERSION
  snapshot: RunSnapshot | null
  live: Liveness | null
  button: RunbookButton | null
}

/**
 * Keys of earlier versions that this build writes as null (setWidgetSyncedState keeps what it is
 * given, and a write carries over keys it does not know): version 2's `startedBy`.
 */
export const RETIRED_KEYS = { startedBy: null } as const

const isText = (value: unknown): value is string => typeof value === 'string'
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

function readLiveness(value: unknown): Liveness | null {
  if (!isRecord(value) || !isText(value.driver) || !isText(value.driverId) || !isTime(value.heartbeat)) return null
  return {
    driver: value.driver,
    driverId: value.driverId,
    heartbeat: value.heartbeat,
    problem: isText(value.problem) ? value.problem : null,
  }
}

/**
 * The picture as the board may show it (board-picture.ts), whichever build wrote it: an earlier
 * build's picture names no workspace, so it shows no details; who started it was kept beside it
 * (`legacyStartedBy`). Nothing else an earlier build kept in it (version 1: the driver) is carried.
 */
export function readPicture(value: unknown, legacyStartedBy: string | null = null): RunSnapshot | null {
  if (!isEarlierRunSnapshot(value)) return null
  return boardPicture({
    ...value,
    workspaceId: value.workspaceId ?? null,
    approvals: value.approvals ?? null,
    boardDetails: value.boardDetails ?? false,
    startedBy: value.startedBy === undefined ? legacyStartedBy : value.startedBy,
  })
}

/**
 * A card's synced state, of any version, as this build reads it. A version 1 driver left no
 * heartbeat: the time of the picture it last wrote stands in for one, so it goes stale like any other.
 */
export function readCard(synced: Record<string, unknown>): CardState {
  const snapshot = readPicture(synced.snapshot, isText(synced.startedBy) ? synced.startedBy : null)
  let live = readLiveness(synced.live)
  if (isOutdated(synced) && snapshot && isRecord(synced.snapshot) && isText(synced.snapshot.driver)) {
    live = { driver: synced.snapshot.driver, driverId: '', heartbeat: snapshot.syncedAt, problem: null }
  }
  return { version: CARD_VERSION, snapshot, live, button: readButton(synced.button) }
}

/** Whether a card is stored in an earlier version's shape (its first interaction writes it back). */
export function isOutdated(synced: Record<string, unknown>): boolean {
  return synced.version !== CARD_VERSION
}

/** Whether the driver's code has not written for longer than the limit: it was stopped without a word. */
export function isStale(live: Liveness, now: number): boolean {
  return now - live.heartbeat > STALE_AFTER_MS
}
