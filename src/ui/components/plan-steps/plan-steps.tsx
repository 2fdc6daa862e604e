import { h } from 'preact'
import type { PlanStepView } from '../../view-models/runbook-card.ts'
import styles from './plan-steps.css'

/** The steps a run will take, in order, with their phase and kind. */
export function PlanSteps({ steps }: { steps: readonly PlanStepView[] }) {
  return (
    <ol class={styles.steps} aria-label="Plan">
      {steps.map((step) => (
        <li key={step.id} class={step.kind === 'approval' ? `${styles.step} ${styles.approval}` : styles.step} data-step={step.id}>
          <span class={styles.title}>{step.title}</span>
          <span class={styles.meta}>
            {step.phase} · {step.kind.replace('_', ' ')}
          </span>
        </li>
      ))}
    </ol>
  )
}
