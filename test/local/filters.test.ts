/**
 * One filter syntax for REST and realtime: the same hostile values (quotes, backslashes, commas,
 * parentheses, edge spaces) and `is` keywords select the same rows over REST (postgrest-js, which
 * sends a single value as written and quotes list elements) and over realtime (realtime-js's
 * postgresChangesFilter(), which quotes and escapes values). Both run through one local stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresChangesFilter, type RealtimeChannel, type RealtimePostgresChangesPayload } from '@supabase/supabase-js'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { subscribe, subscribeFailing, waitFor } from './realtime/harness.ts'

const TITLES = {
  plain: 'plain',
  quotes: 'say "hi", ok',
  backslash: 'back\\slash',
  comma: 'a,b',
  parens: '(paren)',
  injection: 'x) or (y',
  quoted: '"quoted"',
  padded: ' padded ',
}
const ALL = Object.values(TITLES)
/** Runs without an intent, for is.null and is.not_null. */
const NO_INTENT = [TITLES.plain, TITLES.padded]
const HOSTILE = ALL.filter((title) => title !== TITLES.plain)

/** The `in` list exactly as realtime-js writes it, for REST's .filter() too. */
const listText = (values: string[]) => postgresChangesFilter().in('title', values).build().slice('title=in.'.length)

interface Case {
  name: string
  rest: (query: any) => any
  realtime: string
  expected: string[]
}

const cases: Case[] = [
  ...ALL.map((title) => ({
    name: `eq ${JSON.stringify(title)}`,
    rest: (q: any) => q.eq('title', title),
    realtime: postgresChangesFilter().eq('title', title).build(),
    expected: [title],
  })),
  {
    name: 'neq a value with quotes and a comma',
    rest: (q) => q.neq('title', TITLES.quotes),
    realtime: postgresChangesFilter().neq('title', TITLES.quotes).build(),
    expected: ALL.filter((title) => title !== TITLES.quotes),
  },
  {
    name: 'in, every hostile value quoted and escaped',
    rest: (q) => q.filter('title', 'in', listText(HOSTILE)),
    realtime: postgresChangesFilter().in('title', HOSTILE).build(),
    expected: HOSTILE,
  },
  {
    name: "in, as postgrest-js's .in() quotes commas and parentheses",
    rest: (q) => q.in('title', [TITLES.comma, TITLES.parens, TITLES.injection, TITLES.plain]),
    realtime: postgresChangesFilter().in('title', [TITLES.comma, TITLES.parens, TITLES.injection, TITLES.plain]).build(),
    expected: [TITLES.comma, TITLES.parens, TITLES.injection, TITLES.plain],
  },
  {
    name: 'not.in',
    rest: (q) => q.not('title', 'in', listText([TITLES.quotes, TITLES.backslash])),
    realtime: postgresChangesFilter().not('title', 'in', [TITLES.quotes, TITLES.backslash]).build(),
    expected: ALL.filter((title) => title !== TITLES.quotes && title !== TITLES.backslash),
  },
  {
    name: 'is.null',
    rest: (q) => q.is('intent', null),
    realtime: postgresChangesFilter().is('intent', null).build(),
    expected: NO_INTENT,
  },
  {
    name: 'is.not_null',
    rest: (q) => q.filter('intent', 'is', 'not_null'),
    realtime: 'intent=is.not_null',
    expected: ALL.filter((title) => !NO_INTENT.includes(title)),
  },
  {
    name: 'is.unknown on a boolean',
    rest: (q) => q.filter('dry_run', 'is', 'unknown'),
    realtime: postgresChangesFilter().is('dry_run', 'unknown').build(),
    expected: [],
  },
  {
    name: 'not.is.unknown on a boolean',
    rest: (q) => q.not('dry_run', 'is', 'unknown'),
    realtime: postgresChangesFilter().not('dry_run', 'is', 'unknown').build(),
    expected: ALL,
  },
  {
    name: 'not.is.UNKNOWN in capitals, and a second condition',
    rest: (q) => q.not('dry_run', 'is', 'UNKNOWN').eq('title', TITLES.comma),
    realtime: `dry_run=not.is.UNKNOWN,${postgresChangesFilter().eq('title', TITLES.comma).build()}`,
    expected: [TITLES.comma],
  },
]

