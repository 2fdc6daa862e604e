import { h } from 'preact'
import styles from './intent-suggestions.css'

export interface IntentSuggestionsProps {
  title: string
  options: ReadonlyArray<{ slug: string; title: string }>
  onChoose: (slug: string) => void
}

/** Runbooks close to what was typed, each a button that picks it. */
export function IntentSuggestions({ title, options, onChoose }: IntentSuggestionsProps) {
  return (
    <div class={styles.suggestions} data-suggestions>
      <span class={styles.muted}>{title}</span>
      {options.map((option) => (
        <button key={option.slug} type="button" class={styles.suggestion} onClick={() => onChoose(option.slug)}>
          {option.title}
        </button>
      ))}
    </div>
  )
}
