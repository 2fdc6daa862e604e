/** The Runs tab's Mine / Everyone choice and who started each run, by name. */
import { describe, expect, it } from 'vitest'
import { runsStartedBy, starterName } from '../../src/ui/view-models/run-starters.ts'
import { runRow } from '../widget/fixtures.ts'

const mine = runRow({ id: 'a', created_by: 'me' })
const ana = runRow({ id: 'b', created_by: 'ana' })
const gone = runRow({ id: 'c', created_by: 'left' })
const names = new Map([
  ['me', 'Me Myself'],
  ['ana', 'Ana'],
])

describe('runsStartedBy', () => {
  it.each([
    ['everyone', 'me', ['a', 'b', 'c']],
    ['mine', 'me', ['a']],
    ['mine', 'ana', ['b']],
    ['mine', null, []],
  ] as const)('%s, as %s', (filter, userId, expected) => {
    expect(runsStartedBy([mine, ana, gone], filter, userId).map((run) => run.id)).toEqual(expected)
  })
})

describe('starterName', () => {
  it.each([
    ['the signed-in person', mine, 'you'],
    ['a member', ana, 'Ana'],
    ['someone who left the workspace', gone, 'a former member'],
  ])('names %s', (_, run, name) => {
    expect(starterName(run, names, 'me')).toBe(name)
  })
})
