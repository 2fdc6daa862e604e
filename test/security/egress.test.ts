/**
 * SSRF: a step may not reach loopback, private, link-local, metadata… addresses (literal, in an
 * IPv6 form, behind a name or behind a redirect) unless OPS_EGRESS_ALLOW lets them through. The
 * policy on its own (with an injected resolver), then the real executor against the local stack.
 */
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addressRefusal, parseEgressAllow, type ResolveHost } from '../../supabase/functions/_shared/executor/egress-policy.ts'
import { EgressRefused, send } from '../../supabase/functions/_shared/executor/egress.ts'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'
import { systemResolveHost } from '../../supabase/functions/_shared/executor/resolve-host.ts'
import { engines } from '../support/databases.ts'
import {
  addTemplate,
  artifactsOf,
  bindSecret,
  createRun,
  eventsOf,
  executorOptions,
  personalWorkspace,
  runExecutor,
  runOf,
} from '../support/executor.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { startStack } from '../../local/stack.ts'

/** A resolver with fixed answers; a name it does not know does not resolve (ENOTFOUND). */
function resolver(answers: Record<string, string[]>): ResolveHost & { asked: string[] } {
  const asked: string[] = []
  const resolve = (host: string) => {
    asked.push(host)
    if (answers[host]) return Promise.resolve(answers[host])
    return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))
  }
  return Object.assign(resolve, { asked })
}

const names = resolver({
  'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example': ['10.0.0.5'],
  'half-internal.example': ['93.184.215.14', '127.0.0.1'],
  'v6-internal.example': ['fd12:3456::1'],
  'mapped.example': ['::ffff:169.254.169.254'],
  'nothing.example': [],
})
const refusal = (url: string, allow = '') => addressRefusal(new URL(url), { allow: parseEgressAllow(allow), resolve: names })

