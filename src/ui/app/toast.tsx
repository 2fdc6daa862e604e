import { h } from 'preact'
import type { ToastMessage } from '../hooks/use-toast.ts'
import styles from './toast.css'

/** A notice floating over the bottom of the UI; an error is announced at once (alert), the rest politely. */
export function Toast({ toast }: { toast: ToastMessage | null }) {
  if (toast === null) return null
  const error = toast.tone === 'error'
  return (
    <div class={error ? `${styles.toast} ${styles.error}` : styles.toast} role={error ? 'alert' : 'status'} data-toast>
      {toast.text}
    </div>
  )
}
