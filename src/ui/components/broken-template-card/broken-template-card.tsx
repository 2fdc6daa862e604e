import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { CatalogEntry } from '../../view-models/template-catalog.ts'
import { TemplateYaml } from '../template-yaml/template-yaml.tsx'
import styles from './broken-template-card.css'

/** A stored template that does not validate: what is wrong (line and column), and its YAML. */
export function BrokenTemplateCard({ entry, openLabel, onOpen }: { entry: CatalogEntry; openLabel?: string; onOpen?: () => void }) {
  const [showYaml, setShowYaml] = useState(false)
  return (
    <section class={styles.card} aria-label={entry.row.title} data-template-card={entry.slug}>
      <h2 class={styles.title}>{entry.row.title}</h2>
      <p class={styles.problem} role="alert">
        This template cannot run: {entry.problem}
      </p>
      {onOpen === undefined ? null : (
        <button type="button" class={styles.linkButton} onClick={onOpen} data-open-template={entry.slug}>
          {openLabel ?? 'Open'}
        </button>
      )}
      <button type="button" class={styles.linkButton} aria-expanded={showYaml} onClick={() => setShowYaml(!showYaml)} data-view-yaml>
        {showYaml ? 'Hide YAML' : 'View YAML'}
      </button>
      {showYaml ? <TemplateYaml slug={entry.slug} yaml={entry.row.template_yaml} /> : null}
    </section>
  )
}