describe('the address policy', () => {
  it.each([
    ['http://127.0.0.1:5432/', '127.0.0.1 is a loopback address'],
    ['http://127.1/', '127.0.0.1 is a loopback address'],
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.0.0.1/', '127.0.0.1 is a loopback address'],
    ['http://10.1.2.3/', '10.1.2.3 is a private address'],
    ['http://172.16.0.1/', '172.16.0.1 is a private address'],
    ['http://172.31.255.255/', '172.31.255.255 is a private address'],
    ['http://192.168.1.1/', '192.168.1.1 is a private address'],
    ['http://100.64.0.1/', '100.64.0.1 is a shared (CGNAT) address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://169.254.10.10/', '169.254.10.10 is a link-local address'],
    ['http://0.0.0.0:8080/', '0.0.0.0 is an unspecified address'],
    ['http://224.0.0.1/', '224.0.0.1 is a multicast address'],
    ['http://255.255.255.255/', '255.255.255.255 is a broadcast address'],
    ['http://240.0.0.1/', '240.0.0.1 is a reserved address'],
    ['http://[::1]:8080/', '::1 is a loopback address'],
    ['http://[::]/', ':: is an unspecified address'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address'],
    ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is an IPv4-mapped form of 169.254.169.254, a cloud metadata address'],
    ['http://[::127.0.0.1]/', '::7f00:1 is an IPv4-compatible form of 127.0.0.1, a loopback address'],
    ['http://[64:ff9b::10.0.0.1]/', '64:ff9b::a00:1 is a NAT64 form of 10.0.0.1, a private address'],
    ['http://[2002:a9fe:a9fe::1]/', '2002:a9fe:a9fe::1 is a 6to4 form of 169.254.169.254, a cloud metadata address'],
    ['http://[fe80::1]/', 'fe80::1 is a link-local address'],
    ['http://[fc00::1]/', 'fc00::1 is a unique-local address'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254 is a cloud metadata address'],
    ['http://[ff02::1]/', 'ff02::1 is a multicast address'],
    ['http://[2001:db8::1]/', '2001:db8::1 is a reserved address'],
    ['http://localhost:54321/', 'localhost is a loopback name'],
    ['http://LOCALHOST./', 'localhost is a loopback name'],
    ['http://api.localhost/', 'api.localhost is a loopback name'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is a cloud metadata name'],
  ])('refuses %s: %s', async (url, reason) => {
    expect(await refusal(url)).toBe(reason)
  })

  it.each(['http://93.184.215.14/', 'https://[2606:4700:4700::1111]/', 'http://[::ffff:8.8.8.8]/', 'https://[64:ff9b::8.8.8.8]/'])(
    'lets a public address through: %s',
    async (url) => {
      expect(await refusal(url)).toBeUndefined()
    },
  )

  it('resolves names: every address must be public, and a name that does not resolve is refused', async () => {
    expect(await refusal('https://public.example/status')).toBeUndefined()
    expect(await refusal('https://internal.example/')).toBe('internal.example resolves to 10.0.0.5, a private address')
    expect(await refusal('https://half-internal.example/')).toBe('half-internal.example resolves to 127.0.0.1, a loopback address')
    expect(await refusal('https://v6-internal.example/')).toBe('v6-internal.example resolves to fd12:3456::1, a unique-local address')
    expect(await refusal('https://mapped.example/')).toBe(
      'mapped.example resolves to ::ffff:169.254.169.254, an IPv4-mapped form of 169.254.169.254, a cloud metadata address',
    )
    expect(await refusal('https://missing.example/')).toBe('missing.example does not resolve to an address (ENOTFOUND)')
    expect(await refusal('https://nothing.example/')).toBe('nothing.example does not resolve to an address (no A or AAAA record)')
  })

  it('lets OPS_EGRESS_ALLOW entries through: a host, host:port, an IP, a CIDR range (IPv4 and IPv6)', async () => {
    expect(await refusal('http://internal.example/', 'internal.example')).toBeUndefined()
    expect(await refusal('http://internal.example:8080/', 'internal.example:8080')).toBeUndefined()
    expect(await refusal('http://internal.example/', 'internal.example:8080')).toBe(
      'internal.example resolves to 10.0.0.5, a private address',
    )
    expect(await refusal('http://internal.example/', '10.0.0.0/16')).toBeUndefined()
    expect(await refusal('http://internal.example/', '10.1.0.0/16')).toBe('internal.example resolves to 10.0.0.5, a private address')
    expect(await refusal('http://127.0.0.1:5432/', '127.0.0.1:8080')).toBe('127.0.0.1 is a loopback address')
    expect(await refusal('http://127.0.0.1:8080/', '127.0.0.1:8080')).toBeUndefined()
    expect(await refusal('http://127.0.0.1:8080/', ' 10.0.0.1 , 127.0.0.1 ,')).toBeUndefined()
    expect(await refusal('http://[fd12:3456::1]/', 'fd12::/16')).toBeUndefined()
    expect(await refusal('http://v6-internal.example/', 'fd12:3456::/32')).toBeUndefined()
    expect(await refusal('http://[::1]:9000/', '[::1]:9000')).toBeUndefined()
    expect(await refusal('http://[::ffff:10.0.0.9]/', '10.0.0.0/8')).toBeUndefined()
    // Allowing one name does not allow another that resolves to the same place.
    expect(await refusal('http://half-internal.example/', 'internal.example')).toBe(
      'half-internal.example resolves to 127.0.0.1, a loopback address',
    )
    expect(await refusal('http://localhost:3000/', 'localhost:3000')).toBeUndefined()
  })

  it.each([
    ['10.0.0.0/33', 'OPS_EGRESS_ALLOW entry "10.0.0.0/33" is not valid: the prefix length must be a number from 0 to 32'],
    ['fd00::/129', 'OPS_EGRESS_ALLOW entry "fd00::/129" is not valid: the prefix length must be a number from 0 to 128'],
    ['https://status.example', 'OPS_EGRESS_ALLOW entry "https://status.example" is not valid: it is a URL; write a host name'],
    ['status.example:99999', 'OPS_EGRESS_ALLOW entry "status.example:99999" is not valid: the port must be a number from 1 to 65535'],
    ['::1:8080:x', 'OPS_EGRESS_ALLOW entry "::1:8080:x" is not valid: an IPv6 address with a port is written [address]:port'],
    ['*.example.com', 'OPS_EGRESS_ALLOW entry "*.example.com" is not valid: "*.example.com" is not a host name'],
    ['host name', 'OPS_EGRESS_ALLOW entry "host name" is not valid: "host name" is not a host name'],
  ])('refuses the malformed entry %s, naming it', (entry, message) => {
    expect(() => parseEgressAllow(`status.example,${entry}`)).toThrow(message)
  })

  it('checks a redirect hop: a public host redirecting to an internal one is not followed', async () => {
    const fetched: string[] = []
    const fakeFetch = ((input: string) => {
      fetched.push(input)
      return Promise.resolve(new Response(null, { status: 302, headers: { location: 'https://internal.example/admin' } }))
    }) as typeof fetch
    await expect(
      send(
        { method: 'GET', url: 'https://public.example/go', headers: {} },
        { fetch: fakeFetch, secrets: [], policy: { allow: [], resolve: names } },
      ),
    ).rejects.toThrow(
      new EgressRefused(
        'GET https://public.example/go redirected to https://internal.example/admin: internal.example resolves to 10.0.0.5, a private address; the redirect was not followed (allow it with OPS_EGRESS_ALLOW)',
      ),
    )
    expect(fetched).toEqual(['https://public.example/go'])
  })
})

describe('the runtime resolvers', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'Deno')
  })

  it('under Node: every address getaddrinfo gives (localhost from the hosts file)', async () => {
    const answers = await systemResolveHost()('localhost')
    expect(answers.length).toBeGreaterThan(0)
    expect(answers.every((address) => address === '::1' || address.startsWith('127.'))).toBe(true)
  })

  it('under Deno: the A and AAAA answers together; a name without either does not resolve', async () => {
    const records: Record<string, Partial<Record<'A' | 'AAAA', string[]>>> = {
      'both.example': { A: ['93.184.215.14'], AAAA: ['fd00::5'] },
      'v4.example': { A: ['10.0.0.5'] },
    }
    const resolveDns = (name: string, type: 'A' | 'AAAA') => {
      const found = records[name]?.[type]
      return found ? Promise.resolve(found) : Promise.reject(new Error(`no ${type} record for ${name}`))
    }
    Reflect.set(globalThis, 'Deno', { resolveDns })
    const resolve = systemResolveHost()
    expect(await resolve('both.example')).toEqual(['93.184.215.14', 'fd00::5'])
    expect(await resolve('v4.example')).toEqual(['10.0.0.5'])
    await expect(resolve('none.example')).rejects.toThrow('no A record for none.example')
  })
})

