import { h } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import type { NewRun } from '../../../client/types.ts'
import type { FormValue } from '../../view-models/input-fields.ts'
import { intentCard, newRunFromCard } from '../../view-models/runbook-card.ts'
import type { CatalogEntry } from '../../view-models/template-catalog.ts'
import { IntentBar, INTENT_EXAMPLES } from '../intent-bar/intent-bar.tsx'
import { IntentSuggestions } from '../intent-suggestions/intent-suggestions.tsx'
import { RunbookCard } from '../runbook-card/runbook-card.tsx'
import { useStartRun } from '../../hooks/use-start-run.ts'
import styles from './intent-runner.css'

export interface IntentRunnerProps {
  catalog: readonly CatalogEntry[]
  onStartRun: (run: NewRun) => Promise<void>
  label?: string
  /** Example intents under the box; none for the compact quick-run bar. */
  examples?: readonly string[]
  idPrefix: string
}

/** An IntentBar and the runbook card (or suggestions) for what was typed. */
export function IntentRunner({ catalog, onStartRun, label, examples = INTENT_EXAMPLES, idPrefix }: IntentRunnerProps) {
  const [text, setText] = useState('')
  const [chosenSlug, setChosenSlug] = useState<string | null>(null)
  // Values typed into a card's form, per template, so switching back and forth keeps them.
  const [entered, setEntered] = useState<Record<string, Record<string, FormValue>>>({})
  const [dryRun, setDryRun] = useState(false)
  const { starting, error, setError, start } = useStartRun(onStartRun)

  const preview = useMemo(() => intentCard(text, catalog, {}, chosenSlug), [text, catalog, chosenSlug])
  const slug = preview.kind === 'card' ? preview.card.slug : null
  const result = useMemo(
    () => (slug === null ? preview : intentCard(text, catalog, entered[slug] ?? {}, chosenSlug)),
    [preview, slug, text, catalog, entered, chosenSlug],
  )

  const changeText = (next: string) => {
    setText(next)
    setChosenSlug(null)
    setError(null)
  }

  // start shows its own failure on the card, so the promise is left to it.
  const run = () => {
    if (result.kind === 'card') void start(newRunFromCard(result.card, dryRun))
  }

  // Enter never starts a run: it brings the card to the reader (its title takes focus), and
  // starting takes a second, deliberate press of Run, on every environment.
  const review = () => {
    if (result.kind !== 'card') return
    const title = document.getElementById(`${idPrefix}-${result.card.slug}-title`)
    title?.scrollIntoView({ block: 'nearest' })
    title?.focus()
  }

  const usable = catalog.filter((entry) => entry.template !== null)

  return (
    <div class={styles.runner}>
      <IntentBar value={text} onChange={changeText} onSubmit={review} label={label} examples={examples} />
      {result.kind === 'no-match' ? (
        <div class={styles.noMatch} role="status" data-no-match>
          <p class={styles.text}>No runbook matches “{text.trim()}”.</p>
          <IntentSuggestions
            title={result.suggestions.length > 0 ? 'Closest runbooks:' : 'Runbooks you can start:'}
            options={
              result.suggestions.length > 0
                ? result.suggestions
                : usable.map((entry) => ({ slug: entry.slug, title: entry.template?.title ?? entry.slug }))
            }
            onChoose={setChosenSlug}
          />
        </div>
      ) : null}
      {result.kind === 'card' ? (
        <div class={styles.result}>
          {result.suggestions.length > 0 ? (
            <IntentSuggestions title="Not sure this is it? Also close:" options={result.suggestions} onChoose={setChosenSlug} />
          ) : null}
          <RunbookCard
            card={result.card}
            inputsMode="summary"
            idPrefix={`${idPrefix}-${result.card.slug}`}
            dryRun={dryRun}
            starting={starting}
            error={error}
            onDryRunChange={setDryRun}
            onFieldChange={(key, value) => {
              const current = result.card.slug
              setEntered({ ...entered, [current]: { ...(entered[current] ?? {}), [key]: value } })
            }}
            onRun={run}
          />
        </div>
      ) : null}
    </div>
  )
}
