/** The parts of supabase/config.toml the local stack honours, so local and hosted agree. */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parse } from 'smol-toml'
import * as z from 'zod'
import { errorMessage } from '../supabase/functions/_shared/error-message.ts'
import { schemaProblems } from './schema-problems.ts'

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))
const CONFIG_FILE = `${PROJECT_ROOT}supabase/config.toml`

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

/** The settings read here, each optional as in the Supabase CLI; the rest of the file is left alone. */
const configFile = z.looseObject({
  api: z.looseObject({ schemas: z.array(z.string()).optional(), max_rows: z.number().optional() }).optional(),
  auth: z
    .looseObject({
      enable_anonymous_sign_ins: z.boolean().optional(),
      enable_signup: z.boolean().optional(),
      jwt_expiry: z.number().optional(),
      email: z.looseObject({ enable_signup: z.boolean().optional() }).optional(),
    })
    .optional(),
  functions: z.record(z.string(), z.looseObject({ verify_jwt: z.boolean().optional(), enabled: z.boolean().optional() })).optional(),
})

export async function loadConfig(file = CONFIG_FILE): Promise<StackConfig> {
  let doc: unknown
  try {
    doc = parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new Error(`cannot read ${file}: ${errorMessage(error)}`, { cause: error })
  }
  const checked = configFile.safeParse(doc)
  if (!checked.success) throw new Error(`cannot use ${file}: ${schemaProblems(checked.error)}`)
  const { api, auth, functions = {} } = checked.data
  return {
    schemas: api?.schemas ?? ['public'],
    maxRows: api?.max_rows ?? 1000,
    anonymousSignIns: auth?.enable_anonymous_sign_ins ?? false,
    emailSignUps: (auth?.email?.enable_signup ?? true) && (auth?.enable_signup ?? true),
    jwtExpiry: auth?.jwt_expiry ?? 3600,
    functions: Object.fromEntries(
      Object.entries(functions).map(([name, fn]) => [name, { verifyJwt: fn.verify_jwt ?? true, enabled: fn.enabled ?? true }]),
    ),
  }
}
