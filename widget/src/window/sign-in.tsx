/** @jsx h */
/**
 * Sign-in for the widget window. The widget keeps its own session (figma.clientStorage is per
 * plugin), and runs are visible only to the person who started them, so signing in with the same
 * email as in the plugin shows the same runs; an anonymous session sees only its own.
 */
import { h } from 'preact'
import { useState } from 'preact/hooks'
import { Button, Text, Textbox } from '@create-figma-plugin/ui'
import type { OpsClient } from '../../../src/client/supabase.ts'
import styles from './window.css'

export function SignIn(props: { client: OpsClient; onSignedIn(): void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (attempt: () => Promise<{ error: { message: string } | null }>) => {
    setBusy(true)
    setError(null)
    const { error: failure } = await attempt()
    setBusy(false)
    if (failure) setError(failure.message)
    else props.onSignedIn()
  }

  return (
    <form
      class={styles.stack}
      onSubmit={(event) => {
        event.preventDefault()
        void run(() => props.client.auth.signInWithPassword({ email, password }))
      }}
    >
      {/* Enter in a field submits, as in any form; the button below does the same. */}
      <Text>Sign in with the account you use in the Ops Control Room plugin to see your runs.</Text>
      <label class={styles.field}>
        <span>Email</span>
        <Textbox value={email} onValueInput={setEmail} placeholder="you@example.com" />
      </label>
      <label class={styles.field}>
        <span>Password</span>
        <Textbox value={password} onValueInput={setPassword} password />
      </label>
      {error ? (
        <p role="alert" class={styles.error}>
          {error}
        </p>
      ) : null}
      <Button
        fullWidth
        loading={busy}
        onClick={(event) => {
          event.preventDefault()
          void run(() => props.client.auth.signInWithPassword({ email, password }))
        }}
      >
        Sign in
      </Button>
      <Button
        fullWidth
        secondary
        disabled={busy}
        onClick={(event) => {
          event.preventDefault()
          void run(() => props.client.auth.signInAnonymously())
        }}
      >
        Continue without an account
      </Button>
    </form>
  )
}
