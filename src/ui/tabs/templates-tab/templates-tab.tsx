import { h } from 'preact'
import type { NewRun } from '../../../client/types.ts'
import { BrokenTemplateCard } from '../../components/broken-template-card/broken-template-card.tsx'
import { IntentRunner } from '../../components/intent-runner/intent-runner.tsx'
import { RunbookTemplateCard } from '../../components/runbook-template-card/runbook-template-card.tsx'
import { isRunnable, type CatalogEntry } from '../../view-models/template-catalog.ts'
import styles from './templates-tab.css'

export interface TemplatesTabProps {
  catalog: readonly CatalogEntry[]
  onStartRun: (run: NewRun) => Promise<void>
}

/** Every runbook template as a card with its form, and a quick-run bar on top. */
export function TemplatesTab({ catalog, onStartRun }: TemplatesTabProps) {
  return (
    <div class={styles.tab}>
      <IntentRunner catalog={catalog} onStartRun={onStartRun} idPrefix="quick" label="Quick run" examples={[]} />
      <h2 class={styles.heading}>
        Templates{' '}
        <span class={styles.count} data-template-count>
          {catalog.length}
        </span>
      </h2>
      {catalog.length === 0 ? <p class={styles.empty}>No templates yet. Add rows to ops.run_templates (see the README).</p> : null}
      <div class={styles.list}>
        {catalog.map((entry) =>
          isRunnable(entry) ? (
            <RunbookTemplateCard key={entry.slug} entry={entry} onStartRun={onStartRun} />
          ) : (
            <BrokenTemplateCard key={entry.slug} entry={entry} />
          ),
        )}
      </div>
    </div>
  )
}
