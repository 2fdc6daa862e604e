import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { ApprovalBaseline } from '../../../client/team-api.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import { useServices } from '../../services/services-context.ts'
import type { InboxEntry } from '../../view-models/approval-inbox.ts'
import { templateChange, templateChangeText } from '../../view-models/template-change.ts'
import { formatAge } from '../../view-models/times.ts'
import { ApprovalPanel } from '../approval-panel/approval-panel.tsx'
import { DiffView } from '../diff-view/diff-view.tsx'
import { StatusBadge } from '../status-badge/status-badge.tsx'
import styles from './inbox-item.css'

export interface InboxItemProps {
  entry: InboxEntry
  /** Who started it, by name ("you" for the signed-in person). */
  startedBy: string
  now: number
  onOpen: (runId: string) => void
}

function inputText(value: unknown): string {
  if (typeof value === 'string') return value
  return JSON.stringify(value) ?? String(value)
}

/**
 * One run waiting for approval: what will run (template revision, inputs, plan, environment),
 * what changed in the template since its last approved run, how far the approvals are, and the
 * decision — or why this person cannot make it.
 */
export function InboxItem({ entry, startedBy, now, onOpen }: InboxItemProps) {
  const { run, wait } = entry
  const services = useServices()
  const [baseline, setBaseline] = useState<ApprovalBaseline | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let stopped = false
    services.team.approvalBaseline(run.id).then(
      (found) => !stopped && setBaseline(found),
      (caught: unknown) => !stopped && setProblem(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
  }, [services, run.id])

  const decide = async (approve: boolean, comment: string | undefined) => {
    setBusy(true)
    setProblem(null)
    try {
      await services.api.decideApproval(run.id, approve, comment)
    } catch (caught) {
      setProblem(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  const change = baseline === null ? null : templateChange(baseline)
  const headingId = `inbox-run-${run.id}`
  const inputs = Object.entries(run.inputs)
  return (
    <li class={styles.item} aria-labelledby={headingId} data-inbox-run={run.id}>
      <div class={styles.top}>
        <StatusBadge run={run} />
        <h3 id={headingId} class={styles.title}>
          {run.title}
        </h3>
      </div>
      <p class={styles.meta} data-inbox-meta>
        <span class={styles.env}>{run.env}</span> · {run.template_slug ?? 'no template'}
        {baseline?.revision == null ? '' : ` revision ${baseline.revision}`} · started by {startedBy} · {formatAge(run.created_at, now)}
      </p>
      {inputs.length === 0 ? null : (
        <dl class={styles.inputs} aria-label="Inputs">
          {inputs.map(([key, value]) => (
            <div key={key} class={styles.input}>
              <dt>{key}</dt>
              <dd>{inputText(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {run.plan === null || run.plan.steps.length === 0 ? null : (
        <ol class={styles.plan} aria-label="Plan">
          {run.plan.steps.map((step) => (
            <li key={step.id} data-plan-step={step.id}>
              {step.title} <span class={styles.kind}>({step.kind.replace('_', ' ')})</span>
            </li>
          ))}
        </ol>
      )}
      <div class={styles.change} data-template-change={change?.kind ?? 'loading'}>
        <p class={styles.changeText}>{change === null ? 'Comparing with the last approved run…' : templateChangeText(change)}</p>
        {change?.kind === 'changed' ? <DiffView diff={change.diff} label={`Template changes in ${run.title}`} /> : null}
      </div>
      {problem === null ? null : (
        <p class={styles.problem} role="alert">
          {problem}
        </p>
      )}
      <ApprovalPanel wait={wait} busy={busy} onDecide={(approve, comment) => void decide(approve, comment)} />
      <div>
        <Button secondary onClick={() => onOpen(run.id)} data-open-run>
          Open log
        </Button>
      </div>
    </li>
  )
}
