/**
 * The plugin's data shapes and the client layer's contract (src/client implements it; the UI
 * and the widget's iframe consume it). Rows are derived from the generated database types.
 */
import type {
  ArtifactRow,
  EventRow,
  RunRow,
  SpecDocRow,
  SpecRevisionRow,
  TemplateRow,
} from '../../supabase/functions/_shared/database/index.ts'
import type { Outcome, RunStatus } from '../../supabase/functions/_shared/vocabulary/index.ts'
import type { EventStore } from './event-store.ts'

export type { ArtifactRow, EventRow, RunRow, SpecDocRow, TemplateRow }

export { TERMINAL_STATUSES, type EventLevel, type RunStatus } from '../../supabase/functions/_shared/vocabulary/index.ts'

/** Where the plugin finds its Supabase project; defaults come from build-time configuration. */
export interface Settings {
  supabaseUrl: string
  anonKey: string
}

/** The Figma user, when the plugin has the currentuser permission (null in the widget iframe). */
export interface FigmaUser {
  id: string | null
  name: string
  photoUrl: string | null
}

/** What the main thread hands the UI when it opens (showUI's data). */
export interface UiBootData {
  editorType: 'figma' | 'figjam'
  settings: Settings
  user: FigmaUser | null
  /** Set when the plugin was relaunched from a summary card on the canvas. */
  openRunId: string | null
  /** Set when the plugin was relaunched from a Spec Kit document's section on the board. */
  openSpecDocId: string | null
}

/** What a summary card on the canvas shows (main thread draws it). */
export interface SummaryCardData {
  runId: string
  title: string
  env: string
  status: RunStatus
  /** How the run ended (a dry run is not a plain success); missing on cards dropped before outcomes. */
  outcome?: Outcome | null
  templateSlug: string | null
  startedAt: string | null
  finishedAt: string | null
  summary: string | null
}

export interface RunFilters {
  status?: RunStatus[]
  env?: string
  templateSlug?: string
  limit?: number
}

export interface NewRun {
  templateSlug: string
  /**
   * The template's revision the starter saw (run_templates.revision_id of the row the card was
   * made from): the executor runs exactly that revision, or refuses the run if it is not this
   * template's. Null only for a row that has none (the insert then pins the current revision).
   */
  templateRevisionId: string | null
  /** Where the run belongs; the current workspace when not given (a re-run stays in its run's). */
  workspaceId?: string
  kind: string
  env: string
  title: string
  intent?: string
  /** Input values members may read (stored in runs.inputs). */
  inputs: Record<string, unknown>
  /**
   * Values of secret-typed inputs: sent in runs.secret_inputs, which the database moves to a table
   * only the executor reads and deletes when the run ends. Never put them in `inputs`.
   */
  secretInputs?: Record<string, string>
  dryRun?: boolean
}

export interface StartRunOptions {
  onCreated?: (run: RunRow) => void | Promise<void>
}

/** What a widget card needs besides the run to decide what the board may show. */
export interface BoardFacts {
  workspaceId: string
  /** workspaces.board_details: log lines, inputs, summaries and errors may be shown on boards. */
  boardDetails: boolean
  /** The starter's workspace_members.display_name; null when it cannot be read. */
  startedBy: string | null
}

/** A conflict on save: the text both sides started from, theirs and mine, for a three-way merge. */
export interface SpecSaveConflict {
  kind: 'conflict'
  message: string
  /** The content of the version the unsaved text was based on. */
  base: string
  mine: string
  theirs: SpecDocRow
}

/** The ops schema through supabase-js (RLS decides what each call may do). */
export interface OpsApi {
  /** The workspace the lists below read and new runs land in (current-workspace.ts). */
  currentWorkspaceId(): Promise<string>
  /** The current workspace's templates. */
  listTemplates(): Promise<TemplateRow[]>
  /** The current workspace's runs, newest first. */
  listRuns(filters?: RunFilters): Promise<RunRow[]>
  getRun(runId: string): Promise<RunRow | null>
  /**
   * Inserts the run as the signed-in user, then invokes ops-executor for it. `onCreated` runs
   * between the two (e.g. open the run's stream first, so no event is missed live). When the
   * invoke fails, the error (an OpsApiError) carries the created, still queued run as `run`.
   */
  startRun(run: NewRun, options?: StartRunOptions): Promise<RunRow>
  /**
   * Starts a new run with the same template, env and inputs, in the run's workspace, on the
   * template's current revision (not the one the earlier run pinned).
   */
  rerun(run: RunRow, options?: StartRunOptions): Promise<RunRow>
  cancelRun(runId: string): Promise<RunRow>
  /**
   * Approves or rejects the approval step the run waits at. When this was the last approval the
   * run is queued again and ops-executor is invoked for it at once; when that invoke fails, the
   * error (an OpsApiError) carries the queued run as `run`.
   */
  decideApproval(runId: string, approve: boolean, comment?: string): Promise<RunRow>
  /** What a board may show about a run (widget cards): its workspace's board setting and who started it. */
  boardFacts(run: RunRow): Promise<BoardFacts>
  listArtifacts(runId: string): Promise<ArtifactRow[]>
  /**
   * Events by seq: `after` (exclusive) ascending, or `before` (exclusive) descending for older pages.
   * Both: the range between them, ascending. Neither: the newest events, descending (the tail).
   * `limit` defaults to and is capped at 1000 (Supabase's default max rows).
   */
  fetchEvents(runId: string, range: { after?: number; before?: number; limit?: number }): Promise<EventRow[]>
  /** The current workspace's Spec Kit documents. */
  listSpecDocs(): Promise<SpecDocRow[]>
  saveSpecDoc(doc: SpecDocRow, content: string): Promise<SpecDocRow | SpecSaveConflict>
  listRevisions(docId: string): Promise<SpecRevisionRow[]>
}

/** What the log viewer renders; RunStream keeps it current. */
export interface RunStreamState {
  run: RunRow | null
  /**
   * Events in seq order with no gaps: a contiguous window [firstSeq, lastSeq], kept as columns.
   * New lines are appended to this store in place (a long log is not copied per batch), so a
   * state's store may have grown since it was handed out; older lines put in front come as a new store.
   */
  events: EventStore
  artifacts: ArtifactRow[]
  /** Older events exist before events[0] (scroll up to load them). */
  hasOlder: boolean
  loadingOlder: boolean
  /** Realtime subscription state. */
  live: 'connecting' | 'live' | 'reconnecting' | 'closed'
  error: string | null
}

export interface RunStreamHandle {
  readonly state: RunStreamState
  subscribe(listener: (state: RunStreamState) => void): () => void
  loadOlder(): Promise<void>
  close(): Promise<void>
}

/** Whether the Supabase project is reachable (connection.ts); `reason` is the red banner's text. */
export interface ConnectionState {
  status: 'checking' | 'ok' | 'down'
  /** What is wrong and what to do, when status is 'down'. */
  reason: string | null
  /** Which part failed: REST/Auth or the realtime socket. */
  failed: 'rest' | 'realtime' | null
  checkedAt: number | null
}
