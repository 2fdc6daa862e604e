import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import type { ConnectionState } from '../../../client/types.ts'
import styles from './connection-banner.css'

export interface ConnectionBannerProps {
  state: ConnectionState
  /** The project's host, for the green banner. */
  host: string
  onRetry?: () => void
}

/** Green when REST and realtime answer; red with the reason and a Retry when either does not. */
export function ConnectionBanner({ state, host, onRetry = () => {} }: ConnectionBannerProps) {
  if (state.status === 'checking') {
    return (
      <div class={`${styles.banner} ${styles.checking}`} role="status" data-connection="checking">
        <span aria-hidden="true">…</span>
        <span>Checking the connection to Supabase…</span>
      </div>
    )
  }
  if (state.status === 'ok') {
    return (
      <div class={`${styles.banner} ${styles.up}`} role="status" data-connection="up">
        <span aria-hidden="true">●</span>
        <span class={styles.text}>Connected to {host}: REST and realtime are up</span>
      </div>
    )
  }
  return (
    <div class={`${styles.banner} ${styles.down}`} role="alert" data-connection="down">
      <span aria-hidden="true">▲</span>
      <span class={styles.text}>{state.reason ?? 'The Supabase project cannot be reached.'}</span>
      <Button secondary onClick={onRetry}>
        Retry
      </Button>
    </div>
  )
}
