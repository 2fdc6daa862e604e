import { Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import styles from './intent-bar.css'

export const INTENT_EXAMPLES: readonly string[] = [
  'deploy web to prod',
  'deploy api to staging ref=v2.3',
  'open a sev2 incident: checkout errors',
]

export interface IntentBarProps {
  value: string
  onChange: (text: string) => void
  /** Enter in the box: show the card for review (never run it). */
  onSubmit?: () => void
  label?: string
  examples?: readonly string[]
}

/** Free text ("deploy web to prod") that becomes a runbook card as it is typed. */
export function IntentBar({
  value,
  onChange,
  onSubmit = () => {},
  label = 'What should run?',
  examples = INTENT_EXAMPLES,
}: IntentBarProps) {
  return (
    <div class={styles.bar}>
      <label class={styles.field}>
        <span class={styles.label}>{label}</span>
        <Textbox
          data-intent-bar
          placeholder="e.g. deploy web to prod"
          spellCheck={false}
          value={value}
          variant="border"
          onValueInput={onChange}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onSubmit()
          }}
        />
      </label>
      {examples.length === 0 ? null : (
        <div class={styles.examples}>
          <span class={styles.try}>Try:</span>
          {examples.map((example) => (
            <button key={example} type="button" class={styles.example} onClick={() => onChange(example)}>
              {example}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
