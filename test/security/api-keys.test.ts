/**
 * Who the ops-executor takes for the service role, with either generation of API keys. A project
 * created today gives its functions SUPABASE_SECRET_KEYS / SUPABASE_PUBLISHABLE_KEYS (JSON objects
 * of keys by name) and callers send a secret key in the `apikey` header; an older project gives
 * SUPABASE_SERVICE_ROLE_KEY / SUPABASE_ANON_KEY and callers send the service_role JWT as a Bearer
 * token. Either way the service role is recognised by exact key, compared in constant time; a
 * request carrying a secret key is never taken for a user's; users are verified by Auth.
 */
import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, vi } from 'vitest'
import { stackModes } from '../support/key-modes.ts'
import { matrix } from '../support/matrix.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { createRun } from '../support/executor.ts'
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../local/jwt.ts'

// The executor's key comparison goes through node:crypto's timingSafeEqual; watch its calls.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>()
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) }
})
const crypto = await import('node:crypto')
const { handler } = await import('../../supabase/functions/ops-executor/index.ts')

const SECRET = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz'
const OTHER_SECRET = 'sb_secret_1ycGvS2fYtKR0z6u4ZUhMw_4h3tbLsH'
const PUBLISHABLE = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH'

const KEY_VARIABLES = [
  'SUPABASE_URL',
  'SUPABASE_SECRET_KEYS',
  'SUPABASE_PUBLISHABLE_KEYS',
  'SUPABASE_ANON_KEY',
  'SUPABASE_SERVICE_ROLE_KEY',
]

