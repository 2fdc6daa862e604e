import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import { useServices } from '../../services/services-context.ts'
import { FormField } from '../form-field/form-field.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './sign-in-panel.css'

export interface SignInPanelProps {
  /** Why the last session could not be restored, if it could not. */
  error?: string | null
  /** Opens the Supabase settings; without it there is no settings link (the widget uses the build's project). */
  onOpenSettings?: () => void
  /** What signing in is for (default: the plugin's). */
  title?: string
  /** Whose runs and documents the session sees (default: the plugin's, naming the project's host). */
  intro?: string
}

/**
 * Anonymous in one click, or email and password (sign in, or create an account). A failed or
 * thrown attempt shows why and frees the buttons; success is seen through the client's auth state.
 */
export function SignInPanel({ error = null, onOpenSettings, title = 'Sign in to run runbooks', intro }: SignInPanelProps) {
  const { client, settings } = useServices()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(error)
  const [notice, setNotice] = useState<string | null>(null)

  /** One sign-in attempt; it never rejects: a failure is shown under the buttons. */
  async function attempt(name: string, action: () => Promise<{ error: { message: string } | null; notice?: string }>): Promise<void> {
    setBusy(name)
    setProblem(null)
    setNotice(null)
    try {
      const result = await action()
      if (result.error) setProblem(result.error.message)
      else if (result.notice) setNotice(result.notice)
    } catch (caught) {
      setProblem(errorMessage(caught))
    } finally {
      setBusy(null)
    }
  }

  const signIn = () => attempt('sign-in', () => client.auth.signInWithPassword({ email: email.trim(), password }))
  const credentialsMissing = email.trim() === '' || password === ''
  const host = (() => {
    try {
      return new URL(settings.supabaseUrl).host
    } catch {
      return settings.supabaseUrl
    }
  })()

  return (
    <section class={styles.panel} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title" class={styles.title}>
        {title}
      </h2>
      <p class={styles.text}>
        {intro ??
          `You work in your own workspace on ${host}: its runs, templates and Spec Kit documents are yours alone unless you join a team.`}
      </p>
      <Button
        fullWidth
        onClick={() => void attempt('anonymous', () => client.auth.signInAnonymously())}
        loading={busy === 'anonymous'}
        disabled={busy !== null}
        data-sign-in-anonymous
      >
        Continue without an account
      </Button>
      <div class={styles.divider}>
        <span>or with email</span>
      </div>
      {/* Not a <form>: the library's buttons have no type, so each click would also submit it. */}
      <div
        class={styles.form}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && event.target instanceof HTMLInputElement && !credentialsMissing && busy === null) void signIn()
        }}
      >
        <FormField label="Email">
          <Textbox value={email} onValueInput={setEmail} placeholder="you@example.com" variant="border" data-email />
        </FormField>
        <FormField label="Password">
          <Textbox value={password} onValueInput={setPassword} password variant="border" data-password />
        </FormField>
        <div class={styles.row}>
          <Button onClick={() => void signIn()} loading={busy === 'sign-in'} disabled={busy !== null || credentialsMissing}>
            Sign in
          </Button>
          <Button
            secondary
            onClick={() =>
              void attempt('sign-up', async () => {
                const { data, error: signUpError } = await client.auth.signUp({ email: email.trim(), password })
                return { error: signUpError, notice: data.session ? undefined : 'Check your inbox to confirm the address, then sign in.' }
              })
            }
            loading={busy === 'sign-up'}
            disabled={busy !== null || credentialsMissing}
          >
            Create account
          </Button>
        </div>
      </div>
      {problem === null ? null : (
        <p class={styles.error} role="alert">
          {problem}
        </p>
      )}
      {notice === null ? null : (
        <p class={styles.notice} role="status">
          {notice}
        </p>
      )}
      {onOpenSettings ? (
        <button type="button" class={styles.link} onClick={onOpenSettings}>
          Supabase settings…
        </button>
      ) : null}
    </section>
  )
}
