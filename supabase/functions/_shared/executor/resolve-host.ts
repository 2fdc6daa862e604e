/**
 * Resolving a step's host name to all its addresses, for the address policy: Deno.resolveDns (A
 * and AAAA) on the hosted Edge Runtime, the system resolver (getaddrinfo, /etc/hosts included)
 * under Node on the local stack.
 */
import { lookup } from 'node:dns/promises'
import type { ResolveHost } from './egress-policy.ts'

type DenoDns = { resolveDns(name: string, type: 'A' | 'AAAA'): Promise<string[]> }

/** Node: every address getaddrinfo gives, IPv4 and IPv6. */
const nodeResolveHost: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((answer) => answer.address)

/** Deno: the A and AAAA records; fails only when neither query gives an address. */
function denoResolveHost(deno: DenoDns): ResolveHost {
  return async (hostname) => {
    const answers = await Promise.allSettled([deno.resolveDns(hostname, 'A'), deno.resolveDns(hostname, 'AAAA')])
    const addresses = answers.flatMap((answer) => (answer.status === 'fulfilled' ? answer.value : []))
    const failure = answers.find((answer) => answer.status === 'rejected')
    if (addresses.length === 0 && failure?.status === 'rejected') throw failure.reason
    return addresses
  }
}

/** The resolver of the runtime this code runs in. */
export function systemResolveHost(): ResolveHost {
  const deno: unknown = Reflect.get(globalThis, 'Deno')
  const resolveDns: unknown = typeof deno === 'object' && deno !== null ? Reflect.get(deno, 'resolveDns') : undefined
  if (typeof resolveDns !== 'function') return nodeResolveHost
  const call = async (name: string, type: 'A' | 'AAAA'): Promise<string[]> => {
    const answers: unknown = await Reflect.apply(resolveDns, deno, [name, type])
    return Array.isArray(answers) ? answers.filter((answer): answer is string => typeof answer === 'string') : []
  }
  return denoResolveHost({ resolveDns: call })
}
