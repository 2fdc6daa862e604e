/**
 * Schema `ops` as the code sees it: the `Database` that `npm run gen:types` generates from the
 * migrations (./database.types.ts), with JSON columns given their shapes and the text columns a
 * check constraint limits narrowed to the vocabulary's unions, the way Supabase documents
 * overriding generated types. Every supabase-js client of the project is typed with it, and row
 * types are derived from it, never written out field by field.
 */
import type { Plan, StoredPlan } from '../runbook/index.ts'
import type { EventLevel, RunPhase, RunStatus, StepStatus } from '../vocabulary/index.ts'
import type { SpecDocKind, SpecProposalStatus } from '../vocabulary/spec-documents.ts'
import type { Database as Generated } from './database.types.ts'

/** Artifact kinds, as the database allows them (artifacts_kind_valid). */
type ArtifactKind = 'link' | 'diff' | 'file'

/** What the executor records for a step in runs.step_results (ops.record_step), keyed by step id. */
export interface StepResult {
  status: StepStatus
  /** How many times the step was started (a resumed run starts it again). */
  starts?: number
  attempts?: number
  started_at?: string
  finished_at?: string
  duration_ms?: number
  dry_run?: boolean
  dry_run_reason?: string
  reason?: string
  decision?: 'approved' | 'rejected'
  [key: string]: unknown
}

/** One log line as ops.append_run_events takes it; the function assigns seq. */
export interface EventInput {
  level?: EventLevel
  source?: string
  phase?: string
  step_id?: string
  message: string
  data?: unknown
  ts?: string
}

/** One artifact as ops.add_run_artifact takes it; `key` makes a retried call a no-op. */
export interface ArtifactInput {
  key: string
  step_id?: string
  kind: ArtifactKind
  title: string
  url?: string
  content?: string
  mime?: string
}

/** What a spec step does to a document's text (spec_proposals.change). */
type SpecChange = { append: string } | { replace: { find: string; with: string } }

/** One proposal as ops.add_spec_proposal takes it; the (run, step_id) pair makes a retried call a no-op. */
export interface SpecProposalInput {
  step_id: string
  /** The document's slug in the run's workspace. */
  doc: string
  base_version: number
  proposed_content: string
  diff: string
  change: SpecChange
}

/** The statuses ops.finish_run accepts. */
export type FinishStatus = Extract<RunStatus, 'success' | 'error' | 'canceled'>

/** Column types that replace the generated ones, per table. */
interface NarrowedColumns {
  runs: {
    status: RunStatus
    inputs: Record<string, unknown>
    plan: StoredPlan
    step_results: Record<string, StepResult>
  }
  run_events: {
    level: EventLevel
    phase: RunPhase
    data: Record<string, unknown>
  }
  artifacts: {
    kind: ArtifactKind
  }
  spec_docs: {
    kind: SpecDocKind
  }
  spec_proposals: {
    status: SpecProposalStatus
    change: SpecChange
  }
}

/** Argument types that replace the generated `Json` ones, per SQL function. */
interface NarrowedArgs {
  append_run_events: { p_events: EventInput[] }
  add_run_artifact: { p_artifact: ArtifactInput }
  add_spec_proposal: { p_proposal: SpecProposalInput }
  set_run_plan: { p_plan: Plan }
  record_step: { p_result: StepResult }
  record_step_with_events: { p_result: StepResult; p_events: EventInput[] }
  finish_run: { p_status: FinishStatus }
  // null: a new template (the function's own rule; the generator cannot see that a parameter takes null).
  save_template: { p_expected_version: number | null }
}

/** `Shape` with the named fields' types replaced; a nullable field stays nullable, an optional one optional. */
type Narrow<Shape, Fields> = {
  [K in keyof Shape]: K extends keyof Fields ? (null extends Shape[K] ? Fields[K] | null : Fields[K]) : Shape[K]
}

type GeneratedTables = Generated['ops']['Tables']
type GeneratedFunctions = Generated['ops']['Functions']

/** Columns a trigger fills in on insert although they are not null without a default, per table. */
interface FilledOnInsert {
  /** ops.pin_run_template: the starter's personal workspace when none is given. */
  runs: 'workspace_id'
  /** ops.fill_spec_doc_kind: the kind its slug names. */
  spec_docs: 'kind'
}

/** An Insert type with the columns a trigger fills in made optional. */
type WithFilled<Insert, T> = T extends keyof FilledOnInsert
  ? Omit<Insert, FilledOnInsert[T]> & Partial<Pick<Insert, FilledOnInsert[T] & keyof Insert>>
  : Insert

type OpsTables = {
  [T in keyof GeneratedTables]: T extends keyof NarrowedColumns
    ? {
        [P in keyof GeneratedTables[T]]: P extends 'Row' | 'Update'
          ? Narrow<GeneratedTables[T][P], NarrowedColumns[T]>
          : P extends 'Insert'
            ? WithFilled<Narrow<GeneratedTables[T][P], NarrowedColumns[T]>, T>
            : GeneratedTables[T][P]
      }
    : GeneratedTables[T]
}

/** A function that returns rows of a table (the generator's SetofOptions) returns the narrowed rows. */
type Returns<F> = F extends { SetofOptions: { to: infer T extends keyof OpsTables; isSetofReturn: infer Many } }
  ? Many extends true
    ? OpsTables[T]['Row'][]
    : OpsTables[T]['Row']
  : F extends { Returns: infer R }
    ? R
    : never

type OpsFunctions = {
  [F in keyof GeneratedFunctions]: {
    [P in keyof GeneratedFunctions[F]]: P extends 'Args'
      ? F extends keyof NarrowedArgs
        ? Narrow<GeneratedFunctions[F][P], NarrowedArgs[F]>
        : GeneratedFunctions[F][P]
      : P extends 'Returns'
        ? Returns<GeneratedFunctions[F]>
        : GeneratedFunctions[F][P]
  }
}

/** The type every supabase-js client of this project is created with: `createClient<Database, 'ops'>`. */
export type Database = {
  [S in keyof Generated]: S extends 'ops'
    ? { [P in keyof Generated['ops']]: P extends 'Tables' ? OpsTables : P extends 'Functions' ? OpsFunctions : Generated['ops'][P] }
    : Generated[S]
}

/** A row of a table in schema `ops`, as REST and realtime deliver it. */
type Row<T extends keyof OpsTables> = OpsTables[T]['Row']

export type RunRow = Row<'runs'>
export type EventRow = Row<'run_events'>
export type ArtifactRow = Row<'artifacts'>
export type TemplateRow = Row<'run_templates'>
export type SpecDocRow = Row<'spec_docs'>
export type SpecRevisionRow = Row<'spec_doc_revisions'>
export type SpecProposalRow = Row<'spec_proposals'>
export type TemplateRevisionRow = Row<'template_revisions'>
export type EnvironmentRow = Row<'environments'>
export type AuditRow = Row<'audit_log'>
export type SecretBindingRow = Row<'secret_bindings'>
