import { Button, Toggle } from '@create-figma-plugin/ui'
import { h, type ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { displayValue, type FormValue } from '../../view-models/input-fields.ts'
import type { RunbookCardModel } from '../../view-models/runbook-card.ts'
import { ApprovalBadge } from '../approval-badge/approval-badge.tsx'
import { InputControl } from '../input-control/input-control.tsx'
import { PlanSteps } from '../plan-steps/plan-steps.tsx'
import styles from './runbook-card.css'

export interface RunbookCardProps {
  card: RunbookCardModel
  /**
   * 'summary': the values already known as a line of chips, form fields only for the missing
   * ones (the Chat card); 'form': every input as a field (a template card).
   */
  inputsMode: 'summary' | 'form'
  idPrefix: string
  dryRun: boolean
  starting: boolean
  error: string | null
  onDryRunChange?: (dryRun: boolean) => void
  onFieldChange?: (key: string, value: FormValue) => void
  onRun?: () => void
  /** Extra buttons beside Run (View YAML). */
  actions?: ComponentChildren
  /** Extra content under the header (a YAML view). */
  children?: ComponentChildren
}

/** A runbook ready to start: inputs, plan, approval, dry run, Run. */
export function RunbookCard(props: RunbookCardProps) {
  const {
    card,
    inputsMode,
    idPrefix,
    dryRun,
    starting,
    error,
    onDryRunChange = () => {},
    onFieldChange = () => {},
    onRun = () => {},
  } = props
  const [editAll, setEditAll] = useState(false)
  const showAll = inputsMode === 'form' || editAll
  const formFields = showAll
    ? card.fields
    : card.fields.filter((field) => field.missing || field.error !== null || field.source === 'entered')
  const known = card.fields.filter((field) => !formFields.includes(field) && field.value !== '')
  const titleId = `${idPrefix}-title`

  return (
    <section class={styles.card} aria-labelledby={titleId} data-runbook-card={card.slug}>
      <header class={styles.header}>
        <h2 class={styles.title} id={titleId} tabIndex={-1} data-run-title>
          {card.runTitle}
        </h2>
        <span class={styles.kind}>{card.kind}</span>
        {card.plan.ok ? (
          <span class={styles.env} data-env={card.plan.env}>
            {card.plan.env}
          </span>
        ) : null}
        {card.plan.ok && card.plan.approvalRequired ? <ApprovalBadge reason={card.plan.approvalReason} /> : null}
      </header>
      {card.description === '' ? null : <p class={styles.description}>{card.description}</p>}
      {props.children}

      {known.length === 0 ? null : (
        <div class={styles.known} aria-label="Inputs">
          {known.map((field) => (
            <span key={field.key} class={styles.chip} data-input={field.key}>
              <span class={styles.chipLabel}>{field.label}</span> {displayValue(field)}
            </span>
          ))}
          {inputsMode === 'summary' ? (
            <button type="button" class={styles.linkButton} onClick={() => setEditAll(true)}>
              Edit inputs
            </button>
          ) : null}
        </div>
      )}
      {formFields.length === 0 ? null : (
        <div class={styles.fields}>
          {formFields.map((field) => (
            <InputControl key={field.key} field={field} idPrefix={idPrefix} onChange={onFieldChange} />
          ))}
        </div>
      )}

      {card.plan.ok ? (
        <div class={styles.section}>
          <h3 class={styles.sectionTitle}>Plan · {card.plan.steps.length} steps</h3>
          <PlanSteps steps={card.plan.steps} />
          {card.plan.approvalRequired && card.plan.approvalReason !== null ? <p class={styles.note}>{card.plan.approvalReason}</p> : null}
        </div>
      ) : (
        <ul class={styles.problems} aria-label="What is missing">
          {card.plan.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {card.unknownPairs.length === 0 ? null : <p class={styles.note}>Ignored (no such input): {card.unknownPairs.join(', ')}</p>}
      {card.notes.length === 0 ? null : (
        <ul class={styles.warnings} aria-label="Changed from what you typed" data-intent-notes>
          {card.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}

      <footer class={styles.footer}>
        <Toggle value={dryRun} onValueChange={onDryRunChange}>
          Dry run
        </Toggle>
        <span class={styles.spacer} />
        {props.actions}
        <Button onClick={onRun} disabled={!card.canRun || starting} loading={starting} data-run-button>
          {dryRun ? 'Dry run' : 'Run'}
        </Button>
      </footer>
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
