/**
 * The environment every Deno process of this project starts with. Deno 2.4 trusts only its own
 * bundled root certificates unless told otherwise, so behind a TLS-inspecting proxy (whose CA the
 * machine trusts) it could not fetch npm packages; the machine's store is added to Deno's own.
 * A value the person set themselves wins.
 */
export function denoEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value
  out.DENO_TLS_CA_STORE ??= 'mozilla,system'
  return out
}
