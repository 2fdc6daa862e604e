import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { AuditFilter } from '../../../client/workspace-governance.ts'
import { useServices } from '../../services/services-context.ts'
import { AUDIT_KINDS, auditEntryView, type AuditEntryView } from '../../view-models/audit-entries.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './audit-trail.css'

/** Who changed what in the workspace, newest first, filtered by kind of change and by person. */
export function AuditTrail() {
  const { governance } = useServices()
  const [kind, setKind] = useState('')
  const [actor, setActor] = useState('')
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map())
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    let stopped = false
    setEntries(null)
    setError(null)
    const filter: AuditFilter = { ...(kind === '' ? {} : { kind }), ...(actor === '' ? {} : { actor }) }
    Promise.all([governance.memberNames(), governance.listAudit(filter)]).then(
      ([members, rows]) => {
        if (stopped) return
        setNames(members)
        setEntries(rows.map((row) => auditEntryView(row, members)))
      },
      (caught: unknown) => !stopped && setError(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
  }, [governance, kind, actor, generation])

  const people = [...names.entries()].sort((a, b) => a[1].localeCompare(b[1]))
  return (
    <section class={styles.trail} aria-labelledby="audit-title" data-audit-trail>
      <h2 class={styles.title} id="audit-title">
        Audit trail
      </h2>
      <div class={styles.filters}>
        <label class={styles.field}>
          <span>Kind</span>
          <select class={styles.select} value={kind} onChange={(event) => setKind(event.currentTarget.value)} data-audit-kind>
            <option value="">Every kind</option>
            {AUDIT_KINDS.map((option) => (
              <option key={option.kind} value={option.kind}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label class={styles.field}>
          <span>Person</span>
          <select class={styles.select} value={actor} onChange={(event) => setActor(event.currentTarget.value)} data-audit-person>
            <option value="">Everyone</option>
            {people.map(([userId, name]) => (
              <option key={userId} value={userId}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <Button secondary onClick={() => setGeneration((current) => current + 1)}>
          Refresh
        </Button>
      </div>
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {entries === null && error === null ? <p class={styles.muted}>Loading the audit trail…</p> : null}
      {entries !== null && entries.length === 0 ? (
        <p class={styles.muted}>Nothing recorded{kind === '' && actor === '' ? '' : ' that matches'}.</p>
      ) : null}
      <ol class={styles.list} aria-label="Audit entries, newest first">
        {(entries ?? []).map((entry) => (
          <li key={entry.id} class={styles.entry} data-audit-entry={entry.kind}>
            <time class={styles.muted} dateTime={entry.at}>
              {new Date(entry.at).toLocaleString()}
            </time>{' '}
            <span class={styles.who}>{entry.who}</span> <span data-audit-what>{entry.what}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}
