import { h } from 'preact'
import type { NewRun } from '../../../client/types.ts'
import { IntentRunner } from '../../components/intent-runner/intent-runner.tsx'
import type { CatalogEntry } from '../../view-models/template-catalog.ts'
import styles from './chat-tab.css'

export interface ChatTabProps {
  catalog: readonly CatalogEntry[]
  onStartRun: (run: NewRun) => Promise<void>
}

/** Say what should happen; the card shows which runbook, with what, and runs it. */
export function ChatTab({ catalog, onStartRun }: ChatTabProps) {
  return (
    <div class={styles.tab}>
      <IntentRunner catalog={catalog} onStartRun={onStartRun} idPrefix="chat" />
      <p class={styles.help}>
        Name the action, the service and the environment (“deploy api to staging”), add values as key=value (“ref=v2.3”), and put free text
        after a colon (“open a sev2 incident: checkout errors”).
      </p>
    </div>
  )
}
