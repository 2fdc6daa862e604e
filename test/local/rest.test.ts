/** Every REST operator and option the stack supports, through the real supabase-js client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SupabaseClient } from '@supabase/supabase-js'
import { engines } from '../support/databases.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'

describe.each(engines)('REST on %s, through supabase-js', (engine) => {
  let stack: TestStack
  let user: SupabaseClient<any, 'ops', 'ops'>
  let userId: string
  let service: SupabaseClient<any, 'ops', 'ops'>
  const runIds: string[] = []

  beforeAll(async () => {
    stack = await startTestStack(engine)
    ;({ client: user, userId } = await stack.anonymousUser())
    service = stack.client(stack.serviceRoleKey)
    const titles = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
    for (const [i, title] of titles.entries()) {
      const { data, error } = await user
        .from('runs')
        .insert({
          template_slug: 'deploy-web',
          kind: 'deploy',
          env: i % 2 ? 'production' : 'staging',
          title,
          intent: i === 2 ? null : `run ${title}`,
        })
        .select('id')
        .single()
      if (error) throw error
      runIds.push(data.id)
    }
  })
  afterAll(() => stack.stop())

  const titles = (rows: { title: string }[] | null) => (rows ?? []).map((row) => row.title)

  describe('reads', () => {
    it('selects columns and aliases', async () => {
      const { data, error } = await user.from('runs').select('title,environment:env').eq('title', 'alpha')
      expect(error).toBeNull()
      expect(data).toEqual([{ title: 'alpha', environment: 'staging' }])
    })

    it.each([
      ['eq', (q: any) => q.eq('env', 'production'), ['beta', 'delta']],
      ['neq', (q: any) => q.neq('env', 'production'), ['alpha', 'epsilon', 'gamma']],
      ['gt', (q: any) => q.gt('title', 'delta'), ['epsilon', 'gamma']],
      ['gte', (q: any) => q.gte('title', 'delta'), ['delta', 'epsilon', 'gamma']],
      ['lt', (q: any) => q.lt('title', 'beta'), ['alpha']],
      ['lte', (q: any) => q.lte('title', 'beta'), ['alpha', 'beta']],
      ['in', (q: any) => q.in('title', ['alpha', 'gamma', 'no such, title']), ['alpha', 'gamma']],
      ['is null', (q: any) => q.is('intent', null), ['gamma']],
      ['not is null', (q: any) => q.not('intent', 'is', null), ['alpha', 'beta', 'delta', 'epsilon']],
      ['like', (q: any) => q.like('title', '%lta'), ['delta']],
      ['ilike', (q: any) => q.ilike('title', 'A%'), ['alpha']],
      ['combined', (q: any) => q.eq('env', 'staging').gt('title', 'b'), ['epsilon', 'gamma']],
    ])('filters with %s', async (_, apply, expected) => {
      const { data, error } = await apply(user.from('runs').select('title')).order('title')
      expect(error).toBeNull()
      expect(titles(data)).toEqual(expected)
    })

    it('orders with direction and nulls placement', async () => {
      const first = await user.from('runs').select('title').order('intent', { ascending: true, nullsFirst: true }).limit(1)
      expect(titles(first.data)).toEqual(['gamma'])
      const last = await user.from('runs').select('title').order('intent', { ascending: false, nullsFirst: false })
      expect(titles(last.data).at(-1)).toBe('gamma')
      expect(titles(last.data)[0]).toBe('epsilon')
    })

    it('pages with limit, range and an exact count', async () => {
      const page = await user.from('runs').select('title', { count: 'exact' }).order('title').range(1, 2)
      expect(page.error).toBeNull()
      expect(titles(page.data)).toEqual(['beta', 'delta'])
      expect(page.count).toBe(5)
      expect(page.status).toBe(206)
      const head = await user.from('runs').select('*', { count: 'exact', head: true }).eq('env', 'staging')
      expect(head.count).toBe(3)
      expect(head.data).toBeNull()
    })

    it('returns one object for .single(), and PGRST116 for 0 or 2 rows', async () => {
      const one = await user.from('runs').select('title').eq('title', 'alpha').single()
      expect(one.data).toEqual({ title: 'alpha' })
      const none = await user.from('runs').select('title').eq('title', 'nope').single()
      expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows' })
      expect(none.status).toBe(406)
      const two = await user.from('runs').select('title').eq('env', 'production').single()
      expect(two.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 2 rows' })
      const maybe = await user.from('runs').select('title').eq('title', 'nope').maybeSingle()
      expect(maybe).toMatchObject({ data: null, error: null })
    })
  })

  describe('writes', () => {
    it('inserts one row with representation, several rows, and without representation', async () => {
      const one = await user.from('runs').insert({ title: 'solo', env: 'staging' }).select('title, created_by, status').single()
      expect(one.data).toEqual({ title: 'solo', created_by: userId, status: 'queued' })
      expect(one.status).toBe(201)
      const many = await user
        .from('runs')
        .insert([{ title: 'first of two' }, { title: 'second of two', env: 'production' }], { defaultToNull: false })
        .select('title, env')
      expect(many.data).toEqual([
        { title: 'first of two', env: 'staging' },
        { title: 'second of two', env: 'production' },
      ])
      // Without missing=default an absent key is NULL, as in PostgREST: env is NOT NULL.
      const nulls = await user
        .from('runs')
        .insert([{ title: 'a' }, { title: 'b', env: 'production' }])
        .select('title')
      expect(nulls).toMatchObject({ status: 400, error: { code: '23502' } })
      const minimal = await user.from('runs').insert({ title: 'quiet' })
      expect(minimal).toMatchObject({ error: null, data: null, status: 201 })
    })

    it('upserts on conflict, merging or ignoring duplicates', async () => {
      // Templates are written by the service role (people go through ops.save_template).
      // Also a function without arguments, called with an empty object as supabase-js does.
      const { data: ws, error: wsError } = await user.rpc('ensure_personal_workspace')
      expect(wsError).toBeNull()
      const row = { workspace_id: ws as string, slug: 'deploy-web', kind: 'deploy', template_yaml: 'version: 1' }
      const merged = await service
        .from('run_templates')
        .upsert({ ...row, title: 'Deploy web (edited)' }, { onConflict: 'workspace_id,slug' })
        .select('slug, title')
      expect(merged.error).toBeNull()
      expect(merged.data).toEqual([{ slug: 'deploy-web', title: 'Deploy web (edited)' }])
      const ignored = await service
        .from('run_templates')
        .upsert({ ...row, title: 'ignored' }, { onConflict: 'workspace_id,slug', ignoreDuplicates: true })
        .select('slug')
      expect(ignored.data).toEqual([])
      const { data } = await user.from('run_templates').select('title').eq('slug', 'deploy-web').single()
      expect(data).toEqual({ title: 'Deploy web (edited)' })
    })

    it('updates with filters and returns the changed rows', async () => {
      const { data, error } = await user.from('runs').update({ title: 'alpha renamed' }).eq('title', 'alpha').select('title')
      expect(error).toBeNull()
      expect(data).toEqual([{ title: 'alpha renamed' }])
      const none = await user.from('runs').update({ title: 'x' }).eq('title', 'nope').select('title')
      expect(none.data).toEqual([])
    })

    it('deletes with filters and returns the deleted rows', async () => {
      const canceled = await user.rpc('request_cancel', { p_run_id: runIds[4] })
      expect(canceled.error).toBeNull()
      const { data, error } = await user.from('runs').delete().eq('id', runIds[4]).select('title')
      expect(error).toBeNull()
      expect(data).toEqual([{ title: 'epsilon' }])
    })

    it('reports the row count of a mutation when asked', async () => {
      const { count, error } = await user.from('runs').update({ title: 'renamed again' }, { count: 'exact' }).eq('title', 'beta')
      expect(error).toBeNull()
      expect(count).toBe(1)
    })
  })

  describe('rpc', () => {
    it('calls functions with named arguments: a row, a set, a table and a scalar', async () => {
      const cancel = await user.rpc('request_cancel', { p_run_id: runIds[3] })
      expect(cancel.data).toMatchObject({ id: runIds[3], status: 'canceled' })
      const claimed = await service.rpc('claim_run', { p_worker: 'rpc-test', p_run_id: runIds[1] })
      expect(claimed.data).toEqual([expect.objectContaining({ id: runIds[1], status: 'running', claimed_by: 'rpc-test' })])
      const beat = await service.rpc('heartbeat_run', { p_run_id: runIds[1], p_worker: 'rpc-test', p_lease_seconds: 60 })
      expect(beat.data).toEqual([{ lease_expires_at: expect.any(String), cancel_requested: false }])
      const appended = await service.rpc('append_run_events', {
        p_run_id: runIds[1],
        p_worker: 'rpc-test',
        p_events: [
          { message: 'hello', data: { n: 1 } },
          { message: 'world', level: 'warn' },
        ],
      })
      expect(appended.data).toBe(2)
      const events = await user.from('run_events').select('seq, level, message, data').eq('run_id', runIds[1]).order('seq')
      expect(events.data).toEqual([
        { seq: 1, level: 'info', message: 'hello', data: { n: 1 } },
        { seq: 2, level: 'warn', message: 'world', data: null },
      ])
    })

    it('maps function errors to their HTTP status', async () => {
      const { data: prd } = await user.from('spec_docs').select('workspace_id').eq('slug', 'continue-orchestrator/prd').single()
      const stale = await user.rpc('save_spec_doc', {
        p_workspace: prd!.workspace_id,
        p_slug: 'continue-orchestrator/prd',
        p_content: 'x',
        p_expected_version: 99,
      })
      expect(stale.status).toBe(409)
      expect(stale.error).toMatchObject({
        code: 'PT409',
        message: expect.stringContaining('you edited version 99, the latest is version 1'),
      })
      const notMine = await user.rpc('claim_run', { p_worker: 'w' })
      expect(notMine.status).toBe(403)
      expect(notMine.error?.code).toBe('42501')
      const unknown = await user.rpc('no_such_function', { a: 1 })
      expect(unknown.status).toBe(404)
      expect(unknown.error).toMatchObject({
        code: 'PGRST202',
        message: 'Could not find the function ops.no_such_function(a) in the schema cache',
      })
      const wrongArgs = await user.rpc('request_cancel', { run: runIds[0] })
      expect(wrongArgs.error).toMatchObject({
        code: 'PGRST202',
        hint: 'Perhaps you meant to call the function ops.request_cancel(p_run_id)',
      })
    })

    it('runs a GET rpc read-only', async () => {
      const { error, status } = await user.rpc('request_cancel', { p_run_id: runIds[0] }, { get: true })
      expect(status).toBe(405)
      expect(error?.code).toBe('25006')
    })
  })

  describe('row-level security through REST', () => {
    it('anon reads nothing: 401 with permission denied', async () => {
      const { data, error, status } = await stack.client().from('runs').select('id')
      expect(data).toBeNull()
      expect(status).toBe(401)
      expect(error).toMatchObject({ code: '42501', message: 'permission denied for table runs' })
      const templates = await stack.client().from('run_templates').select('slug')
      expect(templates.status).toBe(401)
    })

    it("user B sees none of user A's runs, events or artifacts, and cannot change them", async () => {
      const { client: other } = await stack.anonymousUser()
      for (const table of ['runs', 'run_events', 'artifacts'] as const) {
        const { data, error } = await other.from(table).select('*')
        expect(error).toBeNull()
        expect(data).toEqual([])
      }
      const update = await other.from('runs').update({ title: 'hijacked' }).eq('id', runIds[0]).select()
      expect(update.data).toEqual([])
      // Outside A's workspaces the run does not exist for B.
      const cancel = await other.rpc('request_cancel', { p_run_id: runIds[0] })
      expect(cancel).toMatchObject({ status: 404, error: { code: 'PT404' } })
      // B has their own copies of the templates, in their personal workspace.
      const templates = await other.from('run_templates').select('slug, workspace_id')
      expect(templates.data?.map((t) => t.slug).sort()).toEqual(['deploy-web', 'incident-open'])
      const mine = await user.from('run_templates').select('workspace_id').limit(1).single()
      expect(templates.data?.some((t) => t.workspace_id === mine.data?.workspace_id)).toBe(false)
    })

    it('user A cannot write events or change protected columns', async () => {
      const forged = await user.from('run_events').insert({ run_id: runIds[0], seq: 99, message: 'forged' })
      expect(forged).toMatchObject({ status: 403, error: { code: '42501' } })
      const status = await user.from('runs').update({ status: 'success' }).eq('id', runIds[0])
      expect(status).toMatchObject({ status: 403, error: { code: '42501', message: 'ops.runs.status cannot be changed by users' } })
    })

    it('the service role sees every run', async () => {
      const { data } = await service.from('runs').select('id')
      expect(data!.length).toBeGreaterThanOrEqual(runIds.length)
    })
  })
})
