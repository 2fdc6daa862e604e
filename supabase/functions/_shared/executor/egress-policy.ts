/**
 * The address policy for a step's requests: where a request may go at all, whatever it carries.
 * A host is resolved (IP literals as they are, names to all their A and AAAA answers) and the
 * request is refused when any address is loopback, private, shared (CGNAT), link-local,
 * unique-local, unspecified, multicast, broadcast, reserved or a cloud metadata address, also
 * when such an IPv4 address is embedded in IPv6 (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
 * The names `localhost`, `*.localhost` and `metadata.google.internal` are refused without
 * resolving them. The deployer lets hosts or ranges through with one setting, OPS_EGRESS_ALLOW.
 */

/** The function environment variable that lets hosts or ranges through the address policy. */
export const EGRESS_ALLOW_SETTING = 'OPS_EGRESS_ALLOW'

/** A host name's addresses (A and AAAA), as text; throws or returns [] when it has none. */
export type ResolveHost = (hostname: string) => Promise<string[]>

/** OPS_EGRESS_ALLOW has an entry that is not a host name, host:port, IP address or CIDR range. */
export class EgressSettingError extends Error {
  override name = 'EgressSettingError'
}

interface Range {
  bytes: Uint8Array
  prefix: number
}

/** One OPS_EGRESS_ALLOW entry: a host name or an address range, on any port or one port. */
export type AllowEntry = { text: string; port?: number } & ({ host: string } | { range: Range })

export interface EgressPolicy {
  allow: readonly AllowEntry[]
  resolve: ResolveHost
}

// ---- addresses -------------------------------------------------------------------------------

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return undefined
  return Uint8Array.from(parts.map(Number))
}

function parseIpv6(text: string): Uint8Array | undefined {
  const address = text.replace(/%.*$/, '') // a zone (fe80::1%eth0) says nothing about the address
  if (!/^[0-9a-f:.]+$/i.test(address) || address.split('::').length > 2) return undefined
  const groups: number[][] = address.split('::').map((half) => {
    if (half === '') return []
    const words: number[] = []
    const pieces = half.split(':')
    pieces.forEach((piece, i) => {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece)
        if (!v4) words.push(NaN)
        else words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
      } else words.push(/^[0-9a-f]{1,4}$/i.test(piece) ? parseInt(piece, 16) : NaN)
    })
    return words
  })
  if (groups.some((words) => words.some(Number.isNaN))) return undefined
  // An embedded IPv4 address may only end the address.
  if (groups.length === 2 && groups[0].length > 0 && address.split('::')[0].includes('.')) return undefined
  const [head, tail = []] = groups
  const missing = 8 - head.length - tail.length
  if (groups.length === 1 ? missing !== 0 : missing < 1) return undefined
  const words = [...head, ...new Array<number>(groups.length === 1 ? 0 : missing).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8
    bytes[2 * i + 1] = word & 0xff
  })
  return bytes
}

/** The bytes of an IP address (4 or 16), or undefined when `text` is not one. Brackets are allowed around IPv6. */
function parseAddress(text: string): Uint8Array | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  return parseIpv4(bare) ?? (bare.includes(':') ? parseIpv6(bare) : undefined)
}

function rangeOf(cidr: string): Range {
  const [address, prefix] = cidr.split('/')
  const bytes = parseAddress(address)!
  return { bytes, prefix: prefix === undefined ? bytes.length * 8 : Number(prefix) }
}

function contains(range: Range, bytes: Uint8Array): boolean {
  if (range.bytes.length !== bytes.length) return false
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const mask = (0xff << (8 - Math.min(8, range.prefix - bit))) & 0xff
    if ((range.bytes[bit / 8] & mask) !== (bytes[bit / 8] & mask)) return false
  }
  return true
}

const formatIpv4 = (bytes: Uint8Array) => Array.from(bytes).join('.')

type Refused =
  | 'a loopback'
  | 'a private'
  | 'a shared (CGNAT)'
  | 'a link-local'
  | 'a unique-local'
  | 'an unspecified'
  | 'a multicast'
  | 'a broadcast'
  | 'a reserved'
  | 'a cloud metadata'

