import { h } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import type { NewRun } from '../../../client/types.ts'
import type { FormValue } from '../../view-models/input-fields.ts'
import { newRunFromCard, runbookCard } from '../../view-models/runbook-card.ts'
import type { RunnableEntry } from '../../view-models/template-catalog.ts'
import { RunbookCard } from '../runbook-card/runbook-card.tsx'
import { TemplateYaml } from '../template-yaml/template-yaml.tsx'
import { useStartRun } from '../../hooks/use-start-run.ts'
import styles from './runbook-template-card.css'

export interface RunbookTemplateCardProps {
  entry: RunnableEntry
  onStartRun: (run: NewRun) => Promise<void>
  /** Opens the template's page: "Edit" for admins, "History" for everyone else. */
  openLabel?: string
  onOpen?: () => void
}

/** A template with its inputs form, Run, and its YAML on request. */
export function RunbookTemplateCard({ entry, onStartRun, openLabel, onOpen }: RunbookTemplateCardProps) {
  const [entered, setEntered] = useState<Record<string, FormValue>>({})
  const [dryRun, setDryRun] = useState(false)
  const [showYaml, setShowYaml] = useState(false)
  const { starting, error, start } = useStartRun(onStartRun)
  const card = useMemo(() => runbookCard(entry, {}, entered), [entry, entered])

  // start shows its own failure on the card, so the promise is left to it.
  const run = () => void start(newRunFromCard(card, dryRun))

  return (
    <div data-template-card={entry.slug}>
      <RunbookCard
        card={card}
        inputsMode="form"
        idPrefix={`template-${entry.slug}`}
        dryRun={dryRun}
        starting={starting}
        error={error}
        onDryRunChange={setDryRun}
        onFieldChange={(key, value) => setEntered((current) => ({ ...current, [key]: value }))}
        onRun={run}
        actions={[
          onOpen === undefined ? null : (
            <button type="button" key="open" class={styles.linkButton} onClick={onOpen} data-open-template={entry.slug}>
              {openLabel ?? 'Open'}
            </button>
          ),
          <button
            key="yaml"
            type="button"
            class={styles.linkButton}
            aria-expanded={showYaml}
            onClick={() => setShowYaml(!showYaml)}
            data-view-yaml
          >
            {showYaml ? 'Hide YAML' : 'View YAML'}
          </button>,
        ]}
      >
        {showYaml ? <TemplateYaml slug={entry.slug} yaml={entry.row.template_yaml} /> : null}
      </RunbookCard>
    </div>
  )
}
