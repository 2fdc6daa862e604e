/** The parts of supabase/config.toml the local stack honours, so local and hosted agree. */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parse } from 'smol-toml'

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))
export const CONFIG_FILE = `${PROJECT_ROOT}supabase/config.toml`

export interface StackConfig {
  /** Schemas served by /rest/v1 ([api] schemas). */
  schemas: string[]
  /** [api] max_rows: the most rows one REST read returns. */
  maxRows: number
  anonymousSignIns: boolean
  emailSignUps: boolean
  /** Access-token lifetime in seconds ([auth] jwt_expiry). */
  jwtExpiry: number
  /** Per Edge Function: whether the gateway requires a valid JWT. */
  functions: Record<string, { verifyJwt: boolean; enabled: boolean }>
}

type Table = Record<string, unknown>

export async function loadConfig(file = CONFIG_FILE): Promise<StackConfig> {
  let doc: Table
  try {
    doc = parse(await readFile(file, 'utf8')) as Table
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  const api = (doc.api ?? {}) as Table
  const auth = (doc.auth ?? {}) as Table
  const email = (auth.email ?? {}) as Table
  const functions = (doc.functions ?? {}) as Record<string, Table>
  return {
    schemas: Array.isArray(api.schemas) ? api.schemas.map(String) : ['public'],
    maxRows: typeof api.max_rows === 'number' ? api.max_rows : 1000,
    anonymousSignIns: auth.enable_anonymous_sign_ins === true,
    emailSignUps: email.enable_signup !== false && auth.enable_signup !== false,
    jwtExpiry: typeof auth.jwt_expiry === 'number' ? auth.jwt_expiry : 3600,
    functions: Object.fromEntries(
      Object.entries(functions).map(([name, fn]) => [name, { verifyJwt: fn.verify_jwt !== false, enabled: fn.enabled !== false }]),
    ),
  }
}
