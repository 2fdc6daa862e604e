import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import type { RunRow, RunStreamState } from '../../../client/types.ts'
import { isTerminalStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { RunActions, type RunActionsProps } from '../run-actions/run-actions.tsx'
import { RunDuration } from '../run-duration/run-duration.tsx'
import { StatusBadge } from '../status-badge/status-badge.tsx'
import { dryRunReason } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './run-header.css'

const LIVE_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting… (refreshing every few seconds)',
  closed: 'Closed',
} as const
const LIVE_CLASS = { connecting: '', live: styles.isLive, reconnecting: styles.reconnecting, closed: '' } as const

export interface RunHeaderProps extends Omit<RunActionsProps, 'run'> {
  run: RunRow | null
  live: RunStreamState['live']
  onBack?: () => void
  /** The run could not be read: no "Loading" title, the error beside says why. */
  unreadable?: boolean
}

/** Back, the run's title, status, environment, duration, whether it is live, and its actions. */
export function RunHeader({ run, live, onBack, unreadable = false, ...actions }: RunHeaderProps) {
  return (
    <header class={styles.header}>
      {onBack ? (
        <Button secondary onClick={onBack} data-back>
          ← Back
        </Button>
      ) : null}
      <div class={styles.heading}>
        <h2 class={styles.title}>{run?.title ?? (unreadable ? 'Run not available' : 'Loading run…')}</h2>
        {run === null ? null : (
          <div class={styles.meta}>
            <StatusBadge run={run} />
            <span class={styles.env}>{run.env}</span>
            {dryRunNote(run)}
            <RunDuration run={run} />
            {/* A finished run has nothing more to hear: no Live dot. */}
            {isTerminalStatus(run.status) ? null : (
              <span class={`${styles.live} ${LIVE_CLASS[live]}`} data-live={live}>
                {LIVE_TEXT[live]}
              </span>
            )}
          </div>
        )}
      </div>
      {run === null ? null : <RunActions run={run} {...actions} />}
    </header>
  )
}

/** Why a finished dry run sent nothing ("secret GITHUB_TOKEN is not set"), or that a running one will not. */
function dryRunNote(run: RunRow) {
  const reason = dryRunReason(run)
  if (reason !== null) {
    return (
      <span class={styles.dry} data-dry-run-reason>
        not sent: {reason}
      </span>
    )
  }
  return run.dry_run ? <span class={styles.dry}>dry run</span> : null
}
