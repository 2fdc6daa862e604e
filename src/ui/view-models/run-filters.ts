/** The Runs tab's filters, applied to the loaded history, and the choices each filter offers. */
import type { RunRow, RunStatus } from '../../client/types.ts'

export interface RunFilterState {
  status: RunStatus | 'all'
  /** An environment, or 'all'. */
  env: string
  /** A template slug, or 'all'. */
  templateSlug: string
}

export const NO_RUN_FILTER: RunFilterState = { status: 'all', env: 'all', templateSlug: 'all' }

export function filterRuns(runs: readonly RunRow[], filter: RunFilterState): RunRow[] {
  return runs.filter(
    (run) =>
      (filter.status === 'all' || run.status === filter.status) &&
      (filter.env === 'all' || run.env === filter.env) &&
      (filter.templateSlug === 'all' || run.template_slug === filter.templateSlug),
  )
}

/** Distinct values seen, sorted, plus the selected one so a filter never hides its own choice. */
export function filterChoices(runs: readonly RunRow[], pick: (run: RunRow) => string | null, selected: string): string[] {
  const values = new Set<string>()
  for (const run of runs) {
    const value = pick(run)
    if (value !== null && value !== '') values.add(value)
  }
  if (selected !== 'all') values.add(selected)
  return [...values].sort()
}

/** A filter's choice: the value it filters by, and the words a person reads. */
export interface FilterChoice {
  value: string
  text: string
}

/**
 * The template filter's choices: each template seen, by its name (a template no longer in the
 * catalog by its slug), sorted by what is shown.
 */
export function templateChoices(runs: readonly RunRow[], selected: string, names: ReadonlyMap<string, string>): FilterChoice[] {
  return filterChoices(runs, (run) => run.template_slug, selected)
    .map((slug) => ({ value: slug, text: names.get(slug) ?? slug }))
    .sort((a, b) => a.text.localeCompare(b.text))
}

/** Whether any filter narrows the list, so "Clear filters" has something to do. */
export function isFiltered(filter: RunFilterState): boolean {
  return filter.status !== NO_RUN_FILTER.status || filter.env !== NO_RUN_FILTER.env || filter.templateSlug !== NO_RUN_FILTER.templateSlug
}
