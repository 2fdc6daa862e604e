/**
 * Messages between the widget's code (which owns synced state and figma.clientStorage) and its
 * window (which has the network: supabase-js, realtime). Plain objects: a widget has no
 * create-figma-plugin event bus.
 */
import type { Settings } from '../../../src/client/types.ts'
import type { RunSnapshot } from '../card/snapshot.ts'

export type CardAction = 'refresh' | 'rerun' | 'cancel' | 'approve' | 'reject'

export type WindowMode =
  | { kind: 'picker' }
  | { kind: 'live'; runIds: string[]; driver: string }
  | { kind: 'action'; action: CardAction; runId: string }
  | { kind: 'details'; runId: string }

/** Widget → window. */
export type ToWindow =
  | { type: 'start'; mode: WindowMode; settings: Settings }
  | { type: 'storage-result'; requestId: string; value: string | null | undefined; error?: string }

/** Window → widget. */
export type FromWindow =
  | { type: 'storage'; op: 'get' | 'set' | 'remove'; requestId: string; key: string; value?: string }
  | { type: 'picked'; snapshot: RunSnapshot }
  | { type: 'snapshot'; snapshot: RunSnapshot }
  /** Every run the live window watches has finished. */
  | { type: 'finished' }
  /** An action's outcome: the run's new picture, and for a re-run the new run's. */
  | { type: 'done'; snapshot?: RunSnapshot; started?: RunSnapshot }
  | { type: 'error'; message: string }
  | { type: 'close' }
