import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { NewRun } from '../../../client/types.ts'
import { BrokenTemplateCard } from '../../components/broken-template-card/broken-template-card.tsx'
import { IntentRunner } from '../../components/intent-runner/intent-runner.tsx'
import { RunbookTemplateCard } from '../../components/runbook-template-card/runbook-template-card.tsx'
import { TemplateEditor } from '../../components/template-editor/template-editor.tsx'
import { useWorkspaceRole } from '../../hooks/use-workspace-role.ts'
import { isRunnable, type CatalogEntry } from '../../view-models/template-catalog.ts'
import { roleAtLeast } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './templates-tab.css'

export interface TemplatesTabProps {
  catalog: readonly CatalogEntry[]
  onStartRun: (run: NewRun) => Promise<void>
  /** Lists the templates again (after a save, so the next run pins the new revision). */
  onTemplatesChanged: () => void
}

/** Every runbook template as a card with its form, and a quick-run bar on top; a template's editor (or, for non-admins, its history) on request. */
export function TemplatesTab({ catalog, onStartRun, onTemplatesChanged }: TemplatesTabProps) {
  const { role } = useWorkspaceRole()
  const canEdit = roleAtLeast(role, 'admin')
  // undefined: the list; null: a new template; a slug: that template's page.
  const [open, setOpen] = useState<string | null | undefined>(undefined)

  if (open !== undefined) {
    return (
      <TemplateEditor
        key={open ?? 'new'}
        slug={open}
        canEdit={canEdit}
        role={role ?? null}
        onClose={() => setOpen(undefined)}
        onSaved={(row) => {
          onTemplatesChanged()
          if (open === null) setOpen(row.slug)
        }}
      />
    )
  }
  const openLabel = canEdit ? 'Edit' : 'History'
  // Offered once the role is known, so an admin never opens a read-only page by clicking early.
  const openable = role !== undefined
  return (
    <div class={styles.tab}>
      <IntentRunner catalog={catalog} onStartRun={onStartRun} idPrefix="quick" label="Quick run" examples={[]} />
      <h2 class={styles.heading}>
        Templates{' '}
        <span class={styles.count} data-template-count>
          {catalog.length}
        </span>
        <span class={styles.spacer} />
        {canEdit ? (
          <Button secondary onClick={() => setOpen(null)} data-new-template>
            New template
          </Button>
        ) : null}
      </h2>
      {catalog.length === 0 ? <p class={styles.empty}>No templates yet.{canEdit ? ' Create one with New template.' : ''}</p> : null}
      <div class={styles.list}>
        {catalog.map((entry) =>
          isRunnable(entry) ? (
            <RunbookTemplateCard
              key={entry.slug}
              entry={entry}
              onStartRun={onStartRun}
              openLabel={openLabel}
              {...(openable ? { onOpen: () => setOpen(entry.slug) } : {})}
            />
          ) : (
            <BrokenTemplateCard
              key={entry.slug}
              entry={entry}
              openLabel={openLabel}
              {...(openable ? { onOpen: () => setOpen(entry.slug) } : {})}
            />
          ),
        )}
      </div>
    </div>
  )
}
