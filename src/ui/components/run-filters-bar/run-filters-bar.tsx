import { Dropdown } from '@create-figma-plugin/ui'
import { h } from 'preact'
import type { RunRow } from '../../../client/types.ts'
import { isRunStatus, RUN_STATUSES, statusView } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { filterChoices, templateChoices, type RunFilterState } from '../../view-models/run-filters.ts'
import styles from './run-filters-bar.css'

export interface RunFiltersBarProps {
  runs: readonly RunRow[]
  filter: RunFilterState
  onChange: (filter: RunFilterState) => void
  /** Template names by slug (the catalog); a template not in it is shown by its slug. */
  templateNames?: ReadonlyMap<string, string>
}

/** Status, environment and template filters for the run history. */
export function RunFiltersBar({ runs, filter, onChange, templateNames = new Map() }: RunFiltersBarProps) {
  const envs = filterChoices(runs, (run) => run.env, filter.env)
  const templates = templateChoices(runs, filter.templateSlug, templateNames)
  return (
    <div class={styles.bar} role="group" aria-label="Filter runs">
      <Filter
        id="filter-status"
        label="Status"
        value={filter.status}
        options={[
          { value: 'all', text: 'Any status' },
          ...RUN_STATUSES.map((status) => ({ value: status, text: statusView(status).label })),
        ]}
        onChange={(value) => onChange({ ...filter, status: isRunStatus(value) ? value : 'all' })}
      />
      <Filter
        id="filter-env"
        label="Environment"
        value={filter.env}
        options={[{ value: 'all', text: 'Any environment' }, ...envs.map((env) => ({ value: env, text: env }))]}
        onChange={(value) => onChange({ ...filter, env: value })}
      />
      <Filter
        id="filter-template"
        label="Template"
        value={filter.templateSlug}
        options={[{ value: 'all', text: 'Any template' }, ...templates]}
        onChange={(value) => onChange({ ...filter, templateSlug: value })}
      />
    </div>
  )
}

function Filter({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string
  label: string
  value: string
  options: Array<{ value: string; text: string }>
  onChange: (value: string) => void
}) {
  return (
    <div class={styles.filter}>
      <span class={styles.label} id={`${id}-label`}>
        {label}
      </span>
      <Dropdown
        aria-labelledby={`${id}-label`}
        data-filter={id}
        options={options}
        value={value}
        variant="border"
        onValueChange={onChange}
      />
    </div>
  )
}