/** Filters both servers refuse, each in its own way (PostgREST error, channel error). */
const refused = [
  { name: 'is.unknown on a text column', rest: (q: any) => q.filter('title', 'is', 'unknown'), realtime: 'title=is.unknown' },
  { name: 'is.maybe', rest: (q: any) => q.filter('intent', 'is', 'maybe'), realtime: 'intent=is.maybe' },
  { name: 'text after an in list', rest: (q: any) => q.filter('title', 'in', '(a)b)'), realtime: 'title=in.(a)b)' },
  { name: 'an in list without parentheses', rest: (q: any) => q.filter('title', 'in', 'a'), realtime: 'title=in.a' },
]

describe.each(engines)('filters over REST and realtime on %s', (engine) => {
  let stack: TestStack
  let user: OpsClient
  const ids = new Map<string, string>()

  beforeAll(async () => {
    stack = await startTestStack(engine)
    ;({ client: user } = await stack.anonymousUser())
    for (const title of ALL) {
      const { data, error } = await user
        .from('runs')
        .insert({
          template_slug: 'deploy-web',
          kind: 'deploy',
          env: 'staging',
          title,
          intent: NO_INTENT.includes(title) ? null : `run ${title}`,
        })
        .select('id')
        .single()
      if (error) throw error
      ids.set(title, data.id)
    }
  })
  afterAll(() => stack.stop())

  it.each(cases)('REST: $name', async ({ rest, expected }) => {
    const { data, error } = await rest(user.from('runs').select('title'))
    expect(error).toBeNull()
    expect((data as { title: string }[]).map((row) => row.title).sort()).toEqual([...expected].sort())
  })

  it.each(refused)('REST refuses $name', async ({ rest }) => {
    const { data, error, status } = await rest(user.from('runs').select('title'))
    expect(data).toBeNull()
    expect(status).toBe(400)
    expect(error).not.toBeNull()
  })

  it('realtime: every filter lets through the changes of the same rows as REST', async () => {
    type Change = RealtimePostgresChangesPayload<{ title: string; summary: string | null }>
    const received = cases.map(() => [] as string[])
    const channels: RealtimeChannel[] = cases.map((c, i) =>
      user
        .channel(`filters-${i}`)
        .on('postgres_changes', { event: 'UPDATE', schema: 'ops', table: 'runs', filter: c.realtime }, (change: Change) => {
          if ('title' in change.new && change.new.summary === 'touched') received[i].push(change.new.title)
        }),
    )
    // Changes reach a socket in commit order: once the unfiltered channel sees the marker, every
    // channel has seen whatever it was going to receive of the touches before it.
    const seen: string[] = []
    channels.push(
      user.channel('filters-all').on('postgres_changes', { event: 'UPDATE', schema: 'ops', table: 'runs' }, (change: Change) => {
        if ('summary' in change.new && change.new.summary !== null) seen.push(change.new.summary)
      }),
    )
    for (const channel of channels) await subscribe(channel)

    // Only the executor writes a run's summary: touch the rows as the table's owner.
    const touch = (title: string, summary: string) =>
      stack.test.db.query('update ops.runs set summary = $1 where id = $2', [summary, ids.get(title)])
    for (const title of ALL) await touch(title, 'touched')
    await touch(TITLES.plain, 'marker')
    await waitFor(() => seen.includes('marker'), 'the marker change')

    expect(Object.fromEntries(cases.map((c, i) => [c.name, received[i].sort()]))).toEqual(
      Object.fromEntries(cases.map((c) => [c.name, [...c.expected].sort()])),
    )
    for (const channel of channels) await user.removeChannel(channel)
  })

  it.each(refused)('realtime refuses $name', async ({ realtime }) => {
    const channel = user
      .channel(`refused-${realtime}`)
      .on('postgres_changes', { event: '*', schema: 'ops', table: 'runs', filter: realtime }, () => {})
    const statuses = await subscribeFailing(channel)
    expect(statuses.errors.join('\n')).toMatch(/invalid filter/)
    await user.removeChannel(channel)
  })
})