const FETCH_TEMPLATE = `version: 1
kind: check
title: Fetch a page
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base, label: Base URL, type: string, required: true }
steps:
  - id: fetch
    title: Fetch the page
    kind: http
    with: { url: "\${{ inputs.base }}/page", artifact: { kind: file, title: The page } }
    retry: { max: 3, delay: 10ms }
`

const REST_TEMPLATE = `version: 1
kind: check
title: Read the stack's REST API
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
  - id: rest
    title: Read runs
    kind: http
    with:
      url: "\${{ project.url }}/rest/v1/runs?select=id"
      headers: { apikey: "\${{ project.anon_key }}", accept-profile: ops }
      expect_status: [200, 401]
`

describe.each(engines)('the executor against the local stack on %s', (engine) => {
  let stack: TestStack
  let user: OpsClient
  let workspace: string
  let inside: RemoteService // a loopback service nobody allowed
  let allowed: RemoteService // a "public" service: its host:port is in OPS_EGRESS_ALLOW
  const secretPage = 'internal secret: db password hunter2'

  beforeAll(async () => {
    stack = await startTestStack(engine)
    inside = await startRemote()
    allowed = await startRemote()
    ;({ client: user } = await stack.anonymousUser())
    workspace = await personalWorkspace(user)
    await addTemplate(stack, 'fetch-page', FETCH_TEMPLATE, workspace)
    await addTemplate(stack, 'read-rest', REST_TEMPLATE, workspace)
  })
  afterAll(async () => {
    await inside.close()
    await allowed.close()
    await stack.stop()
  })
  beforeEach(() => {
    inside.requests.length = 0
    allowed.requests.length = 0
    inside.on('/page', reply(200, secretPage))
  })

  async function fetchRun(base: string, overrides: Parameters<typeof runExecutor>[3] = {}, secrets: Record<string, string> = {}) {
    const runId = await createRun(user, { template: 'fetch-page', inputs: { env: 'staging', base } })
    await runExecutor(stack, runId, secrets, overrides)
    const events = await eventsOf(user, runId)
    return { run: await runOf(user, runId), events, log: JSON.stringify(events), artifacts: await artifactsOf(user, runId) }
  }

  it('refuses a loopback service before sending, once (no retry), and keeps its answer out of the log and artifacts', async () => {
    const { run, log, artifacts } = await fetchRun(inside.url)
    expect(run.status).toBe('error')
    expect(run.error).toBe(
      `step fetch failed: GET ${inside.url}/page refused: 127.0.0.1 is a loopback address; nothing was sent (allow it with OPS_EGRESS_ALLOW)`,
    )
    expect(inside.requests).toEqual([])
    expect(log).not.toContain('Attempt 1 of')
    expect(log).not.toContain('hunter2')
    expect(artifacts).toEqual([])
  })

  it('reaches the same service once its host:port is allowed (the control case)', async () => {
    const { run, artifacts } = await fetchRun(inside.url, { egressAllow: [inside.url] })
    expect(run.status).toBe('success')
    expect(inside.count('/page')).toBe(1)
    expect(artifacts.map((a) => a.content)).toEqual([secretPage])
  })

  it.each([
    ['http://169.254.169.254', '169.254.169.254 is a cloud metadata address'],
    ['http://10.0.0.1:8080', '10.0.0.1 is a private address'],
    ['http://192.168.0.1', '192.168.0.1 is a private address'],
    ['http://[fd00:ec2::254]', 'fd00:ec2::254 is a cloud metadata address'],
    ['http://[fe80::1]', 'fe80::1 is a link-local address'],
    ['http://0.0.0.0:1', '0.0.0.0 is an unspecified address'],
  ])('refuses %s before sending: %s', async (base, reason) => {
    const { run } = await fetchRun(base)
    expect(run.status).toBe('error')
    expect(run.error).toBe(`step fetch failed: GET ${base}/page refused: ${reason}; nothing was sent (allow it with OPS_EGRESS_ALLOW)`)
  })

  it('refuses the loopback service in IPv6 forms (IPv4-mapped, NAT64)', async () => {
    const port = new URL(inside.url).port
    for (const [host, reason] of [
      ['[::ffff:127.0.0.1]', '::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address'],
      ['[::1]', '::1 is a loopback address'],
      ['[64:ff9b::127.0.0.1]', '64:ff9b::7f00:1 is a NAT64 form of 127.0.0.1, a loopback address'],
    ]) {
      const { run } = await fetchRun(`http://${host}:${port}`)
      expect(run.error).toContain(`refused: ${reason}; nothing was sent`)
    }
    expect(inside.requests).toEqual([])
  })

  it('refuses a name that resolves to a private address, and one that does not resolve', async () => {
    const resolveHost = resolver({ 'db.internal.test': ['93.184.215.14', '10.20.30.40'] })
    const { run } = await fetchRun('http://db.internal.test', { resolveHost })
    expect(run.error).toBe(
      'step fetch failed: GET http://db.internal.test/page refused: db.internal.test resolves to 10.20.30.40, a private address; nothing was sent (allow it with OPS_EGRESS_ALLOW)',
    )
    const unknown = await fetchRun('http://nowhere.test', { resolveHost })
    expect(unknown.run.error).toBe(
      'step fetch failed: GET http://nowhere.test/page refused: nowhere.test does not resolve to an address (ENOTFOUND); nothing was sent (allow it with OPS_EGRESS_ALLOW)',
    )
  })

  it('does not follow a redirect from an allowed host to an internal one', async () => {
    allowed.on('/page', (_, __, res: ServerResponse) => void res.writeHead(302, { location: `${inside.url}/page` }).end())
    const { run, log } = await fetchRun(allowed.url, { egressAllow: [allowed.url] })
    expect(run.status).toBe('error')
    expect(run.error).toBe(
      `step fetch failed: GET ${allowed.url}/page redirected to ${inside.url}/page: 127.0.0.1 is a loopback address; the redirect was not followed (allow it with OPS_EGRESS_ALLOW)`,
    )
    expect(allowed.count('/page')).toBe(1)
    expect(inside.requests).toEqual([])
    expect(log).not.toContain('hunter2')
  })

  it("refuses github_dispatch's API host when it is internal, with the token bound to it", async () => {
    await bindSecret(stack, 'GITHUB_TOKEN', workspace, ['127.0.0.1'])
    inside.on('/repos/acme/web/actions/workflows/deploy.yml/dispatches', reply(204))
    const runId = await createRun(user, { template: 'deploy-web', inputs: { env: 'staging', service: 'web', ref: 'main' } })
    await runExecutor(stack, runId, { GITHUB_TOKEN: 'ghp_canary0123456789', GITHUB_API_URL: inside.url })
    const run = await runOf(user, runId)
    expect(run.status).toBe('error')
    expect(run.error).toContain(`refused: 127.0.0.1 is a loopback address; nothing was sent (allow it with OPS_EGRESS_ALLOW)`)
    expect(inside.requests).toEqual([])
  })

  it("refuses the stack's own REST API unless allowed; the local stack allows its own URL", async () => {
    const refusedRun = await createRun(user, { template: 'read-rest' })
    await runExecutor(stack, refusedRun, { OPS_EGRESS_ALLOW: '' })
    // (The project's URL is masked in what the run stores, as the project's values are.)
    expect((await runOf(user, refusedRun)).error).toMatch(
      /^step rest failed: GET \S+\/rest\/v1\/runs\?select=id refused: 127\.0\.0\.1 is a loopback address; nothing was sent \(allow it with OPS_EGRESS_ALLOW\)$/,
    )
    // As the stack runs its functions: its own host:port is allowed, and nothing else on loopback.
    // The request then reaches the REST API, whose grants decide (the anon key may not read runs: 401).
    expect(stack.egressAllow()).toBe(new URL(stack.url).host)
    const allowedRun = await createRun(user, { template: 'read-rest' })
    await runExecutor(stack, allowedRun)
    expect(await runOf(user, allowedRun)).toMatchObject({ status: 'success', error: null })
  })

  it("runs the seeded deploy-web template's health checks against the stack through the stack's own function", async () => {
    const runId = await createRun(user, { template: 'deploy-web', inputs: { env: 'staging', service: 'web', ref: 'main' } })
    const { error } = await user.functions.invoke('ops-executor', { body: { run_id: runId } })
    expect(error).toBeNull()
    const run = await (async () => {
      for (;;) {
        const row = await runOf(user, runId)
        if (['success', 'error', 'canceled'].includes(row.status)) return row
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    expect(run).toMatchObject({ status: 'success', error: null })
  })

  it('refuses to start runs while OPS_EGRESS_ALLOW has a malformed entry, naming it; the run stays queued', async () => {
    const runId = await createRun(user, { template: 'fetch-page', inputs: { env: 'staging', base: inside.url } })
    await expect(
      execute(executorOptions(stack, { OPS_EGRESS_ALLOW: `${new URL(inside.url).host},10.0.0.0/33` }), { runId }),
    ).rejects.toThrow('OPS_EGRESS_ALLOW entry "10.0.0.0/33" is not valid: the prefix length must be a number from 0 to 32')
    expect((await runOf(user, runId)).status).toBe('queued')
    expect(inside.requests).toEqual([])
    await runExecutor(stack, runId) // leave nothing queued behind for the other tests
  })

  it('answers 500 from the function while OPS_EGRESS_ALLOW is malformed: the entry for the service role, who can fix it for a user', async () => {
    const runId = await createRun(user, { template: 'fetch-page', inputs: { env: 'staging', base: inside.url } })
    const kept = stack.egressAllow()
    process.env.OPS_EGRESS_ALLOW = `${kept},10.0.0.0/33`
    try {
      // As supabase-js sends them: the API key in apikey, the user's token (or the key again) as Bearer.
      const call = async (key: string, apikey = key) => {
        const response = await fetch(`${stack.url}/functions/v1/ops-executor`, {
          method: 'POST',
          headers: { apikey, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ run_id: runId }),
        })
        return { status: response.status, body: (await response.json()) as unknown }
      }
      const { data } = await user.auth.getSession()
      expect(await call(data.session!.access_token, stack.anonKey)).toEqual({
        status: 500,
        body: { error: "the executor's OPS_EGRESS_ALLOW setting is malformed; no run is started until the deployer fixes it" },
      })
      expect(await call(stack.serviceRoleKey)).toEqual({
        status: 500,
        body: {
          error:
            'OPS_EGRESS_ALLOW entry "10.0.0.0/33" is not valid: the prefix length must be a number from 0 to 32; no run is started until it is fixed',
        },
      })
    } finally {
      process.env.OPS_EGRESS_ALLOW = kept
    }
    expect((await runOf(user, runId)).status).toBe('queued')
    await runExecutor(stack, runId) // leave nothing queued behind for the other tests
  })

  it('refuses to start a local stack whose OPS_EGRESS_ALLOW has a malformed entry', async () => {
    await expect(startStack({ db: stack.db, port: 0, egressAllow: ['status.example', 'status.example:http'] })).rejects.toThrow(
      'OPS_EGRESS_ALLOW entry "status.example:http" is not valid: the port must be a number from 1 to 65535',
    )
  })

  it('resolves nothing and sends nothing for a dry run', async () => {
    const resolveHost = Object.assign(() => Promise.reject(new Error('a dry run must not resolve names')), {})
    const runId = await createRun(user, {
      template: 'fetch-page',
      inputs: { env: 'staging', base: 'http://db.internal.test' },
      dryRun: true,
    })
    await runExecutor(stack, runId, {}, { resolveHost })
    expect((await runOf(user, runId)).status).toBe('success')
  })
})
