/**
 * Where a request may go: a bound secret only to its binding's hosts, checked before the request
 * and before every redirect hop, with real local servers on two host names (127.0.0.1 and
 * localhost) so a redirect really leads to another host.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EgressRefused, hostRefusal, MAX_REDIRECTS, send } from '../../supabase/functions/_shared/executor/egress.ts'
import { parseEgressAllow, type EgressPolicy } from '../../supabase/functions/_shared/executor/egress-policy.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'

describe('hostRefusal', () => {
  const token = { name: 'API_TOKEN', hosts: ['api.example.com'] }
  it.each([
    ['https://api.example.com/v1', undefined],
    ['https://API.Example.COM/v1', undefined],
    ['https://api.example.com:8443/v1', undefined],
    ['https://evil.example.com/v1', 'secret API_TOKEN may be sent only to api.example.com, not to evil.example.com'],
    ['https://api.example.com.evil.test/', 'secret API_TOKEN may be sent only to api.example.com, not to api.example.com.evil.test'],
    ['https://example.com/', 'secret API_TOKEN may be sent only to api.example.com, not to example.com'],
    ['https://user@evil.test/?host=api.example.com', 'secret API_TOKEN may be sent only to api.example.com, not to evil.test'],
  ])('%s → %s', (url, refusal) => {
    expect(hostRefusal(new URL(url), [token])).toBe(refusal)
  })

  it('needs every carried secret to allow the host, and nothing when no secret is carried', () => {
    const other = { name: 'OTHER', hosts: ['other.example.com'] }
    expect(hostRefusal(new URL('https://api.example.com/'), [token, other])).toBe(
      'secret OTHER may be sent only to other.example.com, not to api.example.com',
    )
    expect(hostRefusal(new URL('https://anywhere.test/'), [])).toBeUndefined()
    expect(hostRefusal(new URL('https://anywhere.test/'), [{ name: 'NOWHERE', hosts: [] }])).toBe(
      'secret NOWHERE may be sent only to no host, not to anywhere.test',
    )
  })
})

describe('send, against real servers on two host names', () => {
  let home: RemoteService
  let elsewhere: RemoteService
  const homeHost = '127.0.0.1'
  const token = { name: 'API_TOKEN', hosts: [homeHost] }
  const withToken = { authorization: 'Bearer tok-123', 'x-api-key': 'tok-123' }
  // Both stand-ins are on loopback: the address policy lets exactly these two through.
  let policy: EgressPolicy
  beforeAll(async () => {
    home = await startRemote(homeHost)
    elsewhere = await startRemote('localhost')
    const resolve = () => Promise.reject(new Error('no name is resolved here'))
    policy = { allow: parseEgressAllow([home.url, elsewhere.url].map((url) => new URL(url).host).join(',')), resolve }
  })
  afterAll(async () => {
    await home.close()
    await elsewhere.close()
  })
  beforeEach(() => {
    home.requests.length = 0
    elsewhere.requests.length = 0
  })
  const redirect = (status: number, location: () => string) => (_: unknown, __: number, res: import('node:http').ServerResponse) => {
    res.writeHead(status, { location: location() }).end()
  }

  it('sends a secret to a host its binding names', async () => {
    home.on('/ok', reply(200, '{"ok":true}'))
    const sent = await send({ method: 'GET', url: `${home.url}/ok`, headers: withToken }, { fetch, policy, secrets: [token] })
    expect(sent.response.status).toBe(200)
    expect(await sent.response.json()).toEqual({ ok: true })
    expect(sent.redirects).toEqual([])
    expect(home.requests[0].headers.authorization).toBe('Bearer tok-123')
  })

  it('refuses to send a secret to another host, before sending anything', async () => {
    elsewhere.on('/steal', reply(200))
    await expect(
      send({ method: 'POST', url: `${elsewhere.url}/steal`, headers: withToken, body: 'x' }, { fetch, policy, secrets: [token] }),
    ).rejects.toThrow(new EgressRefused('secret API_TOKEN may be sent only to 127.0.0.1, not to localhost; nothing was sent'))
    expect(elsewhere.requests).toEqual([])
  })

  it('refuses a redirect that would take a secret to another host: the hop is never sent', async () => {
    home.on(
      '/hop',
      redirect(302, () => `${elsewhere.url}/steal`),
    )
    elsewhere.on('/steal', reply(200))
    await expect(send({ method: 'GET', url: `${home.url}/hop`, headers: withToken }, { fetch, policy, secrets: [token] })).rejects.toThrow(
      `GET ${home.url}/hop redirected to ${elsewhere.url}/steal: secret API_TOKEN may be sent only to 127.0.0.1, not to localhost; the redirect was not followed`,
    )
    expect(home.count('/hop')).toBe(1)
    expect(elsewhere.requests).toEqual([])
  })

  it('follows a redirect that stays on an allowed host, relative Location included', async () => {
    home.on(
      '/moved',
      redirect(301, () => '/here?x=1'),
    )
    home.on('/here', reply(200, 'fine'))
    const sent = await send({ method: 'GET', url: `${home.url}/moved`, headers: withToken }, { fetch, policy, secrets: [token] })
    expect(sent.response.status).toBe(200)
    expect(sent.url).toBe(`${home.url}/here?x=1`)
    expect(sent.redirects).toEqual([`${home.url}/here?x=1`])
    expect(home.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/moved', 'Bearer tok-123'],
      ['/here', 'Bearer tok-123'],
    ])
  })

  it('lets a request without secrets follow a redirect anywhere, dropping Authorization at another origin', async () => {
    home.on(
      '/away',
      redirect(307, () => `${elsewhere.url}/there`),
    )
    elsewhere.on('/there', reply(200, 'arrived'))
    const sent = await send(
      { method: 'PUT', url: `${home.url}/away`, headers: { authorization: 'Basic cGxhaW4=', 'content-type': 'text/plain' }, body: 'kept' },
      { fetch, policy, secrets: [] },
    )
    expect(await sent.response.text()).toBe('arrived')
    const [there] = elsewhere.requests
    // 307 keeps the method and body; another origin loses the Authorization header, as in fetch.
    expect([there.method, there.body, there.headers['content-type'], there.headers.authorization]).toEqual([
      'PUT',
      'kept',
      'text/plain',
      undefined,
    ])
  })

  it.each([
    [302, 'POST', 'GET', ''],
    [301, 'POST', 'GET', ''],
    [303, 'PUT', 'GET', ''],
    [303, 'DELETE', 'GET', ''],
    [307, 'POST', 'POST', 'payload'],
    [308, 'POST', 'POST', 'payload'],
    [302, 'PUT', 'PUT', 'payload'],
  ])('a %i after %s continues as %s with body "%s", as fetch does', async (status, method, nextMethod, nextBody) => {
    home.on(
      '/form',
      redirect(status, () => '/result'),
    )
    home.on('/result', reply(200))
    await send(
      { method, url: `${home.url}/form`, headers: { 'content-type': 'application/json', ...withToken }, body: 'payload' },
      { fetch, policy, secrets: [token] },
    )
    const result = home.requests.find((r) => r.path === '/result')!
    expect([result.method, result.body]).toEqual([nextMethod, nextBody])
    expect(result.headers['content-type']).toBe(nextBody ? 'application/json' : undefined)
    expect(result.headers.authorization).toBe('Bearer tok-123')
  })

  it(`stops after ${MAX_REDIRECTS} redirects`, async () => {
    home.on(
      '/loop',
      redirect(302, () => '/loop'),
    )
    await expect(send({ method: 'GET', url: `${home.url}/loop`, headers: {} }, { fetch, policy, secrets: [] })).rejects.toThrow(
      `GET ${home.url}/loop redirected more than 5 times (last to ${home.url}/loop)`,
    )
    expect(home.count('/loop')).toBe(1 + MAX_REDIRECTS)
  })

  it('returns a redirect without a Location as it is, and refuses a Location that is not http(s)', async () => {
    home.on('/bare', (_, __, res) => void res.writeHead(302).end())
    expect((await send({ method: 'GET', url: `${home.url}/bare`, headers: {} }, { fetch, policy, secrets: [] })).response.status).toBe(302)
    home.on(
      '/file',
      redirect(302, () => 'file:///etc/passwd'),
    )
    await expect(send({ method: 'GET', url: `${home.url}/file`, headers: {} }, { fetch, policy, secrets: [] })).rejects.toThrow(
      'redirected to "file:///etc/passwd", which is not an http(s) URL',
    )
  })

  it('refuses a URL that is not http(s) before sending', async () => {
    await expect(send({ method: 'GET', url: 'ftp://127.0.0.1/x', headers: {} }, { fetch, policy, secrets: [] })).rejects.toThrow(
      'the URL "ftp://127.0.0.1/x" is not an http(s) URL',
    )
  })
})
