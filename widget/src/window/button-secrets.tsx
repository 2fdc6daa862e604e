/** @jsx h */
/** Pressing a runbook button that asks for secret inputs: typed here for this run only, never kept on the board. */
import { h } from 'preact'
import { useState } from 'preact/hooks'
import { Button, Textbox } from '@create-figma-plugin/ui'
import { emit } from '@create-figma-plugin/utilities'
import type { OpsClient } from '../../../src/client/supabase.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import { buttonLabel, type RunbookButton } from '../card/runbook-button.ts'
import type { ButtonDoneHandler } from '../messages.ts'
import { pressButton } from './runbook-buttons.ts'
import styles from './window.css'

export function ButtonSecrets(props: { client: OpsClient; button: RunbookButton }) {
  const { button } = props
  const [values, setValues] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const [running, setRunning] = useState(false)
  const run = async () => {
    setRunning(true)
    try {
      emit<ButtonDoneHandler>('BUTTON_DONE', await pressButton(props.client, button, values))
    } catch (e) {
      setError(errorMessage(e))
      setRunning(false)
    }
  }
  return (
    <div class={styles.stack} data-button-secrets>
      <h1 class={styles.heading}>{buttonLabel(button)}</h1>
      {button.secretKeys.map((key) => (
        <label key={key} class={styles.field}>
          <span>{key}</span>
          <Textbox password value={values[key] ?? ''} onValueInput={(value) => setValues({ ...values, [key]: value })} variant="border" />
        </label>
      ))}
      {error ? (
        <p role="alert" class={styles.error}>
          {error}
        </p>
      ) : null}
      <Button onClick={() => void run()} disabled={running} loading={running}>
        Run
      </Button>
    </div>
  )
}