// First match wins, so the narrow ranges come before the wide ones that hold them.
const IPV4_RANGES: [Range, Refused][] = (
  [
    ['169.254.169.254/32', 'a cloud metadata'],
    ['0.0.0.0/8', 'an unspecified'],
    ['10.0.0.0/8', 'a private'],
    ['100.64.0.0/10', 'a shared (CGNAT)'],
    ['127.0.0.0/8', 'a loopback'],
    ['169.254.0.0/16', 'a link-local'],
    ['172.16.0.0/12', 'a private'],
    ['192.0.0.0/24', 'a reserved'],
    ['192.0.2.0/24', 'a reserved'],
    ['192.88.99.0/24', 'a reserved'],
    ['192.168.0.0/16', 'a private'],
    ['198.18.0.0/15', 'a reserved'],
    ['198.51.100.0/24', 'a reserved'],
    ['203.0.113.0/24', 'a reserved'],
    ['224.0.0.0/4', 'a multicast'],
    ['255.255.255.255/32', 'a broadcast'],
    ['240.0.0.0/4', 'a reserved'],
  ] as const
).map(([cidr, kind]) => [rangeOf(cidr), kind])

// IPv6 ranges that carry an IPv4 address, and where its four bytes are.
const IPV4_IN_IPV6: [Range, string, number][] = (
  [
    ['::ffff:0:0/96', 'IPv4-mapped', 12],
    ['64:ff9b::/96', 'NAT64', 12],
    ['2002::/16', '6to4', 2],
  ] as const
).map(([cidr, form, at]) => [rangeOf(cidr), form, at])

const IPV6_RANGES: [Range, Refused][] = (
  [
    ['::/128', 'an unspecified'],
    ['::1/128', 'a loopback'],
    ['fd00:ec2::254/128', 'a cloud metadata'],
    ['64:ff9b:1::/48', 'a reserved'],
    ['100::/64', 'a reserved'],
    ['2001::/23', 'a reserved'],
    ['2001:db8::/32', 'a reserved'],
    ['fc00::/7', 'a unique-local'],
    ['fe80::/10', 'a link-local'],
    ['fec0::/10', 'a reserved'],
    ['ff00::/8', 'a multicast'],
  ] as const
).map(([cidr, kind]) => [rangeOf(cidr), kind])

const GLOBAL_UNICAST_V6 = rangeOf('2000::/3')
const IPV4_COMPATIBLE = rangeOf('::/96')

/** Why an address may not be reached ("a loopback address", "an IPv4-mapped form of 127.0.0.1, a loopback address"), or undefined. */
function addressClass(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) {
    const kind = IPV4_RANGES.find(([range]) => contains(range, bytes))?.[1]
    return kind && `${kind} address`
  }
  const kind = IPV6_RANGES.find(([range]) => contains(range, bytes))?.[1]
  if (kind) return `${kind} address`
  const embedded = IPV4_IN_IPV6.find(([range]) => contains(range, bytes))
  const [form, at] = embedded ? [embedded[1], embedded[2]] : contains(IPV4_COMPATIBLE, bytes) ? ['IPv4-compatible', 12] : []
  if (form !== undefined && at !== undefined) {
    const v4 = bytes.slice(at, at + 4)
    const inner = addressClass(v4)
    if (inner) return `${/^[aeiou]/i.test(form) ? 'an' : 'a'} ${form} form of ${formatIpv4(v4)}, ${inner}`
    // IPv4-compatible addresses are deprecated and never routed; the others reach a public IPv4 host.
    return form === 'IPv4-compatible' ? 'a reserved address' : undefined
  }
  return contains(GLOBAL_UNICAST_V6, bytes) ? undefined : 'a reserved address'
}

// ---- the allow list --------------------------------------------------------------------------

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i

const normalizeHost = (host: string) => host.toLowerCase().replace(/\.$/, '')

function entryProblem(entry: string): string {
  return `${EGRESS_ALLOW_SETTING} entry "${entry}" is not valid: `
}

function parsePort(entry: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new EgressSettingError(`${entryProblem(entry)}the port must be a number from 1 to 65535`)
  }
  return Number(text)
}

