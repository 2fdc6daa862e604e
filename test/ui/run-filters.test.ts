import { describe, expect, it } from 'vitest'
import type { RunRow } from '../../src/client/types.ts'
import { filterChoices, filterRuns, isFiltered, NO_RUN_FILTER, templateChoices } from '../../src/ui/view-models/run-filters.ts'

describe('filterRuns', () => {
  const run = (id: string, status: RunRow['status'], env: string, template: string | null) =>
    ({ id, status, env, template_slug: template }) as RunRow
  const runs = [
    run('a', 'success', 'staging', 'deploy-web'),
    run('b', 'error', 'production', 'deploy-web'),
    run('c', 'success', 'production', 'incident-open'),
    run('d', 'queued', 'staging', null),
  ]

  it.each([
    { filter: { status: 'all', env: 'all', templateSlug: 'all' }, ids: ['a', 'b', 'c', 'd'] },
    { filter: { status: 'success', env: 'all', templateSlug: 'all' }, ids: ['a', 'c'] },
    { filter: { status: 'all', env: 'production', templateSlug: 'all' }, ids: ['b', 'c'] },
    { filter: { status: 'success', env: 'production', templateSlug: 'incident-open' }, ids: ['c'] },
    { filter: { status: 'canceled', env: 'all', templateSlug: 'all' }, ids: [] },
  ] as const)('$filter', ({ filter, ids }) => {
    expect(filterRuns(runs, filter).map((r) => r.id)).toEqual(ids)
  })

  it('offers the values seen, and keeps the selected one', () => {
    expect(filterChoices(runs, (r) => r.env, 'all')).toEqual(['production', 'staging'])
    expect(filterChoices(runs, (r) => r.template_slug, 'gone')).toEqual(['deploy-web', 'gone', 'incident-open'])
  })

  it('names templates by their title, by slug only when the catalog no longer has them, sorted as shown', () => {
    const names = new Map([
      ['deploy-web', 'Deploy web'],
      ['incident-open', 'Open an incident'],
    ])
    expect(templateChoices(runs, 'gone', names)).toEqual([
      { value: 'deploy-web', text: 'Deploy web' },
      { value: 'gone', text: 'gone' },
      { value: 'incident-open', text: 'Open an incident' },
    ])
  })

  it('knows when a filter narrows the list', () => {
    expect(isFiltered(NO_RUN_FILTER)).toBe(false)
    expect(isFiltered({ ...NO_RUN_FILTER, env: 'production' })).toBe(true)
    expect(isFiltered({ ...NO_RUN_FILTER, status: 'error' })).toBe(true)
    expect(isFiltered({ ...NO_RUN_FILTER, templateSlug: 'deploy-web' })).toBe(true)
  })
})
