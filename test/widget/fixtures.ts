/** Rows, snapshots and cards' synced state for widget tests. */
import type { ArtifactRow, BoardFacts, EventRow, RunRow, RunStatus } from '../../src/client/types.ts'
import { CARD_VERSION, type CardState } from '../../widget/src/card/card-state.ts'
import type { EarlierRunSnapshot, RunSnapshot } from '../../widget/src/card/snapshot.ts'

export function runRow(overrides: Partial<RunRow> = {}): RunRow {
  return {
    id: 'run-1',
    created_at: '2025-01-03T10:00:00.000Z',
    updated_at: '2025-01-03T10:00:05.000Z',
    created_by: 'user-1',
    workspace_id: 'workspace-1',
    template_revision_id: 'revision-1',
    template_hash: 'hash-1',
    template_slug: 'deploy-web',
    kind: 'deploy',
    env: 'production',
    title: 'Deploy web to production',
    intent: 'deploy web to prod',
    inputs: { env: 'production' },
    dry_run: false,
    status: 'running',
    cancel_requested: false,
    attempt: 1,
    claimed_by: 'w',
    lease_expires_at: null,
    started_at: '2025-01-03T10:00:01.000Z',
    finished_at: null,
    events_removed_at: null,
    summary: null,
    error: null,
    last_seq: 12,
    last_batch_id: null,
    current_step: 'dispatch',
    step_results: { 'health-before': { status: 'succeeded' }, 'policy-approval': { status: 'succeeded' }, dispatch: { status: 'running' } },
    secret_inputs: null,
    plan: {
      version: 1,
      kind: 'deploy',
      title: 'Deploy web',
      env: 'production',
      approvalRequired: true,
      secrets: [],
      requiredSecrets: [],
      secretInputs: [],
      steps: [
        { id: 'health-before', title: 'Health check before deploy' },
        { id: 'policy-approval', title: 'Approval required' },
        { id: 'dispatch', title: 'Dispatch the deploy workflow' },
        { id: 'settle', title: 'Let the rollout settle' },
        { id: 'health-after', title: 'Health check after deploy' },
      ],
    } as never,
    ...overrides,
  }
}

export function eventRows(count: number, level: EventRow['level'] = 'info'): EventRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    run_id: 'run-1',
    seq: i + 1,
    ts: '2025-01-03T10:00:02.000Z',
    level,
    source: 'executor',
    phase: 'execute',
    step_id: 'dispatch',
    message: `line ${i + 1}`,
    data: null,
  }))
}

export function artifactRows(count: number): ArtifactRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `a${i}`,
    run_id: 'run-1',
    created_at: '2025-01-03T10:00:03.000Z',
    key: `k${i}`,
    step_id: 'dispatch',
    kind: 'link' as const,
    title: `Link ${i + 1}`,
    url: `https://example.com/${i + 1}`,
    content: null,
    mime: null,
    size: null,
  }))
}

export function snapshot(overrides: Partial<RunSnapshot> = {}, status: RunStatus = 'running'): RunSnapshot {
  return {
    runId: 'run-1',
    workspaceId: 'workspace-1',
    boardDetails: true,
    startedBy: 'Ana',
    title: 'Deploy web to production',
    templateSlug: 'deploy-web',
    env: 'production',
    status,
    steps: [
      { id: 'a', title: 'First' },
      { id: 'b', title: 'Second' },
    ],
    done: 1,
    currentStep: 'b',
    approvals: null,
    createdAt: '2025-01-03T10:00:00.000Z',
    startedAt: '2025-01-03T10:00:01.000Z',
    finishedAt: null,
    summary: null,
    error: null,
    lines: [],
    artifacts: [],
    artifactCount: 0,
    syncedAt: Date.parse('2025-01-03T10:00:10.000Z'),
    ...overrides,
  }
}

/** A card showing `picture`, in this build's shape. */
export function card(picture: RunSnapshot, overrides: Partial<Omit<CardState, 'snapshot'>> = {}): CardState & { snapshot: RunSnapshot } {
  return { version: CARD_VERSION, snapshot: picture, live: null, button: null, ...overrides }
}

/** What a run's board may show, as snapshotOf takes it: a workspace that shows details, Ana started the run. */
export const boardWithDetails: BoardFacts = { workspaceId: 'workspace-1', boardDetails: true, startedBy: 'Ana' }

/** A picture as the builds before workspaces took it: everything in it, no workspace, nobody named. */
export function earlierPicture(picture: RunSnapshot): EarlierRunSnapshot {
  const { workspaceId: _workspace, boardDetails: _details, startedBy: _startedBy, approvals: _approvals, ...earlier } = picture
  return earlier
}

/**
 * A card's synced state as version 2 (the build before workspaces) wrote it: whoever picked the
 * run beside the picture, and the picture with everything in it.
 */
export function versionTwoCard(picture: RunSnapshot, startedBy = 'Ana') {
  return { state: { version: 2, snapshot: earlierPicture(picture), startedBy, live: null } }
}

/**
 * A card's synced state as version 1 (the build before synced state had a version) wrote it: the
 * driver's name inside the picture, and who switched live on in the synced map `live`.
 */
export function versionOneCard(picture: RunSnapshot, driver: string | null) {
  return {
    state: { snapshot: { ...earlierPicture(picture), driver }, startedBy: 'Ana' },
    maps: { live: driver ? { '7': { name: driver, since: picture.syncedAt } } : {} },
  }
}