function parseEntry(entry: string): AllowEntry {
  const FORMS = 'write a host name, host:port, an IP address, [IPv6]:port or a CIDR range such as 10.1.0.0/16'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) throw new EgressSettingError(`${entryProblem(entry)}it is a URL; ${FORMS}`)
  if (entry.includes('/')) {
    const [address, prefix, ...rest] = entry.split('/')
    const bytes = parseAddress(address)
    if (!bytes || address.startsWith('[') || rest.length > 0) {
      throw new EgressSettingError(`${entryProblem(entry)}a CIDR range is an IP address, "/" and a prefix length; ${FORMS}`)
    }
    const bits = bytes.length * 8
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
      throw new EgressSettingError(`${entryProblem(entry)}the prefix length must be a number from 0 to ${bits}`)
    }
    return { text: entry, range: { bytes, prefix: Number(prefix) } }
  }
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry)
  if (bracketed) {
    const bytes = parseIpv6(bracketed[1])
    if (!bytes) throw new EgressSettingError(`${entryProblem(entry)}"${bracketed[1]}" is not an IPv6 address; ${FORMS}`)
    const port = bracketed[2] === undefined ? undefined : parsePort(entry, bracketed[2])
    return { text: entry, range: { bytes, prefix: 128 }, ...(port === undefined ? {} : { port }) }
  }
  const bytes = parseAddress(entry)
  if (bytes) return { text: entry, range: { bytes, prefix: bytes.length * 8 } }
  const colon = entry.split(':')
  if (colon.length > 2)
    throw new EgressSettingError(`${entryProblem(entry)}an IPv6 address with a port is written [address]:port; ${FORMS}`)
  const [host, portText] = colon
  const port = portText === undefined ? undefined : parsePort(entry, portText)
  const address = parseIpv4(host)
  if (address) return { text: entry, range: { bytes: address, prefix: 32 }, ...(port === undefined ? {} : { port }) }
  if (!HOST_NAME.test(host.replace(/\.$/, ''))) throw new EgressSettingError(`${entryProblem(entry)}"${host}" is not a host name; ${FORMS}`)
  return { text: entry, host: normalizeHost(host), ...(port === undefined ? {} : { port }) }
}

/**
 * The entries of OPS_EGRESS_ALLOW (comma-separated; blanks ignored). A malformed entry throws
 * EgressSettingError naming it: the executor then starts no run until the setting is fixed.
 */
export function parseEgressAllow(setting: string | undefined): AllowEntry[] {
  return (setting ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseEntry)
}

// ---- the check -------------------------------------------------------------------------------

const portOf = (url: URL) => (url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port))

const REFUSED_NAMES: [(host: string) => boolean, string][] = [
  [(host) => host === 'localhost' || host.endsWith('.localhost'), 'a loopback name'],
  [(host) => host === 'metadata.google.internal', 'a cloud metadata name'],
]

function unmapped(bytes: Uint8Array): Uint8Array {
  return bytes.length === 16 && contains(IPV4_IN_IPV6[0][0], bytes) ? bytes.slice(12) : bytes
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * Why the policy refuses a request to `url` ("127.0.0.1 is a loopback address", "db.internal
 * resolves to 10.0.0.5, a private address"), or undefined when it may be sent.
 */
export async function addressRefusal(url: URL, policy: EgressPolicy, signal?: AbortSignal): Promise<string | undefined> {
  const port = portOf(url)
  const literal = parseAddress(url.hostname)
  const host = literal ? url.hostname.replace(/^\[|\]$/g, '') : normalizeHost(url.hostname)
  const portMatches = (entry: AllowEntry) => entry.port === undefined || entry.port === port
  let answers: string[]
  if (literal) {
    answers = [host]
  } else {
    if (policy.allow.some((entry) => 'host' in entry && entry.host === host && portMatches(entry))) return undefined
    const name = REFUSED_NAMES.find(([matches]) => matches(host))
    if (name) return `${host} is ${name[1]}`
    try {
      answers = await abortable(policy.resolve(host), signal)
    } catch (error) {
      if (signal?.aborted) throw error
      const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined
      const why = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)
      return `${host} does not resolve to an address (${why})`
    }
    if (answers.length === 0) return `${host} does not resolve to an address (no A or AAAA record)`
  }
  for (const answer of answers) {
    const bytes = parseAddress(answer)
    const subject = literal ? host : `${host} resolves to ${answer}`
    if (!bytes) return `${host} resolves to "${answer}", which is not an IP address`
    const allowed = policy.allow.some(
      (entry) => 'range' in entry && (contains(entry.range, bytes) || contains(entry.range, unmapped(bytes))) && portMatches(entry),
    )
    if (allowed) continue
    const refused = addressClass(bytes)
    if (refused) return literal ? `${subject} is ${refused}` : `${subject}, ${refused}`
  }
  return undefined
}
