/**
 * Tokens and sessions, driven through supabase-js against the local stack as an attacker who
 * kept an access token would: a signed-out session's token, a token without `exp`, and the token
 * of a user who was deleted are refused by Auth, REST, Realtime and the executor's caller check.
 * Realtime DELETE payloads carry only the primary key, to members and non-members alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import WebSocket from 'ws'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { signJwt } from '../../local/jwt.ts'
import { createRun, personalWorkspace } from '../support/executor.ts'
import { stackModes } from '../support/key-modes.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { RawSocket, subscribe, subscribeFailing, waitFor } from '../local/realtime/harness.ts'

type Row = Record<string, unknown>

const SESSION_ENDED = 'Session from session_id claim in JWT does not exist'
const USER_GONE = 'User from sub claim in JWT does not exist'
const NO_EXP = 'JWT has no exp claim'

const claimsOf = (jwt: string): Row => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))

describe.each(stackModes)('tokens and sessions on %s with %s API keys', (engine, keys) => {
  let stack: TestStack
  const clients: OpsClient[] = []
  let counter = 0

  beforeAll(async () => {
    // ops-executor is deployed with verify_jwt = false (it checks callers itself); here the
    // gateway's JWT check is switched on for it, to show that check refuses a token without exp.
    stack = await startTestStack(engine, {
      keys,
      configure: (config) => ({ ...config, functions: { ...config.functions, 'ops-executor': { enabled: true, verifyJwt: true } } }),
    })
  })
  afterAll(async () => {
    await Promise.all(
      clients.map(async (c) => {
        await c.removeAllChannels()
        await c.realtime.disconnect()
      }),
    )
    await stack.stop()
  })

  /** A supabase-js client that sends `token` on every REST, functions and Realtime request, as a kept token is replayed. */
  async function withToken(token: string): Promise<OpsClient> {
    const client = createClient<Database, 'ops'>(stack.url, stack.anonKey, {
      db: { schema: 'ops' },
      accessToken: () => Promise.resolve(token),
      realtime: { transport: WebSocket as never },
    })
    clients.push(client)
    // Joins carry the token from the start, not the anon key.
    await client.realtime.setAuth(token)
    return client
  }

  /**
   * Deletes a user as the admin API does: the auth.users row goes, and with it (by cascade) their
   * sessions, memberships and personal workspace (test/db/user-deletion.test.ts).
   */
  async function deleteUser(userId: string): Promise<void> {
    await stack.db.query('delete from auth.users where id = $1', [userId])
  }

  async function emailUser(): Promise<{ client: OpsClient; userId: string; token: string; email: string }> {
    const email = `user${++counter}@example.com`
    const client = stack.client()
    const { data, error } = await client.auth.signUp({ email, password: 'correct horse' })
    if (error || !data.session || !data.user) throw error ?? new Error('no session')
    return { client, userId: data.user.id, token: data.session.access_token, email }
  }

  /** The executor's answer to `token` asking it to execute `runId`. */
  async function invokeExecutor(token: string, runId: string): Promise<{ status: number; body: unknown }> {
    const { error } = await (await withToken(token)).functions.invoke('ops-executor', { body: { run_id: runId } })
    const context = (error as { context?: Response } | null)?.context
    if (!context) return { status: 202, body: null }
    return { status: context.status, body: await context.json() }
  }

  /** REST errors come back with their HTTP status, as supabase-js reports them. */
  async function restError(request: PromiseLike<{ error: unknown; status: number }>) {
    const { error, status } = await request
    return { status, error }
  }

  async function runStatus(runId: string): Promise<string> {
    const { rows } = await stack.db.query<{ status: string }>('select status from ops.runs where id = $1', [runId])
    return rows[0].status
  }

  describe.each(['local', 'global'] as const)('after signOut({scope: %s})', (scope) => {
    it('the old access token is refused by Auth, the executor, REST and Realtime; it worked before', async () => {
      const { client, userId, token, email } = await emailUser()
      const other = await stack.client().auth.signInWithPassword({ email, password: 'correct horse' })
      const otherToken = other.data.session!.access_token
      const runId = await createRun(client, { title: 'kept token' })
      const kept = await withToken(token)

      // Before: the token reads the user's run and subscribes.
      expect((await kept.from('runs').select('id').eq('id', runId)).data).toEqual([{ id: runId }])
      const changes: Row[] = []
      const system: Row[] = []
      const statuses = await subscribe(
        kept
          .channel(`runs-${scope}`)
          .on('postgres_changes', { event: '*', schema: 'ops', table: 'runs' }, (change) => changes.push(change))
          .on('system', {}, (payload) => system.push(payload)),
      )

      expect((await client.auth.signOut({ scope })).error).toBeNull()

      // Auth (a regression check: GoTrue does this too).
      const user = await fetch(`${stack.url}/auth/v1/user`, { headers: { apikey: stack.anonKey, authorization: `Bearer ${token}` } })
      expect(user.status).toBe(403)
      expect(await user.json()).toEqual({ code: 'session_not_found', message: SESSION_ENDED })

      // The executor's caller check.
      expect(await invokeExecutor(token, runId)).toEqual({
        status: 401,
        body: { error: 'the caller is not signed in: the session of this token has ended (signed out); sign in again' },
      })

      // REST: reads, writes and rpc.
      const refused = { status: 401, error: expect.objectContaining({ code: 'PGRST301', message: SESSION_ENDED }) }
      expect(await restError(kept.from('runs').select('id'))).toEqual(refused)
      expect(await restError(kept.from('runs').update({ title: 'renamed after sign-out' }).eq('id', runId))).toEqual(refused)
      expect(await restError(kept.rpc('request_cancel', { p_run_id: runId }))).toEqual(refused)
      expect(await runStatus(runId)).toBe('queued')

      // Realtime: the open channel is closed at the next change, and that change is not sent.
      await stack.db.query("update ops.runs set title = 'changed after sign-out' where id = $1", [runId])
      await waitFor(() => statuses.list.includes(REALTIME_SUBSCRIBE_STATES.CLOSED), 'the channel to close')
      expect(system.at(-1)).toMatchObject({ status: 'error', message: `Invalid token: ${SESSION_ENDED}` })
      expect(changes).toEqual([])
      // A new join with the token is refused.
      const rejoin = await subscribeFailing(
        kept.channel(`rejoin-${scope}`).on('postgres_changes', { event: '*', schema: 'ops', table: 'runs' }, () => {}),
      )
      expect(rejoin.list[0]).toBe(REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR)
      expect(rejoin.errors[0]).toContain(`Invalid token: ${SESSION_ENDED}`)

      // The user's other session ends with a global sign-out only.
      const otherRead = await (await withToken(otherToken)).from('runs').select('id').eq('id', runId)
      if (scope === 'local') expect(otherRead.data).toEqual([{ id: runId }])
      else expect(otherRead).toMatchObject({ status: 401, error: { message: SESSION_ENDED } })
      expect(claimsOf(otherToken).sub).toBe(userId)
    })
  })

  it('refuses a token without exp in Auth, REST, Realtime (join, access_token, socket) and functions verify_jwt', async () => {
    const { userId, token } = await emailUser()
    const { exp, ...claims } = claimsOf(token)
    expect(exp).toEqual(expect.any(Number))
    const forever = signJwt(claims)
    const foreverService = signJwt({ iss: 'supabase-demo', role: 'service_role' })

    const auth = await stack.client().auth.getUser(forever)
    expect(auth.error).toMatchObject({
      status: 403,
      code: 'bad_jwt',
      message: `invalid JWT: unable to parse or verify signature, ${NO_EXP}`,
    })

    for (const key of [forever, foreverService]) {
      const rest = await (await withToken(key)).from('runs').select('id')
      expect(rest).toMatchObject({ status: 401, error: { code: 'PGRST301', message: NO_EXP } })
      const fn = await fetch(`${stack.url}/functions/v1/ops-executor`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: '{}',
      })
      expect(fn.status).toBe(401)
      expect(await fn.json()).toEqual({ code: 401, message: `Invalid JWT: ${NO_EXP}` })
    }

    // Realtime: the socket's apikey, a join's access_token, and a later access_token message.
    const socketUrl = (apikey: string) => `${stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${apikey}&vsn=2.0.0`
    const refusedSocket = new RawSocket(socketUrl(signJwt({ iss: 'supabase-demo', role: 'anon' })))
    await expect(refusedSocket.opened).rejects.toThrow('upgrade refused with HTTP 401')
    const raw = new RawSocket(socketUrl(stack.anonKey))
    try {
      await raw.opened
      const bindings = [{ event: '*', schema: 'ops', table: 'runs' }]
      const join = await raw.join('realtime:forever', bindings, forever)
      expect(join.reply).toEqual({ status: 'error', response: { reason: `Invalid token: ${NO_EXP}` } })
      const ok = await raw.join('realtime:swap', bindings, token)
      expect(ok.reply.status).toBe('ok')
      raw.push('realtime:swap', 'access_token', { access_token: forever }, ok.joinRef)
      const closed = await waitFor(
        () => raw.frames.find((f) => f[2] === 'realtime:swap' && f[3] === 'system' && f[4].status === 'error'),
        'the swapped channel to close',
      )
      expect(closed[4]).toMatchObject({ message: `Invalid token: ${NO_EXP}` })
    } finally {
      raw.ws.terminate()
      refusedSocket.ws.terminate()
    }
    expect(claimsOf(forever).sub).toBe(userId)
  })

  it('refuses a deleted user’s unexpired token: no reads or edits through REST, no Realtime, no executor', async () => {
    const admin = await emailUser()
    const member = await emailUser()
    const { data: workspace, error: created } = await admin.client.rpc('create_workspace', { p_name: 'Team' })
    expect(created).toBeNull()
    const workspaceId = workspace!.id
    const { data: invite } = await admin.client.rpc('create_invite', { p_workspace: workspaceId, p_role: 'operator' })
    expect((await member.client.rpc('accept_invite', { p_code: invite![0].code })).error).toBeNull()
    const runId = await createRun(admin.client, { workspace: workspaceId, title: 'the admin’s run' })
    const { data: docs } = await member.client.from('spec_docs').select('slug, version').eq('workspace_id', workspaceId).limit(1).single()
    const { data: template } = await member.client
      .from('run_templates')
      .select('slug, version, template_yaml')
      .eq('workspace_id', workspaceId)
      .limit(1)
      .single()
    const kept = await withToken(member.token)

    // Before: the operator reads and edits.
    const saved = await kept.rpc('save_spec_doc', {
      p_workspace: workspaceId,
      p_slug: docs!.slug,
      p_content: 'edited by the member',
      p_expected_version: docs!.version,
    })
    expect(saved.error).toBeNull()
    const changes: Row[] = []
    const system: Row[] = []
    const statuses = await subscribe(
      kept
        .channel('member-runs')
        .on('postgres_changes', { event: '*', schema: 'ops', table: 'runs' }, (change) => changes.push(change))
        .on('system', {}, (payload) => system.push(payload)),
    )
    await stack.db.query("update ops.runs set title = 'seen by the member' where id = $1", [runId])
    await waitFor(() => changes.length >= 1, 'the member to see a change')

    await deleteUser(member.userId)
    expect(claimsOf(member.token).exp as number).toBeGreaterThan(Date.now() / 1000)

    const refused = { status: 401, error: expect.objectContaining({ code: 'PGRST301', message: USER_GONE }) }
    expect(await restError(kept.from('spec_docs').select('slug'))).toEqual(refused)
    expect(await restError(kept.from('runs').select('id'))).toEqual(refused)
    expect(await restError(kept.from('run_templates').select('slug'))).toEqual(refused)
    expect(
      await restError(
        kept.rpc('save_spec_doc', {
          p_workspace: workspaceId,
          p_slug: docs!.slug,
          p_content: 'edited after deletion',
          p_expected_version: docs!.version + 1,
        }),
      ),
    ).toEqual(refused)
    expect(
      await restError(kept.from('spec_docs').insert({ workspace_id: workspaceId, slug: 'planted', title: 'Planted', content: 'x' })),
    ).toEqual(refused)
    expect(
      await restError(
        kept.rpc('save_template', {
          p_workspace: workspaceId,
          p_slug: template!.slug,
          p_template_yaml: template!.template_yaml,
          p_expected_version: template!.version,
          p_title: 'Hijacked',
        }),
      ),
    ).toEqual(refused)
    expect(await restError(kept.from('runs').update({ title: 'renamed by a deleted user' }).eq('id', runId))).toEqual(refused)
    expect(await restError(kept.rpc('request_cancel', { p_run_id: runId }))).toEqual(refused)
    expect(await restError(kept.rpc('ensure_personal_workspace'))).toEqual(refused)

    // Nothing changed.
    const { rows: docRows } = await stack.db.query<{ version: number; content: string }>(
      'select version, content from ops.spec_docs where workspace_id = $1 and slug = $2',
      [workspaceId, docs!.slug],
    )
    expect(docRows[0]).toEqual({ version: docs!.version + 1, content: 'edited by the member' })
    const { rows: planted } = await stack.db.query("select 1 from ops.spec_docs where slug = 'planted'")
    expect(planted).toEqual([])
    const { rows: templates } = await stack.db.query<{ version: number; title: string }>(
      'select version, title from ops.run_templates where workspace_id = $1 and slug = $2',
      [workspaceId, template!.slug],
    )
    expect(templates[0].version).toBe(template!.version)
    expect(await runStatus(runId)).toBe('queued')

    // Realtime: closed at the next change (a DELETE too), which it does not receive; no new join.
    const seen = changes.length
    await stack.db.query("update ops.runs set title = 'after the deletion' where id = $1", [runId])
    await waitFor(() => statuses.list.includes(REALTIME_SUBSCRIBE_STATES.CLOSED), 'the channel to close')
    expect(system.at(-1)).toMatchObject({ status: 'error', message: `Invalid token: ${USER_GONE}` })
    expect(changes).toHaveLength(seen)
    const rejoin = await subscribeFailing(
      kept.channel('member-again').on('postgres_changes', { event: '*', schema: 'ops', table: 'runs' }, () => {}),
    )
    expect(rejoin.errors[0]).toContain(`Invalid token: ${USER_GONE}`)

    // The executor.
    expect(await invokeExecutor(member.token, runId)).toEqual({
      status: 401,
      body: { error: 'the caller is not signed in: the user of this token no longer exists' },
    })
  })

  it('sends a DELETE to every subscriber of the table with the primary key only, members or not', async () => {
    const owner = await emailUser()
    const outsider = await emailUser()
    const workspaceId = await personalWorkspace(owner.client)
    const runId = await createRun(owner.client, { workspace: workspaceId, title: 'secret title' })
    const seen = { owner: [] as Row[], outsider: [] as Row[] }
    for (const who of ['owner', 'outsider'] as const) {
      const token = who === 'owner' ? owner.token : outsider.token
      await subscribe(
        (await withToken(token))
          .channel(`deletes-${who}`)
          .on('postgres_changes', { event: '*', schema: 'ops', table: 'runs' }, (change) => seen[who].push(change)),
      )
    }
    await stack.db.query("update ops.runs set status = 'canceled', finished_at = now(), summary = 'secret summary' where id = $1", [runId])
    await waitFor(() => seen.owner.length >= 1, 'the owner to see the update')
    const { error } = await (await withToken(owner.token)).from('runs').delete().eq('id', runId)
    expect(error).toBeNull()
    await waitFor(() => seen.owner.some((c) => c.eventType === 'DELETE'), 'the owner to see the delete')
    await waitFor(() => seen.outsider.length >= 1, 'the outsider to see the delete')

    // The outsider never saw the row, and learns only its key from the DELETE; the owner gets the same.
    expect(seen.outsider).toEqual([expect.objectContaining({ eventType: 'DELETE', new: {}, old: { id: runId } })])
    expect(seen.owner.find((c) => c.eventType === 'DELETE')).toMatchObject({ old: { id: runId } })
    expect(Object.keys(seen.owner.find((c) => c.eventType === 'DELETE')!.old as Row)).toEqual(['id'])

    // No published table keeps whole old rows (REPLICA IDENTITY FULL would make UPDATEs carry them).
    const { rows } = await stack.db.query<{ name: string; identity: string }>(
      `select c.relname as name, c.relreplident::text as identity
       from pg_publication_tables p join pg_class c on c.relname = p.tablename
       join pg_namespace n on n.oid = c.relnamespace and n.nspname = p.schemaname
       where p.pubname = 'supabase_realtime' order by 1`,
    )
    expect(rows).toEqual(['artifacts', 'run_approvals', 'run_events', 'runs'].map((name) => ({ name, identity: 'd' })))
  })
})
