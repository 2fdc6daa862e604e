import { describe, expect, it } from 'vitest'
import { RUN_STATUSES, statusView } from '../../src/ui/view-models/run-status.ts'

describe('statusView', () => {
  it('gives every status its own word, symbol and tone', () => {
    const views = RUN_STATUSES.map(statusView)
    expect(new Set(views.map((v) => v.label)).size).toBe(RUN_STATUSES.length)
    expect(new Set(views.map((v) => v.symbol)).size).toBe(RUN_STATUSES.length)
    expect(new Set(views.map((v) => v.tone)).size).toBe(RUN_STATUSES.length)
  })

  it.each([
    { status: 'waiting_approval', label: 'Waiting for approval' },
    { status: 'error', label: 'Failed' },
    { status: 'something_new', label: 'something_new' },
  ])('$status reads "$label"', ({ status, label }) => {
    expect(statusView(status).label).toBe(label)
  })
})
