import { Button } from '@create-figma-plugin/ui'
import { Fragment, h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { EnvironmentRow, SecretBindingView } from '../../../client/workspace-governance.ts'
import { useServices } from '../../services/services-context.ts'
import { environmentWords } from '../../view-models/audit-entries.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './environments-panel.css'

/** ops.environments' name rule, said before the server has to. */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9_-]{0,31}$/

interface Form {
  name: string
  protected: boolean
  requiredApprovals: string
  preventSelfReview: boolean
}

const EMPTY_FORM: Form = { name: '', protected: true, requiredApprovals: '1', preventSelfReview: true }

/** Why the form cannot be saved, or null. */
function formProblem(form: Form): string | null {
  if (!ENVIRONMENT_NAME.test(form.name)) {
    return `"${form.name}" cannot name an environment: start with a lowercase letter; then letters, digits, - or _, at most 32.`
  }
  const count = Number(form.requiredApprovals)
  if (!Number.isInteger(count) || count < 1 || count > 10)
    return `Required approvals must be a whole number from 1 to 10, not "${form.requiredApprovals}".`
  return null
}

/**
 * Which environments of the workspace are protected and how; admins change them and see which
 * secrets the workspace may use and where they may be sent (never their values).
 */
export function EnvironmentsPanel({ isAdmin }: { isAdmin: boolean }) {
  const { governance } = useServices()
  const [environments, setEnvironments] = useState<EnvironmentRow[] | null>(null)
  const [bindings, setBindings] = useState<SecretBindingView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [form, setForm] = useState<Form>(EMPTY_FORM)
  const [formError, setFormError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    let stopped = false
    governance.listEnvironments().then(
      (rows) => !stopped && setEnvironments(rows),
      (caught: unknown) => !stopped && setError(errorMessage(caught)),
    )
    if (isAdmin) {
      governance.listSecretBindings().then(
        (rows) => !stopped && setBindings(rows),
        (caught: unknown) => !stopped && setError(errorMessage(caught)),
      )
    }
    return () => {
      stopped = true
    }
  }, [governance, isAdmin, generation])

  async function save(): Promise<void> {
    const problem = formProblem(form)
    setFormError(problem)
    setNotice(null)
    if (problem !== null) return
    setSaving(true)
    try {
      const row = await governance.setEnvironment(form.name, {
        protected: form.protected,
        requiredApprovals: Number(form.requiredApprovals),
        preventSelfReview: form.preventSelfReview,
      })
      setNotice(`Saved ${row.name}: ${environmentWords(row)}.`)
      setGeneration((current) => current + 1)
    } catch (caught) {
      setFormError(`Not saved: ${errorMessage(caught)}`)
    } finally {
      setSaving(false)
    }
  }

  const edit = (row: EnvironmentRow) => {
    setForm({
      name: row.name,
      protected: row.protected,
      requiredApprovals: String(row.required_approvals),
      preventSelfReview: row.prevent_self_review,
    })
    setFormError(null)
    setNotice(null)
    document.getElementById('environment-name')?.focus()
  }

  return (
    <section class={styles.panel} aria-labelledby="environments-title" data-environments>
      <h2 class={styles.title} id="environments-title">
        Environments
      </h2>
      <p class={styles.muted}>
        A run on a protected environment stops for approval before any step. An environment not listed here is not protected.
      </p>
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {environments === null && error === null ? <p class={styles.muted}>Loading the environments…</p> : null}
      {environments !== null && environments.length === 0 ? <p class={styles.muted}>No environment is protected.</p> : null}
      <ul class={styles.list}>
        {(environments ?? []).map((row) => (
          <li key={row.name} class={styles.row} data-environment={row.name}>
            <span class={styles.name}>{row.name}</span>
            <span data-environment-rules>{environmentWords(row)}</span>
            {row.protected ? <span class={styles.muted}>decided by {row.approver_role}s</span> : null}
            {isAdmin ? (
              <button
                type="button"
                class={styles.linkButton}
                onClick={() => edit(row)}
                aria-label={`Edit ${row.name}`}
                data-edit-environment={row.name}
              >
                Edit
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {isAdmin ? (
        <form
          class={styles.form}
          aria-label="Set an environment"
          onSubmit={(event) => {
            event.preventDefault()
            void save()
          }}
          data-environment-form
        >
          <label class={styles.field}>
            <span>Environment</span>
            <input
              id="environment-name"
              class={styles.input}
              value={form.name}
              placeholder="production"
              onInput={(event) => setForm({ ...form, name: event.currentTarget.value })}
              aria-describedby={formError === null ? undefined : 'environment-form-problem'}
              data-environment-name
            />
          </label>
          <label class={styles.check}>
            <input
              type="checkbox"
              checked={form.protected}
              onChange={(event) => setForm({ ...form, protected: event.currentTarget.checked })}
              data-environment-protected
            />
            Protected
          </label>
          <label class={styles.field}>
            <span>Required approvals</span>
            <input
              class={styles.number}
              type="number"
              min={1}
              max={10}
              value={form.requiredApprovals}
              disabled={!form.protected}
              onInput={(event) => setForm({ ...form, requiredApprovals: event.currentTarget.value })}
              data-environment-approvals
            />
          </label>
          <label class={styles.check}>
            <input
              type="checkbox"
              checked={form.preventSelfReview}
              disabled={!form.protected}
              onChange={(event) => setForm({ ...form, preventSelfReview: event.currentTarget.checked })}
              data-environment-self-review
            />
            Prevent self-review (the starter never approves their own run)
          </label>
          <Button onClick={() => void save()} loading={saving} disabled={saving} data-save-environment>
            Save environment
          </Button>
          {formError === null ? null : (
            <p id="environment-form-problem" class={styles.error} role="alert">
              {formError}
            </p>
          )}
          {notice === null ? null : (
            <p class={styles.notice} role="status">
              {notice}
            </p>
          )}
        </form>
      ) : (
        <p class={styles.muted}>Only admins change environments.</p>
      )}
      <h3 class={styles.subtitle}>Secret bindings</h3>
      {isAdmin ? (
        <>
          <p class={styles.muted}>
            Which secrets of the Edge Function’s environment this workspace’s runs may use, and the only hosts each may be sent to. Values
            are never shown; whoever deploys binds them (see the README).
          </p>
          {bindings !== null && bindings.length === 0 ? <p class={styles.muted}>No secret is bound to this workspace.</p> : null}
          {bindings === null || bindings.length === 0 ? null : (
            <table class={styles.table} data-secret-bindings>
              <thead>
                <tr>
                  <th scope="col">Secret</th>
                  <th scope="col">Hosts</th>
                  <th scope="col">Environments</th>
                </tr>
              </thead>
              <tbody>
                {bindings.map((binding) => (
                  <tr key={binding.id} data-secret-binding={binding.name}>
                    <td class={styles.code}>{binding.name}</td>
                    <td class={styles.code}>{binding.hosts.join(', ')}</td>
                    <td>{binding.environments === null ? 'all' : binding.environments.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <p class={styles.muted}>Secret bindings are shown to admins.</p>
      )}
    </section>
  )
}
