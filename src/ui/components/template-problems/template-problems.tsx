import { h } from 'preact'
import type { DraftError } from '../../view-models/template-draft.ts'
import styles from './template-problems.css'

export interface TemplateProblemsProps {
  /** Describes the YAML field (its aria-describedby names it). */
  id: string
  errors: readonly DraftError[]
  /** Puts the caret at a problem's line and column. */
  onGoTo: (error: DraftError) => void
}

/** What the executor's parser says about the draft: each problem a button that goes to its line and column. */
export function TemplateProblems({ id, errors, onGoTo }: TemplateProblemsProps) {
  return (
    <div id={id} class={styles.problems} data-template-problems={errors.length}>
      <p class={errors.length === 0 ? styles.ok : styles.summary} role="status">
        {errors.length === 0
          ? 'No problems: the executor accepts this template.'
          : `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}: the executor would refuse this template.`}
      </p>
      {errors.length === 0 ? null : (
        <ul class={styles.list} aria-label="Problems in the template">
          {errors.map((error, index) => (
            <li key={`${index}:${error.text}`}>
              <button
                type="button"
                class={styles.problem}
                onClick={() => onGoTo(error)}
                data-template-problem={`${error.line}:${error.column}`}
              >
                <span class={styles.where}>
                  Line {error.line}, column {error.column}
                </span>{' '}
                {error.text}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
