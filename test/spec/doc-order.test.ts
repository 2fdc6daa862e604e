import { describe, expect, it } from 'vitest'
import { orderSpecDocs } from '../../supabase/functions/_shared/spec/doc-order.ts'

const doc = (kind: string, title: string, slug = title.toLowerCase()) => ({ kind, title, slug })
const titles = (docs: { title: string }[]) => docs.map((d) => d.title)

describe('orderSpecDocs', () => {
  it('puts the constitution, spec, plan and tasks first, whatever their titles, then the rest by title', () => {
    const docs = [
      doc('other', 'Notes'),
      doc('tasks', 'tasks.md'),
      doc('plan', 'plan.md'),
      doc('other', 'Glossary'),
      doc('spec', 'prd.md'),
      doc('constitution', 'constitution.md'),
    ]
    expect(titles(orderSpecDocs(docs))).toEqual(['constitution.md', 'prd.md', 'plan.md', 'tasks.md', 'Glossary', 'Notes'])
  })

  it.each([
    ['two specs', [doc('spec', 'Checkout spec'), doc('spec', 'Billing spec')], ['Billing spec', 'Checkout spec']],
    [
      'case and accents do not split titles',
      [doc('other', 'beta'), doc('other', 'Álpha'), doc('other', 'Alpha 2')],
      ['Álpha', 'Alpha 2', 'beta'],
    ],
    ['numbers in titles count as numbers', [doc('plan', 'Plan 10'), doc('plan', 'Plan 9')], ['Plan 9', 'Plan 10']],
    ['an unknown kind is ordered as other', [doc('readme', 'A readme'), doc('tasks', 'Z tasks')], ['Z tasks', 'A readme']],
    ['equal titles keep slug order', [doc('other', 'Same', 'same-2'), doc('other', 'Same', 'same')], ['Same', 'Same']],
  ])('%s', (_, docs, expected) => {
    expect(titles(orderSpecDocs(docs))).toEqual(expected)
  })

  it('keeps equal titles in slug order and leaves its input alone', () => {
    const docs = [doc('other', 'Same', 'same-2'), doc('other', 'Same', 'same')]
    expect(orderSpecDocs(docs).map((d) => d.slug)).toEqual(['same', 'same-2'])
    expect(docs.map((d) => d.slug)).toEqual(['same-2', 'same'])
  })
})
