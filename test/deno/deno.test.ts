/** `deno check` and `deno test` of the Edge Function, with the real Deno from the npm package. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { keyModes } from '../support/key-modes.ts'
import { stackKeys } from '../../local/api-keys.ts'
import { denoEnv } from '../../local/functions/deno-env.ts'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const deno = `${root}node_modules/.bin/deno`
const config = 'supabase/functions/ops-executor/deno.json'

async function denoCommand(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(deno, args, {
      cwd: root,
      env: denoEnv({ ...process.env, NO_COLOR: '1', ...env }),
      maxBuffer: 16 * 1024 * 1024,
    })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

describe('the ops-executor Edge Function under Deno', () => {
  it('passes deno check', async () => {
    const result = await denoCommand(['check', '--config', config, 'supabase/functions/ops-executor/index.ts'])
    expect(result.output).not.toMatch(/error/i)
    expect(result.code).toBe(0)
  }, 120_000)
})

describe.each(keyModes)('the ops-executor Edge Function under Deno, with %s API keys', (keys) => {
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack('pglite', { keys })
  })
  afterAll(() => stack.stop())

  it('passes deno test against the local stack, with the function environment of a project of this key generation', async () => {
    const result = await denoCommand(['test', '--config', config, '--allow-env', '--allow-net', 'test/deno/ops-executor_test.ts'], {
      SUPABASE_URL: stack.url,
      // Only this generation's variables: none inherited from the environment of the tests.
      SUPABASE_ANON_KEY: '',
      SUPABASE_SERVICE_ROLE_KEY: '',
      SUPABASE_PUBLISHABLE_KEYS: '',
      SUPABASE_SECRET_KEYS: '',
      SUPABASE_JWKS: '',
      ...stackKeys(keys).functionEnv,
      GITHUB_TOKEN: '',
      SLACK_WEBHOOK_URL: '',
    })
    expect(result.output).toMatch(/ok \| 4 passed \| 0 failed/)
    expect(result.code).toBe(0)
  }, 180_000)
})
