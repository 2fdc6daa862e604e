/**
 * The widget code's side of keeping cards live (the hidden window streams the runs). It marks the
 * cards it drives with its name and a heartbeat, writes each run's newest picture into them through
 * the throttle, and refreshes the heartbeat every HEARTBEAT_MS even when nothing changes, so every
 * viewer sees when it last wrote and anyone can tell a driver that FigJam stopped without a word.
 *
 * Before each write it reads the card again: a card switched off (by anyone, on any client) or
 * taken over by someone else is left alone, and once no card is its own it asks to stop. A clean
 * end (every run finished, a fatal error, a stop) writes what the throttle still holds into the
 * cards that are still its own, then takes its name off them.
 */
import type { RunSnapshot } from '../card/snapshot.ts'
import { HEARTBEAT_MS, isStale, type CardState } from '../card/card-state.ts'
import { readCardNode, unfinishedRunId, updateCard, type CardNode } from './apply.ts'
import { ThrottledWriter } from './throttle.ts'

/** How often a live card may be written, per run. */
const LIVE_INTERVAL_MS = 1000

export interface Driver {
  name: string
  /** The driver's FigJam session: figma.currentUser.sessionId. */
  id: string
}

export interface LiveDriverOptions<Timer> {
  me: Driver
  /** Every card of this widget on the page, as they are now. */
  cards: () => readonly CardNode[]
  now: () => number
  schedule: (callback: () => void, ms: number) => Timer
  cancel: (handle: Timer) => void
  /** No card is this driver's any more: end the session (close the window). */
  onIdle: () => void
}

export class LiveDriver<Timer> {
  private readonly writer: ThrottledWriter<Timer>
  private heartbeat: Timer | undefined
  /** Runs whose final picture, with every line, has come: their cards need no driver. */
  private readonly complete = new Set<string>()
  private ending = false
  private idle = false

  constructor(private readonly options: LiveDriverOptions<Timer>) {
    this.writer = new ThrottledWriter({
      intervalMs: LIVE_INTERVAL_MS,
      now: options.now,
      schedule: options.schedule,
      cancel: options.cancel,
      write: (snapshot) => this.write(snapshot),
    })
  }

  /**
   * Takes every card whose run is unfinished and that nobody else keeps live (a stale driver
   * counts as nobody); returns the runs to stream, none when there is nothing to keep live.
   */
  start(): string[] {
    const now = this.options.now()
    const runIds = new Set<string>()
    for (const node of this.options.cards()) {
      const card = readCardNode(node)
      const runId = unfinishedRunId(card)
      if (runId === null) continue
      if (card.live && card.live.driverId !== this.options.me.id && !isStale(card.live, now)) continue
      updateCard(node, (card) => ({
        ...card,
        live: { driver: this.options.me.name, driverId: this.options.me.id, heartbeat: now, problem: null },
      }))
      runIds.add(runId)
    }
    if (runIds.size > 0) this.scheduleHeartbeat()
    return [...runIds]
  }

  /** A run's newest picture from the window: written at most once a second per run (a finished run's at once). */
  offer(snapshot: RunSnapshot, complete: boolean): void {
    if (this.ending) return
    if (complete) this.complete.add(snapshot.runId)
    this.writer.offer(snapshot)
  }

  /** A passing problem of a run's stream (null when it cleared): shown on its cards at once. */
  problem(runId: string, problem: string | null): void {
    if (this.ending) return
    this.eachOwnCard(runId, (card, now) => ({ ...card, live: card.live && { ...card.live, heartbeat: now, problem } }))
  }

  /** Reads every card again (someone may have switched it off); asks to stop when none is its own. */
  recheck(): void {
    this.eachOwnCard(null, null)
  }

  /** A clean end: writes what is waiting, then takes its name off the cards it still drives. */
  end(): void {
    if (this.ending) return
    this.ending = true
    if (this.heartbeat !== undefined) this.options.cancel(this.heartbeat)
    this.writer.flushAll()
    this.eachOwnCard(null, (card) => ({ ...card, live: null }))
  }

  private write(snapshot: RunSnapshot): void {
    this.eachOwnCard(snapshot.runId, (card, now) => ({
      ...card,
      snapshot,
      // A run that is complete needs no driver: its card stops saying it is live.
      live: this.complete.has(snapshot.runId) ? null : card.live && { ...card.live, heartbeat: now },
    }))
  }

  private beat(): void {
    this.heartbeat = undefined
    this.eachOwnCard(null, (card, now) => ({ ...card, live: card.live && { ...card.live, heartbeat: now } }))
    if (!this.idle && !this.ending) this.scheduleHeartbeat()
  }

  private scheduleHeartbeat(): void {
    this.heartbeat = this.options.schedule(() => this.beat(), HEARTBEAT_MS)
  }

  /**
   * Applies `change` to every card this driver still keeps live (of `runId`, or all), each read
   * again just before it is written; then, when no card is its own any more, asks to stop.
   */
  private eachOwnCard(runId: string | null, change: ((card: CardState, now: number) => CardState) | null): void {
    let own = 0
    for (const node of this.options.cards()) {
      let card = readCardNode(node)
      if (!this.owns(card)) continue
      if (change && (runId === null || card.snapshot?.runId === runId))
        card = updateCard(node, (current) => change(current, this.options.now()))
      if (this.owns(card)) own++
    }
    if (own === 0 && !this.idle && !this.ending) {
      this.idle = true
      if (this.heartbeat !== undefined) this.options.cancel(this.heartbeat)
      this.options.onIdle()
    }
  }

  /** Whether this driver keeps the card live: its name is on it (a finished run's last lines may still come). */
  private owns(card: CardState): boolean {
    return card.live?.driverId === this.options.me.id && card.snapshot !== null
  }
}
