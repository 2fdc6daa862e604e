import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { useServices } from '../../services/services-context.ts'
import { FormField } from '../form-field/form-field.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './guest-upgrade-panel.css'

export interface GuestUpgradePanelProps {
  /** `sign-out`: the guest asked to sign out, so the panel warns first and offers to sign out anyway. */
  reason: 'save' | 'sign-out'
  /** The guest became an email user (or must confirm the address first: `pending`). */
  onSaved: (email: string, pending: boolean) => void
  onCancel: () => void
  /** Signs out of the guest session, leaving its work behind (only offered when `reason` is sign-out). */
  onSignOutAnyway?: () => void
}

/**
 * Turns a guest (an anonymous Supabase user) into an email user: `updateUser({ email, password })`
 * links the email to the same user, so its runs, workspaces and documents stay its own. Signing out
 * of a guest session instead leaves all of that where nobody can sign in to reach it again.
 */
export function GuestUpgradePanel({ reason, onSaved, onCancel, onSignOutAnyway }: GuestUpgradePanelProps) {
  const { client } = useServices()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  // Keyboard users land on the panel's title, so what follows is read in order.
  useEffect(() => heading.current?.focus(), [reason])

  const missing = email.trim() === '' || password === ''
  async function save(): Promise<void> {
    setBusy(true)
    setProblem(null)
    try {
      const { data, error } = await client.auth.updateUser({ email: email.trim(), password })
      if (error) setProblem(error.message)
      else onSaved(email.trim(), data.user?.is_anonymous !== false)
    } catch (caught) {
      setProblem(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class={styles.panel} aria-labelledby="guest-upgrade-title" data-guest-upgrade={reason}>
      <h2 id="guest-upgrade-title" class={styles.title} tabIndex={-1} ref={heading}>
        {reason === 'sign-out' ? 'Sign out of this guest session?' : 'Save your work: add an email'}
      </h2>
      {reason === 'sign-out' ? (
        <p class={styles.warning} data-guest-warning>
          You are signed in as a guest. Once you sign out, nobody can sign in to this session again: its runs, workspaces and documents can
          no longer be reached. Add an email first to keep them.
        </p>
      ) : (
        <p class={styles.text}>
          You are signed in as a guest. Add an email and a password to keep your runs, workspaces and documents and to sign in to them from
          anywhere; nothing moves, your account stays the same.
        </p>
      )}
      {/* Not a <form>: the library's buttons have no type, so each click would also submit it. */}
      <div
        class={styles.form}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && event.target instanceof HTMLInputElement && !missing && !busy) void save()
        }}
      >
        <FormField label="Email">
          <Textbox value={email} onValueInput={setEmail} placeholder="you@example.com" variant="border" data-upgrade-email />
        </FormField>
        <FormField label="Password" hint="At least 6 characters.">
          <Textbox value={password} onValueInput={setPassword} password variant="border" data-upgrade-password />
        </FormField>
      </div>
      {problem === null ? null : (
        <p class={styles.error} role="alert">
          {problem}
        </p>
      )}
      <div class={styles.row}>
        <Button onClick={() => void save()} loading={busy} disabled={busy || missing} data-upgrade-save>
          Save with this email
        </Button>
        <Button secondary onClick={onCancel} disabled={busy} data-upgrade-cancel>
          {reason === 'sign-out' ? 'Stay signed in' : 'Not now'}
        </Button>
        {reason === 'sign-out' && onSignOutAnyway ? (
          <Button secondary danger onClick={onSignOutAnyway} disabled={busy} data-sign-out-anyway>
            Sign out and leave it behind
          </Button>
        ) : null}
      </div>
    </section>
  )
}
