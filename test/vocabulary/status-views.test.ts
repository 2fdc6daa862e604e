import { describe, expect, it } from 'vitest'
import { RUN_STATUSES, statusView, STATUS_VIEWS } from '../../supabase/functions/_shared/vocabulary/index.ts'

/** WCAG 2 contrast ratio of two #RRGGBB colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (light + 0.05) / (dark + 0.05)
}

describe('how run statuses read and look', () => {
  it('covers exactly the run statuses', () => {
    expect(Object.keys(STATUS_VIEWS).sort()).toEqual([...RUN_STATUSES].sort())
  })

  it('gives every status its own word, symbol, tone, badge colour and accent', () => {
    const views = RUN_STATUSES.map(statusView)
    for (const key of ['label', 'symbol', 'tone', 'fill', 'accent'] as const) {
      expect(new Set(views.map((view) => view[key])).size, key).toBe(RUN_STATUSES.length)
    }
  })

  it.each(RUN_STATUSES)('%s: the badge text is readable on its fill (WCAG AA, 4.5:1)', (status) => {
    const view = statusView(status)
    expect(view.fill).toMatch(/^#[0-9A-F]{6}$/)
    expect(view.text).toMatch(/^#[0-9A-F]{6}$/)
    expect(view.accent).toMatch(/^#[0-9A-F]{6}$/)
    expect(contrast(view.fill, view.text)).toBeGreaterThanOrEqual(4.5)
  })

  it.each([
    { status: 'waiting_approval', label: 'Waiting for approval' },
    { status: 'error', label: 'Failed' },
    { status: 'something_new', label: 'something_new' },
    { status: 'toString', label: 'toString' },
  ])('$status reads "$label"', ({ status, label }) => {
    expect(statusView(status).label).toBe(label)
  })
})
