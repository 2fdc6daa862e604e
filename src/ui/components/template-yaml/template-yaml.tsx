import { h } from 'preact'
import styles from './template-yaml.css'

/** A template's YAML source, as text. */
export function TemplateYaml({ slug, yaml }: { slug: string; yaml: string }) {
  return (
    <pre class={styles.yaml} data-template-yaml role="region" aria-label={`${slug} template YAML`} tabIndex={0}>
      {yaml}
    </pre>
  )
}