describe.each(stackModes)('ops-executor API keys on %s, the stack with %s keys', (engine, keyMode) => {
  const { it, smoke } = matrix(engine, keyMode)
  let stack: TestStack
  let userToken: string
  let runId: string
  let saved: Record<string, string | undefined>
  let savedRuntime: unknown
  let background: Promise<unknown>[]

  beforeAll(async () => {
    stack = await startTestStack(engine, { keys: keyMode })
    const user = await stack.anonymousUser()
    userToken = user.accessToken
    runId = await createRun(user.client, { template: 'deploy-web', inputs: { env: 'staging' } })
  })
  afterAll(() => stack.stop())

  beforeEach(() => {
    saved = Object.fromEntries(KEY_VARIABLES.map((name) => [name, process.env[name]]))
    for (const name of KEY_VARIABLES) delete process.env[name]
    process.env.SUPABASE_URL = stack.url
    // The runtime keeps accepted work alive; here it is only collected, so a reply is all a test sees.
    background = []
    savedRuntime = Reflect.get(globalThis, 'EdgeRuntime')
    Reflect.set(globalThis, 'EdgeRuntime', { waitUntil: (work: Promise<unknown>) => background.push(work.catch(() => undefined)) })
    vi.mocked(crypto.timingSafeEqual).mockClear()
  })
  afterEach(async () => {
    await Promise.all(background)
    Reflect.set(globalThis, 'EdgeRuntime', savedRuntime)
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  /** A project created today: new keys only, the legacy ones turned off (absent). */
  function newKeys() {
    process.env.SUPABASE_SECRET_KEYS = JSON.stringify({ default: SECRET, ci: OTHER_SECRET })
    process.env.SUPABASE_PUBLISHABLE_KEYS = JSON.stringify({ default: PUBLISHABLE })
  }
  /** An older project: the legacy JWT keys only (the local stack's, whichever mode it runs in). */
  function legacyKeys() {
    process.env.SUPABASE_ANON_KEY = ANON_KEY
    process.env.SUPABASE_SERVICE_ROLE_KEY = SERVICE_ROLE_KEY
  }

  const post = (headers: Record<string, string>, body: unknown = {}) =>
    handler(
      new Request(`${stack.url}/functions/v1/ops-executor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    )
  const reply = async (response: Response) => ({ status: response.status, body: await response.json() })
  const drainAccepted = { status: 202, body: { accepted: true, drain: true } }

  smoke('takes the default secret key in the apikey header for the service role, and drains', async () => {
    newKeys()
    expect(await reply(await post({ apikey: SECRET }))).toEqual(drainAccepted)
  })

  it('takes any of the project’s secret keys, also when supabase-js repeats it as a Bearer token', async () => {
    newKeys()
    expect(await reply(await post({ apikey: OTHER_SECRET }))).toEqual(drainAccepted)
    expect(await reply(await post({ apikey: SECRET, authorization: `Bearer ${SECRET}` }))).toEqual(drainAccepted)
  })

  it('compares the presented key in constant time (node:crypto timingSafeEqual over equal-length digests)', async () => {
    newKeys()
    const presented = 'sb_secret_not-the-key'
    await post({ apikey: presented })
    const digest = createHash('sha256').update(presented).digest()
    const calls = vi.mocked(crypto.timingSafeEqual).mock.calls
    // Compared with every secret key, whichever would match.
    expect(calls.filter(([given]) => Buffer.from(given as Uint8Array).equals(digest))).toHaveLength(2)
  })

  smoke('refuses a secret key that is not the project’s, without asking Auth', async () => {
    newKeys()
    expect(await reply(await post({ apikey: 'sb_secret_guessed', authorization: `Bearer ${userToken}` }, { run_id: runId }))).toEqual({
      status: 401,
      body: { error: "the apikey header holds a secret key that is not one of this project's secret keys" },
    })
  })

  it('refuses a secret key sent as a Bearer token: it goes in the apikey header', async () => {
    newKeys()
    expect(await reply(await post({ authorization: `Bearer ${SECRET}` }))).toEqual({
      status: 401,
      body: { error: 'a secret key is not a JWT: send it in the apikey header, not in Authorization: Bearer' },
    })
  })

  it('refuses a publishable key: it signs nobody in', async () => {
    newKeys()
    expect(await reply(await post({ apikey: PUBLISHABLE }))).toMatchObject({ status: 401, body: { error: /^missing credentials: / } })
    expect(await reply(await post({ apikey: PUBLISHABLE, authorization: `Bearer ${PUBLISHABLE}` }))).toEqual({
      status: 401,
      body: { error: "a publishable key does not sign anyone in: send a signed-in user's access token in Authorization: Bearer" },
    })
  })

  it('does not take the legacy service_role JWT on a project whose environment has only new keys', async () => {
    newKeys()
    const response = await reply(await post({ apikey: PUBLISHABLE, authorization: `Bearer ${SERVICE_ROLE_KEY}` }))
    expect(response.status).toBe(401)
    expect(response.body.error).toMatch(/^the caller is not signed in: /)
  })

  smoke('verifies a signed-in user through Auth with the publishable key, and lets them execute their run', async () => {
    newKeys()
    expect(await reply(await post({ apikey: PUBLISHABLE, authorization: `Bearer ${userToken}` }, { run_id: runId }))).toEqual({
      status: 202,
      body: { accepted: true, run_id: runId },
    })
    // A user never drains the queue: without run_id they are told so, not taken for the service role.
    expect(await reply(await post({ apikey: PUBLISHABLE, authorization: `Bearer ${userToken}` }))).toMatchObject({ status: 400 })
  })

  smoke('takes the legacy service_role JWT as a Bearer token on a legacy project', async () => {
    legacyKeys()
    expect(await reply(await post({ authorization: `Bearer ${SERVICE_ROLE_KEY}` }))).toEqual(drainAccepted)
    // The anon key is not the service role; Auth finds no user in it.
    expect((await post({ authorization: `Bearer ${ANON_KEY}` })).status).toBe(401)
  })

  smoke('with both generations, takes the legacy JWT only while the project’s gateway accepts legacy keys', async () => {
    newKeys()
    legacyKeys()
    expect(await reply(await post({ apikey: SECRET }))).toEqual(drainAccepted)
    // A project created today still gives its functions the legacy variables after its legacy keys
    // were turned off (the stack's `new` mode); a project migrating has both turned on (`legacy`).
    expect(await reply(await post({ authorization: `Bearer ${SERVICE_ROLE_KEY}` }))).toEqual(
      keyMode === 'new'
        ? { status: 401, body: { error: 'legacy API keys are disabled on this project: send a secret key in the apikey header' } }
        : drainAccepted,
    )
  })

  it('says which variables are missing or malformed', async () => {
    expect(await reply(await post({ apikey: SECRET }))).toEqual({
      status: 500,
      body: {
        error:
          'SUPABASE_SECRET_KEYS (or the legacy SUPABASE_SERVICE_ROLE_KEY) and SUPABASE_PUBLISHABLE_KEYS (or the legacy SUPABASE_ANON_KEY) must be set in the function environment',
      },
    })
    newKeys()
    process.env.SUPABASE_SECRET_KEYS = SECRET
    expect(await reply(await post({ apikey: SECRET }))).toEqual({
      status: 500,
      body: { error: 'SUPABASE_SECRET_KEYS must be a JSON object of keys by name, like {"default": "sb_..."}; it is not valid JSON' },
    })
  })
})
